"""The square's pages kept (``lib.kept``): a page of the day's listing is the same on every view until the
listing or a creator on it changes, so it is drawn once per process and answered from memory after.

What a page is drawn from: the day's listing — ``SquareEntry`` (the places) and ``SquareCount`` (the counts
the page and its region filter read) — and the rows of the creators whose cards it shows (their nickname,
intro, region, industries and followers are read live). The listing is a table derived as a whole: its two
writers, ``square.listing.listing_refresh`` and ``creator_erased_drop``, write every ``SquareCount`` row
anew in the transaction that changes ``SquareEntry``, so the versions of the count rows the page reads
(the regions', one per region) name the listing a page was drawn from without reading a million places.
An edit made to ``SquareEntry`` alone, by hand, shows on the next refresh (the next day's, or
``manage.py refresh_square``). The fingerprint is the md5 of those versions and of the shown creators',
read with the viewer (``square.access.viewer``) for the cards the page's latest drawing noted.

Each answer of a kept page counts its impressions as a drawn one does (``square.views``): the cards it
shows, noted while it was drawn.
"""

from functools import cache

from django.http import HttpRequest

from creators.models import Creator
from lib.kept import VERSIONS_MD5, row_version
from lib.sql import column, table

from .models import SquareCount

Shown = tuple[tuple[int, str], ...]  # (creator id, surface) of each card a page shows


@cache
def fingerprint_sql() -> str:
    """The fingerprint as an expression of the viewer's query (parameters: ``fingerprint_params``): the md5
    of the versions of the listing's count rows of the regions and of the shown creators' rows."""
    n, c = SquareCount, Creator
    counts = (
        f"SELECT {row_version('n', 'count')} AS v FROM {table(n)} n WHERE n.{column(n, 'industry')} = ''"
        f" AND n.{column(n, 'level')} = %s AND n.{column(n, 'fans')} = ''"
    )
    creators = f"SELECT {row_version('c', 'creator')} FROM {table(c)} c WHERE c.{column(c, 'id')} = ANY(%s)"
    return f"(SELECT {VERSIONS_MD5} FROM ({counts} UNION ALL {creators}) x)"


def fingerprint_params(shown: Shown) -> list:
    return [SquareCount.ANY_LEVEL, sorted({creator for creator, _surface in shown})]


def key(request: HttpRequest, shown: Shown | None) -> tuple | None:
    """A page is kept for the square's audience (advertisers, operators) under its fingerprint and whether
    the header links to the console; it is drawn until its cards are known (noted by its latest drawing).
    A creator's view is drawn every time: it marks their card, names their place and carries their header
    (the unread messages' badge)."""
    fingerprint = getattr(request, "square_fingerprint", None)
    if shown is None or fingerprint is None or request.viewer.creator is not None:
        return None
    return fingerprint, bool(request.console_view)
