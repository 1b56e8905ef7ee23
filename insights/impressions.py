"""Writing impressions: how many times clients were shown a creator's card, per day and surface
(``insights.models.Impression``). The square and the leaderboards add one per card on every page a client
views (``impressions_count``); the demo data adds believable history. Reads live with the pages that show
them.

A page view's impressions are added up in the process that served it and written with every other view's
of the last ``IMPRESSIONS_FLUSH_SECONDS`` in one statement, by the first view after that (and when the
process exits): the square's first page is the same two dozen cards for every client, so writing each
view's on its own had every web process update the same rows, one view after another, on every view.
Impressions are counts, not money (``impressions_add``'s ``wait_for_disk``): what a process killed
without warning had not written yet is lost, as a database crash may lose the last moment's statements.
"""

import atexit
import threading
import time
from collections.abc import Iterable
from datetime import date
from functools import lru_cache

from django.conf import settings
from django.db import connection

from lib.sql import column, committed_without_waiting, table

from .models import Impression

# Rows per statement: 4 parameters a row stays far below SQLite's limit of 32,766 variables.
BATCH_ROWS = 2_000

Key = tuple[int, date, str]  # creator id, day, surface
_pending: dict[Key, int] = {}
_pending_since: float | None = None  # ``time.monotonic()`` of the oldest view not written yet
_lock = threading.Lock()


def impressions_count(*, rows: Iterable[tuple[int, date, str]]) -> None:
    """One impression for each (creator id, day, surface) of a page view: kept with the views not written
    yet, and all written at once when the oldest of them is ``IMPRESSIONS_FLUSH_SECONDS`` old (0: now)."""
    global _pending_since
    rows = list(rows)
    if not rows:
        return
    with _lock:
        for key in rows:
            _pending[key] = _pending.get(key, 0) + 1
        if _pending_since is None:
            _pending_since = time.monotonic()
        due = time.monotonic() - _pending_since >= settings.IMPRESSIONS_FLUSH_SECONDS
    if due:
        impressions_flush()


def impressions_flush() -> int:
    """Write the impressions this process holds (one statement per ``BATCH_ROWS`` keys); returns how many
    keys. If the database refuses them they are held again for the next flush, and the error raised."""
    global _pending_since
    with _lock:
        held, since = dict(_pending), _pending_since
        _pending.clear()
        _pending_since = None
    if not held:
        return 0
    try:
        return impressions_add(rows=[(*key, count) for key, count in held.items()], wait_for_disk=False)
    except Exception:
        with _lock:
            for key, count in held.items():
                _pending[key] = _pending.get(key, 0) + count
            _pending_since = since if _pending_since is None else min(since, _pending_since)
        raise


def impressions_forget() -> None:
    """Drop what this process holds unwritten (a test's views, whose database is rolled back)."""
    global _pending_since
    with _lock:
        _pending.clear()
        _pending_since = None


atexit.register(impressions_flush)  # a process stopped as gunicorn and Celery stop them writes what it holds


def impressions_add(*, rows: Iterable[tuple[int, date, str, int]], wait_for_disk: bool = True) -> int:
    """Add ``count`` to each (creator id, day, surface): ``INSERT … ON CONFLICT DO UPDATE SET count =
    count + excluded.count``, which SQLite and PostgreSQL both run as one atomic statement, so two page
    views at the same moment both count. Rows repeating a key are summed first (one statement cannot
    update a row twice). One statement per ``BATCH_ROWS`` distinct keys (a page view is one); returns the
    number of keys written. Without ``wait_for_disk`` (a page view's, outside a transaction) the statement
    commits without waiting for PostgreSQL to flush it (``lib.sql.committed_without_waiting``): the page
    answers sooner and holds the rows' locks shorter against other viewers of the same cards, and a
    database crash may lose the last moment's impressions, whole statements, never part of one."""
    summed: dict[tuple[int, date, str], int] = {}
    for creator_id, day, surface, count in rows:
        if count > 0:
            key = (creator_id, day, surface)
            summed[key] = summed.get(key, 0) + count
    keys = list(summed)
    for start in range(0, len(keys), BATCH_ROWS):
        batch = keys[start : start + BATCH_ROWS]
        params = [value for key in batch for value in (*key, summed[key])]
        sql = _upsert_sql(len(batch))
        with connection.cursor() as cursor:
            cursor.execute(sql if wait_for_disk else committed_without_waiting(sql), params)
    return len(keys)


@lru_cache(maxsize=64)  # a page view writes up to 53 keys: one statement's text per count of keys seen
def _upsert_sql(rows: int) -> str:
    """``impressions_add``'s statement for ``rows`` keys, written once per process rather than on every page
    view a client makes."""
    count = column(Impression, "count")
    keys = ", ".join(column(Impression, f) for f in ("creator", "date", "surface"))
    values = ", ".join(["(%s, %s, %s, %s)"] * rows)
    return (
        f"INSERT INTO {table(Impression)} ({keys}, {count}) VALUES {values} "
        f"ON CONFLICT ({keys}) DO UPDATE SET {count} = {table(Impression)}.{count} + excluded.{count}"
    )
