"""Writing impressions: how many times clients were shown a creator's card, per day and surface
(``insights.models.Impression``). The square and the leaderboards add one per card on every page a client
views; the demo data adds believable history. Reads live with the pages that show them."""

from collections.abc import Iterable
from datetime import date
from functools import lru_cache

from django.db import connection

from lib.sql import column, committed_without_waiting, table

from .models import Impression

# Rows per statement: 4 parameters a row stays far below SQLite's limit of 32,766 variables.
BATCH_ROWS = 2_000


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
