"""Creator pages kept per process while nothing they were drawn from has changed (首页, 权益中心).

A page is kept under a *fingerprint* that ``portal.access`` reads in the same statement as the creator:
the versions of every row the page is drawn from — the creator's own rows of each table in ``OWN``, the
small tables of ``SHARED`` whole, and the rows they lead to (the override's setter, the assessments'
runs). A row version is named by PostgreSQL's ``xmin`` (the transaction that wrote it) and ``cmin`` (the
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
from django.contrib.auth import get_user_model
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.urls import get_script_prefix
from django.utils.translation import get_language

from academy.models import CourseProgress
from benefits.models import LevelPackage
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
from levels.models import Assessment, CreatorLevel, JobRun, LevelChange, LevelOverride, RuleSet
from lib.sql import column, table
from portal import clock
from portal.templatetags.portal_format import stamp

# The tables a kept page is drawn from: the creator's rows of each (by its ``creator`` column), and
# small tables read whole. ``tests/portal/test_kept.py`` checks that every table a kept page reads is here.
OWN = (PortalEvent, Content, FansDaily, CreditDaily, CourseProgress, SubmissionEntry, Order, Quote,
       AssistantMessage, CreatorLevel, LevelOverride, Assessment, LevelChange)  # fmt: skip
SHARED = (RuleSet, LevelPackage)

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
def fingerprint_sql() -> str:
    """An expression over the creator's row, read with it (``portal.access`` passes it to ``page_creator``,
    so it is read at the same snapshot): the md5 of the row versions the page is drawn from, each led by
    its branch's number (so a row cannot seem to move between tables) and sorted. One UNION ALL: PostgreSQL
    plans it in half the time of a subquery per table. Written once per process."""
    user = get_user_model()
    creator = f"{table(Creator)}.{column(Creator, 'id')}"

    def own(model, alias: str = "x") -> str:
        return f" WHERE {alias}.{column(model, 'creator')} = {creator}"

    sources = [f"{table(model)} x{own(model)}" for model in OWN]
    sources += [f"{table(model)} x" for model in SHARED]
    sources.append(  # the override's setter: the page names them
        f"{table(LevelOverride)} o JOIN {table(user)} x ON x.{column(user, 'id')} = o.{column(LevelOverride, 'set_by')}"
        + own(LevelOverride, "o")
    )
    sources.append(  # the runs that judged the creator: the rule set they applied
        f"{table(Assessment)} o JOIN {table(JobRun)} x ON x.{column(JobRun, 'id')} = o.{column(Assessment, 'run')}"
        + own(Assessment, "o")
    )
    version = "{0}.xmin::text || '.' || {0}.cmin::text"
    branches = [f"SELECT {n} AS b, {version.format('x')} AS v FROM {source}" for n, source in enumerate(sources)]
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


def kept(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A creator page (under ``portal.access.creator_required``) kept as this module says."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        fingerprint = getattr(request.creator, "page_fingerprint", None)
        if fingerprint is None or request.htmx or len(messages.get_messages(request)):
            return view(request, *args, **kwargs)
        key = (view.__module__, view.__qualname__, request.get_full_path(), get_language(), get_script_prefix(),
               request.user.get_username(), bool(request.console_view), request.creator.pk, fingerprint)  # fmt: skip
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

    wrapped.kept = True  # ``portal.access`` reads the fingerprint with the creator
    return wrapped
