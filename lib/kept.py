"""Pages kept per process while nothing they were drawn from has changed: the store, the key, the holes.

A kept view's page is drawn once and its HTML kept in this process's memory under a key that names all it
was drawn from: the view, the path with its query, the language, the URL prefix, the user, and what the
view's ``key`` adds — above all a *fingerprint*, the versions of the rows the page reads (PostgreSQL's
``xmin`` and ``cmin``: the transaction and the statement that wrote each). A committed write, whoever
makes it — a service, a job, the admin, an ``UPDATE`` typed in psql — leaves a version no fingerprint has
seen or removes one, so the next view reads another fingerprint and draws the page afresh; no writer has
to invalidate anything. A fingerprint read before the page's own reads is never newer than the page kept
under it. ``portal.kept`` (a creator's pages), ``levels.run_selectors.runs_fingerprint_sql`` (the console's
run list) and ``square.kept`` (the square) say what their pages are drawn from.

A page also moves with the clock: the view says until when what it drew holds (``keep_until``), and the
page is not served from that instant on. What differs between two answers of the same page are holes,
filled on every answer: the CSRF token (each browser its own secret, masked afresh; ``holes``), each
form's request id (``request_id``: a page kept and served twice must not post the same id twice) and
what a view adds (``fill``). HTMX requests, pages with messages to show and databases without row
versions (SQLite) are drawn on every view.
"""

import re
import secrets
import threading
import uuid
from collections import OrderedDict
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.urls import get_script_prefix
from django.utils.translation import get_language

# In the page in place of the CSRF token and of each request id, filled on every answer; unguessable, so
# no text a user writes can contain them.
CSRF_HOLE = f"kept{secrets.token_hex(16)}"
REQUEST_ID_HOLE = f"rid{secrets.token_hex(16)}"
_REQUEST_IDS = re.compile(re.escape(REQUEST_ID_HOLE))


@dataclass(frozen=True)
class Page:
    html: str  # with its holes unfilled
    drawn: datetime  # served only from this instant (a clock set back, as tests do, draws it again)
    until: datetime  # until this one
    note: object  # what the view noted while drawing (``keep_note``)


# What a view whose page no clock moves says to ``keep_until``.
NO_LIMIT = datetime.max.replace(tzinfo=UTC)

_pages: OrderedDict[tuple, Page] = OrderedDict()
# Per page (the key without the view's own part): the note of its latest drawing, for its ``key`` to read.
_notes: OrderedDict[tuple, object] = OrderedDict()
_lock = threading.Lock()
# While a kept view draws: until when its answer holds (None until the view says) and its note.
_drawing: ContextVar[dict | None] = ContextVar("kept_drawing", default=None)


# A fingerprint over rows of versions (``row_version``, selected as ``v``): the md5 of them sorted; NULL for none.
VERSIONS_MD5 = "md5(string_agg(v, ',' ORDER BY v))"


def row_version(alias: str, tag: object) -> str:
    """SQL for the version of the row of ``alias`` as fingerprints read it, ``tag:xmin.cmin``: the tag (its
    table, or the branch of the query that read it) keeps a row of one table from seeming another's."""
    return f"'{tag}:' || {alias}.xmin::text || '.' || {alias}.cmin::text"


def supported() -> bool:
    """Pages are kept where rows show their versions (PostgreSQL) and ``KEPT_PAGES`` allows any."""
    return connection.vendor == "postgresql" and settings.KEPT_PAGES > 0


def drawing() -> bool:
    """Whether a kept view is drawing its page now (what it writes goes to every later answer)."""
    return _drawing.get() is not None


def keep_until(until: datetime) -> None:
    """Said by a kept view: what it draws holds until ``until`` (the next moment its answer can move)."""
    pending = _drawing.get()
    if pending is not None:
        pending["until"] = until if pending["until"] is None else min(pending["until"], until)


def keep_note(note: object) -> None:
    """Said by a kept view while it draws: what its ``key`` needs to read the page's fingerprint next time
    (the rows the page showed) and what ``served`` needs to act on an answer of the kept page."""
    pending = _drawing.get()
    if pending is not None:
        pending["note"] = note


def holes(request: HttpRequest) -> dict[str, str]:
    """Context processor: while a kept view draws, the CSRF token is a hole (after Django's ``csrf``)."""
    return {"csrf_token": CSRF_HOLE} if drawing() else {}


def request_id() -> str:
    """A fresh id for a form to post back (the action's idempotency key); a hole while a kept view draws,
    filled with a fresh id for each form of each answer."""
    return REQUEST_ID_HOLE if drawing() else uuid.uuid4().hex


def _filled(request: HttpRequest, html: str, fill: Callable[[str], str] | None) -> bytes:
    html = _REQUEST_IDS.sub(lambda _hole: uuid.uuid4().hex, html.replace(CSRF_HOLE, get_token(request)))
    return (fill(html) if fill else html).encode()


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
        while len(_pages) > settings.KEPT_PAGES:  # the least recently served dropped first
            _pages.popitem(last=False)


def _page(request: HttpRequest, view: Callable) -> tuple:
    """What every kept page's key holds: the view, the path with its query, the language, the URL prefix
    and the user (their name is in the header)."""
    return (view.__module__, view.__qualname__, request.get_full_path(), get_language(), get_script_prefix(),
            request.user.get_username())  # fmt: skip


def noted(request: HttpRequest, view: Callable) -> object:
    """The note of the latest drawing of ``view``'s page for this request (None before one, or where no
    page is kept): for a decorator around the kept view that reads its fingerprint with its own query."""
    return _noted(_page(request, view)) if supported() else None


def _noted(page: tuple) -> object:
    with _lock:
        return _notes.get(page)


def _note(page: tuple, note: object) -> None:
    with _lock:
        _notes[page] = note
        _notes.move_to_end(page)
        while len(_notes) > settings.KEPT_PAGES:
            _notes.popitem(last=False)


def clear() -> None:
    with _lock:
        _pages.clear()
        _notes.clear()


def kept(
    *,
    key: Callable[[HttpRequest, object], tuple | None],
    now: Callable[[], datetime],
    fill: Callable[[str], str] | None = None,
    served: Callable[[HttpRequest, object], None] | None = None,
) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """A view kept as this module says. ``key(request, note)``: what the page is drawn from besides what
    every kept page's key holds (its fingerprint first), given the note of the page's latest drawing
    (None before one), or None to draw it (no fingerprint yet, or a page that must act on every view);
    ``now``: the clock the view judges by; ``fill``: the view's own holes; ``served(request, note)``: what
    an answer from a kept page does besides answering (what the view does on every view), with the note
    of that page's drawing."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if not supported() or request.htmx or len(messages.get_messages(request)):
                return view(request, *args, **kwargs)
            page = _page(request, view)
            own = key(request, _noted(page))
            found = None if own is None else (*page, *own)
            at = now()
            if found is not None and (kept_page := _get(found, at)) is not None:
                if served is not None:
                    served(request, kept_page.note)
                return HttpResponse(_filled(request, kept_page.html, fill))
            pending = {"until": None, "note": None}
            token = _drawing.set(pending)
            try:
                response = view(request, *args, **kwargs)
            finally:
                _drawing.reset(token)
            html = response.content.decode(response.charset)
            if response.status_code == 200:
                _note(page, pending["note"])
                if found is not None and pending["until"] is not None and at < pending["until"]:
                    _put(found, Page(html, at, pending["until"], pending["note"]))
            response.content = _filled(request, html, fill)
            return response

        return wrapped

    return decorator
