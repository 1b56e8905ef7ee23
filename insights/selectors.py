"""Reads of the daily Xingtu index and of the exposure it sits beside, for the pages and the creator
report. A day's index rows are written all at once, ranked, when its computation finishes
(``insights.services``), so every stored day is complete. A fixed number of queries each, however long
the history."""

from datetime import date, timedelta

from django.db.models import Sum

from creators.models import Creator

from .models import DailyIndex, Impression, SubIndex, Surface

INDEX_FIELDS = ("composite", *SubIndex.values)


def latest_day() -> date | None:
    """The latest day with a computed index (None before the first run)."""
    return DailyIndex.objects.order_by("-date").values_list("date", flat=True).first()


def latest_index(*, creator: Creator, on_or_before: date | None = None) -> DailyIndex | None:
    """The creator's latest row (up to ``on_or_before`` when given); None before their first. One query."""
    rows = DailyIndex.objects.filter(creator=creator)
    if on_or_before is not None:
        rows = rows.filter(date__lte=on_or_before)
    return rows.order_by("-date").first()


def index_history(*, creator: Creator, last: date, days: int) -> dict[date, DailyIndex]:
    """The creator's index rows of the ``days`` local days ending with ``last``, by day (days the job did
    not run are absent). One query."""
    rows = DailyIndex.objects.filter(creator=creator, date__gt=last - timedelta(days=days), date__lte=last)
    return {row.date: row for row in rows}


def index_series(*, creator: Creator, days: int = 30) -> list[DailyIndex]:
    """The creator's rows of the ``days`` days ending on the latest computed day, oldest first (a day
    without a row is missing from the list). Two queries."""
    last = latest_day()
    if last is None:
        return []
    history = index_history(creator=creator, last=last, days=days)
    return [history[day] for day in sorted(history)]


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


def index_json(index: DailyIndex | None) -> dict | None:
    """The creator report's ``index`` (interfaces §3): the date and the composite and five sub-indices,
    rounded to one decimal; None before the first run."""
    if index is None:
        return None
    rounded = {name: None if (v := getattr(index, name)) is None else round(v, 1) for name in INDEX_FIELDS}
    return {"date": index.date.isoformat(), **rounded}
