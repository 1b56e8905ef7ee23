"""One creator's Xingtu index and exposure, as the business assistant reads them: the latest index, its
recent history, and the impressions of the creator's card per surface. A fixed number of queries each,
however long the history."""

from datetime import date, timedelta

from django.db.models import Sum

from creators.models import Creator

from .models import DailyIndex, Impression, Surface


def latest_index(*, creator: Creator, on_or_before: date) -> DailyIndex | None:
    """The creator's index of the latest day up to ``on_or_before``; ``None`` before the first
    ``compute_index``. One query."""
    return DailyIndex.objects.filter(creator=creator, date__lte=on_or_before).order_by("-date").first()


def index_history(*, creator: Creator, last: date, days: int) -> dict[date, DailyIndex]:
    """The creator's index rows of the ``days`` local days ending with ``last``, by day (days the job did
    not run are absent). One query."""
    rows = DailyIndex.objects.filter(creator=creator, date__gt=last - timedelta(days=days), date__lte=last)
    return {row.date: row for row in rows}


def impressions_by_surface(*, creator: Creator, first: date, last: date) -> dict[str, int]:
    """How many times the creator's card was shown on each surface over the local days ``first``–``last``
    (every surface present, 0 where it was not shown). One aggregate query."""
    counts = dict.fromkeys(Surface.values, 0)
    rows = (
        Impression.objects.filter(creator=creator, date__gte=first, date__lte=last)
        .values_list("surface")
        .annotate(total=Sum("count"))
        .order_by()
    )
    counts.update({surface: total for surface, total in rows})
    return counts
