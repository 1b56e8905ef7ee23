"""The square's pages kept (``lib.kept``): a page of the day's listing is the same on every view until the
listing or a creator on it changes, so it is drawn once per process and answered from memory after.

What a page is drawn from: the day's listing — ``SquareEntry`` (the places) and ``SquareCount`` (the counts
the page and its region filter read) — and the rows of the creators whose cards it shows (their nickname,
intro, region, industries and followers are read live). The listing is a table derived as a whole: its two
writers, ``square.listing.listing_refresh`` and ``creator_erased_drop``, write every ``SquareCount`` row
anew in the transaction that changes ``SquareEntry``, so the versions of the count rows the page reads
(the regions', one per region) name the listing a page was drawn from without reading a million places.
An edit made to ``SquareEntry`` alone, by hand, shows on the next refresh (the next day's, or
``manage.py refresh_square``). The fingerprint is the md5 of those versions and of the shown creators'.

Each answer of a kept page counts its impressions as a drawn one does (``served``): the cards it shows,
noted while it was drawn.
"""

from collections.abc import Iterable
from functools import cache

from django.db import connection
from django.http import HttpRequest

from creators.models import Creator
from lib.sql import column, execute_prepared, table

from . import clock
from .exposure import views_record
from .models import SquareCount

Shown = tuple[tuple[int, str], ...]  # (creator id, surface) of each card a page shows


def page_fingerprint(*, creators: Iterable[int]) -> str:
    """The md5 of the versions of the listing's count rows of the regions and of ``creators``' rows, read
    at one snapshot. One query, prepared once per connection."""
    with connection.cursor() as cursor:
        execute_prepared(cursor, _fingerprint_sql(), [SquareCount.ANY_LEVEL, sorted(set(creators))])
        return cursor.fetchone()[0] or ""


@cache
def _fingerprint_sql() -> str:
    n, c = SquareCount, Creator
    version = "{0}.xmin::text || '.' || {0}.cmin::text"
    counts = (
        f"SELECT 'n' || {version.format('n')} AS v FROM {table(n)} n WHERE n.{column(n, 'industry')} = ''"
        f" AND n.{column(n, 'level')} = %s AND n.{column(n, 'fans')} = ''"
    )
    creators = f"SELECT 'c' || {version.format('c')} FROM {table(c)} c WHERE c.{column(c, 'id')} = ANY(%s)"
    return f"SELECT md5(string_agg(v, ',' ORDER BY v)) FROM ({counts} UNION ALL {creators}) x"


def key(request: HttpRequest, shown: Shown | None) -> tuple | None:
    """A page is kept under its fingerprint, the viewing creator (their card marked, their rank) and the
    header's console link; it is drawn until its cards are known (``shown``, noted by its last drawing)."""
    if shown is None:
        return None
    me = request.viewer.creator.pk if request.viewer.creator else None
    return page_fingerprint(creators=[creator for creator, _surface in shown]), me, bool(request.console_view)


def served(request: HttpRequest, shown: Shown) -> None:
    """An answer of a kept page counts as a view of the cards it shows."""
    views_record(viewer=request.viewer, method=request.method, at=clock.now(), shown=shown)
