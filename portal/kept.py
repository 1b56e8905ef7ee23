"""Creator pages kept per process while nothing they were drawn from has changed (首页, 权益中心, 我的权益).

A page is kept under a *fingerprint* that ``portal.access`` reads in the same statement as the creator:
the versions of every row the page is drawn from (its ``Sources``) — the creator's own rows of each table
it reads, the small tables it reads whole, and the rows they lead to (the override's setter, the
assessments' runs). A row version is named by PostgreSQL's ``xmin`` (the transaction that wrote it) and ``cmin`` (the
statement within it). A committed write — by the portal, a job, the ingest, the console, the admin, or by
hand in psql — leaves a version the fingerprint has not seen, or removes one: every version that becomes
visible was written by a transaction that committed after the versions already seen, so its name is new,
and a set that only lost rows is smaller. The next view reads another fingerprint and draws the page
afresh; no writer has to remember to invalidate anything. Read before the page's own reads, a fingerprint
is never newer than the page kept under it.

A page also moves with the clock (a content row leaving the 30-day window, the days left): the view says
until when what it drew holds (``keep_until``, from ``levels.metrics.next_change``), and a kept page is
not served from that instant on. What differs between two requests for the same page are holes filled on
every answer: the CSRF token (this browser's secret, masked afresh) and the moment the page is judged at.
The key holds the rest: the view, the path with its query, the language, the URL prefix, the user's name
and whether the header links to the console. HTMX requests, a page with messages to show and databases
without row versions (SQLite) are drawn live.
"""

import secrets
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from functools import cache, wraps

from django.conf import settings
from django.contrib import messages
from django.db import connection
from django.db.models import Model
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.urls import get_script_prefix
from django.utils.translation import get_language

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

# In the page in place of the CSRF token (``holes``) and of the moment it is judged at (``instant``),
# filled on every answer; unguessable, so no text a creator writes can contain them.
HOLE = f"kept{secrets.token_hex(16)}"
AT_HOLE = f"at{secrets.token_hex(16)}"


@dataclass(frozen=True)
class Page:
    html: str  # with the holes (HOLE, AT_HOLE) unfilled
    drawn: datetime  # served only from this instant (a clock set back, as tests do, draws it again)
    until: datetime  # until this one


_pages: OrderedDict[tuple, Page] = OrderedDict()
_lock = threading.Lock()


def supported() -> bool:
    """Pages are kept where rows show their versions (PostgreSQL) and ``PORTAL_KEPT_PAGES`` allows any."""
    return connection.vendor == "postgresql" and settings.PORTAL_KEPT_PAGES > 0


@cache
def fingerprint_sql(sources: Sources) -> str:
    """An expression over the creator's row, read with it (``portal.access`` passes it to ``page_creator``,
    so it is read at the same snapshot): the md5 of the row versions the page is drawn from, each led by
    its branch's number (so a row cannot seem to move between tables) and sorted. One UNION ALL: PostgreSQL
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
    version = "{0}.xmin::text || '.' || {0}.cmin::text"
    branches = [f"SELECT {n} AS b, {version.format('x')} AS v FROM {source}" for n, source in enumerate(rows)]
    branches.append(f"SELECT -1, {version.format(table(Creator))}")  # the creator's own row
    versions = " UNION ALL ".join(branches)
    return f"SELECT md5(string_agg(b || ':' || v, ',' ORDER BY b, v)) FROM ({versions}) versions"


def keep_until(request: HttpRequest, until: datetime) -> None:
    """Said by a kept view: what it draws holds until ``until`` (the next moment its answer can move)."""
    pending = getattr(request, "kept", None)
    if pending is not None:
        pending["until"] = until if pending.get("until") is None else min(pending["until"], until)


def holes(request: HttpRequest) -> dict[str, str]:
    """Context processor: while a kept view draws, the CSRF token is a hole (after Django's ``csrf``)."""
    return {"csrf_token": HOLE} if getattr(request, "kept", None) is not None else {}


def instant(request: HttpRequest, at: datetime) -> str:
    """The moment a page is judged at, as pages show it ("进度按 … 的数据计算"): while a kept view draws, a
    hole filled with the moment of each answer, at which the kept page is exact too."""
    return AT_HOLE if getattr(request, "kept", None) is not None else stamp(at)


def _filled(request: HttpRequest, html: str) -> bytes:
    return html.replace(HOLE, get_token(request)).replace(AT_HOLE, stamp(clock.now())).encode()


def _get(key: tuple, now: datetime) -> Page | None:
    with _lock:
        page = _pages.get(key)
        if page is None:
            return None
        if not page.drawn <= now < page.until:
            del _pages[key]
            return None
        _pages.move_to_end(key)
        return page


def _put(key: tuple, page: Page) -> None:
    with _lock:
        _pages[key] = page
        _pages.move_to_end(key)
        while len(_pages) > settings.PORTAL_KEPT_PAGES:  # the least recently served dropped first
            _pages.popitem(last=False)


def clear() -> None:
    with _lock:
        _pages.clear()


def kept(sources: Sources) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """A creator page (under ``portal.access.creator_required``) drawn from ``sources``, kept as this
    module says."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            fingerprint = getattr(request.creator, "page_fingerprint", None)
            if fingerprint is None or request.htmx or len(messages.get_messages(request)):
                return view(request, *args, **kwargs)
            key = (view.__module__, view.__qualname__, request.get_full_path(), get_language(),
                   get_script_prefix(), request.user.get_username(), bool(request.console_view),
                   request.creator.pk, fingerprint)  # fmt: skip
            now = clock.now()
            if (page := _get(key, now)) is not None:
                return HttpResponse(_filled(request, page.html))
            request.kept = {"until": None}
            try:
                response = view(request, *args, **kwargs)
            finally:
                until = request.kept["until"]
                del request.kept
            html = response.content.decode(response.charset)
            if response.status_code == 200 and until is not None and now < until:
                _put(key, Page(html, now, until))
            response.content = _filled(request, html)
            return response

        wrapped.kept = sources  # ``portal.access`` reads the fingerprint of these with the creator
        return wrapped

    return decorator
