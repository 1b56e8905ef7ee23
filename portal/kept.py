"""Creator pages kept per process while nothing they were drawn from has changed (首页, 权益中心, 我的权益),
as ``lib.kept`` keeps pages: here, what each is drawn from (its ``Sources``) and the fingerprint of those
rows, which ``portal.access`` reads in the same statement as the creator — the creator's own rows of each
table the page reads, the small tables it reads whole, and the rows they lead to (the override's setter,
the assessments' runs). The key adds whether the header links to the console and the creator; the moment
a page is judged at ("进度按 … 的数据计算") is a hole filled on each answer (``instant``).
"""

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from functools import cache

from django.db.models import Model
from django.http import HttpRequest, HttpResponse

from academy.models import CourseProgress
from benefits.models import Benefit, DouPlusCredit, Entitlement, FeaturedCase, GuaranteeCard, LevelBenefit, LevelPackage
from creators.models import (
    AssistantMessage,
    Content,
    Creator,
    CreditDaily,
    FansDaily,
    Order,
    PortalEvent,
    Quote,
    SubmissionEntry,
)
from levels.models import Assessment, CreatorLevel, LevelChange, LevelOverride, RuleSet
from lib import kept as store
from lib.sql import column, table
from portal import clock
from portal.templatetags.portal_format import stamp


@dataclass(frozen=True)
class Sources:
    """What a kept page is drawn from: the creator's rows of each table of ``own`` (by its ``creator``
    column), the small tables of ``shared`` whole, and the rows ``joined`` leads to (a model of ``own``
    and one of its foreign keys: the rows the creator's rows point to). ``tests/portal/test_kept.py``
    checks that every table a kept page reads is here."""

    own: tuple[type[Model], ...]
    shared: tuple[type[Model], ...]
    joined: tuple[tuple[type[Model], str], ...]

    def __add__(self, more: "Sources") -> "Sources":
        return Sources(self.own + more.own, self.shared + more.shared, self.joined + more.joined)

    @property
    def tables(self) -> set[str]:
        """Every table the fingerprint reads rows of."""
        models = [*self.own, *self.shared, *(m._meta.get_field(f).related_model for m, f in self.joined)]
        return {m._meta.db_table for m in models} | {Creator._meta.db_table}


# 首页 and 权益中心: the creator's standing (its tasks measured, the level held, its history). The
# override's setter is named on the page; the runs that judged the creator carry the rule set they applied.
STANDING = Sources(
    own=(PortalEvent, Content, FansDaily, CreditDaily, CourseProgress, SubmissionEntry, Order, Quote,
         AssistantMessage, CreatorLevel, LevelOverride, Assessment, LevelChange),
    shared=(RuleSet, LevelPackage),
    joined=((LevelOverride, "set_by"), (Assessment, "run")),
)  # fmt: skip
# 我的权益: the standing, and the ledger — entitlements with their cases, the wallet's cards with the task
# a used card went to and the reason of an operator's issue, the DOU+ credited — beside the catalogue.
BENEFITS = STANDING + Sources(
    own=(Entitlement, FeaturedCase, GuaranteeCard, DouPlusCredit),
    shared=(LevelBenefit, Benefit),
    joined=((GuaranteeCard, "issue"), (SubmissionEntry, "task")),
)


@cache
def fingerprint_sql(sources: Sources) -> str:
    """An expression over the creator's row, read with it (``portal.access`` passes it to ``page_creator``,
    so it is read at the same snapshot): the md5 of the row versions the page is drawn from, each tagged
    with its branch's number (``lib.kept.row_version``) and sorted. One UNION ALL: PostgreSQL
    plans it in half the time of a subquery per table. Written once per process and page kind."""
    creator = f"{table(Creator)}.{column(Creator, 'id')}"

    def own(model, alias: str = "x") -> str:
        return f" WHERE {alias}.{column(model, 'creator')} = {creator}"

    rows = [f"{table(model)} x{own(model)}" for model in sources.own]
    rows += [f"{table(model)} x" for model in sources.shared]
    for model, key in sources.joined:
        target = model._meta.get_field(key).related_model
        on = f"x.{column(target, target._meta.pk.name)} = o.{column(model, key)}"
        rows.append(f"{table(model)} o JOIN {table(target)} x ON {on}{own(model, 'o')}")
    branches = [f"SELECT {store.row_version('x', n)} AS v FROM {source}" for n, source in enumerate(rows)]
    branches.append(f"SELECT {store.row_version(table(Creator), 'creator')}")  # the creator's own row
    return f"SELECT {store.VERSIONS_MD5} FROM ({' UNION ALL '.join(branches)}) versions"


# In the page in place of the moment it is judged at (``instant``), filled on every answer.
AT_HOLE = f"at{secrets.token_hex(16)}"


def instant(at: datetime) -> str:
    """The moment a page is judged at, as pages show it ("进度按 … 的数据计算"): while a kept view draws, a
    hole filled with the moment of each answer, at which the kept page is exact too."""
    return AT_HOLE if store.drawing() else stamp(at)


def _fill(html: str) -> str:
    return html.replace(AT_HOLE, stamp(clock.now()))


def _key(request: HttpRequest, _note: object) -> tuple | None:
    fingerprint = getattr(request.creator, "page_fingerprint", None)
    if fingerprint is None:
        return None
    return fingerprint, bool(request.console_view), request.creator.pk


def kept(sources: Sources) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """A creator page (under ``portal.access.creator_required``) drawn from ``sources``, kept as
    ``lib.kept`` keeps pages."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        # ``clock.now`` looked up on each call: the portal's clock may be set (tests set it).
        wrapped = store.kept(key=_key, now=lambda: clock.now(), fill=_fill)(view)
        wrapped.kept = sources  # ``portal.access`` reads the fingerprint of these with the creator
        return wrapped

    return decorator
