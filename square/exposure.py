"""Which page views count as exposure (docs/program.md §5): impressions measure what advertisers see, so
a client's page view adds one impression per card shown; operators' and creators' views do not count,
nor does a HEAD request, which shows nothing."""

from collections.abc import Iterable
from datetime import datetime

from insights.impressions import impressions_count
from lib.periods import local_date

from .access import Viewer


def views_record(*, viewer: Viewer, method: str, at: datetime, shown: Iterable[tuple[int, str]]) -> None:
    """Record a page view of the cards ``shown`` — (creator id, surface) — at ``at``, if it counts: held by
    the process and written with other views' (``insights.impressions.impressions_count``)."""
    if not viewer.is_client or method != "GET":
        return
    day = local_date(at)
    impressions_count(rows=[(creator_id, day, surface) for creator_id, surface in shown])
