"""Reads of the daily Xingtu index for the pages and the creator report. A day's rows are written all at
once, ranked, when its computation finishes (``insights.services``), so every stored day is complete."""

from datetime import date, timedelta

from django.db import connection
from django.db.models import QuerySet

from creators.models import Creator

from .models import DailyIndex, SubIndex

INDEX_FIELDS = ("composite", *SubIndex.values)


def latest_day() -> date | None:
    """The latest day with a computed index (None before the first run)."""
    return DailyIndex.objects.order_by("-date").values_list("date", flat=True).first()


def latest_index(*, creator: Creator) -> DailyIndex | None:
    """The creator's latest row (None before their first). One query."""
    return DailyIndex.objects.filter(creator=creator).order_by("-date").first()


def index_series(*, creator: Creator, days: int = 30) -> list[DailyIndex]:
    """The creator's rows of the ``days`` days ending on the latest computed day, oldest first (a day
    without a row is missing from the list). Two queries."""
    last = latest_day()
    if last is None:
        return []
    rows = DailyIndex.objects.filter(creator=creator, date__gt=last - timedelta(days=days), date__lte=last)
    return list(rows.order_by("date"))


def medians(*, creators: QuerySet, day: date, fields: tuple[str, ...] = INDEX_FIELDS) -> dict[str, float | None]:
    """The median of each of ``fields`` (``DailyIndex`` columns: sub-indices or raw figures) over the
    rows of ``creators`` (a queryset of creators, e.g. those at one level) on ``day``, each among the
    rows that have a value for it (None: none has). One query, whatever the number of creators."""
    if not fields:
        return {}
    qn = connection.ops.quote_name
    parts, params = [], []
    for i, field in enumerate(fields):
        DailyIndex._meta.get_field(field)  # only real columns reach the SQL below
        values = DailyIndex.objects.filter(date=day, creator__in=creators, **{f"{field}__isnull": False})
        sub_sql, sub_params = values.values(field).query.sql_with_params()
        # The middle value, or the mean of the two middle values, of the ordered figures.
        parts.append(
            f"SELECT {i} AS field, AVG(v) AS median FROM (SELECT {qn(field)} AS v, "
            f"ROW_NUMBER() OVER (ORDER BY {qn(field)}) AS n, COUNT(*) OVER () AS total FROM ({sub_sql}) s) o "
            f"WHERE n IN ((total + 1) / 2, (total + 2) / 2)"
        )
        params += sub_params
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(parts), params)
        found = {fields[i]: float(median) for i, median in cursor.fetchall() if median is not None}
    return {field: found.get(field) for field in fields}


def index_json(index: DailyIndex | None) -> dict | None:
    """The creator report's ``index`` (interfaces §3): the date and the composite and five sub-indices,
    rounded to one decimal; None before the first run."""
    if index is None:
        return None
    rounded = {name: None if (v := getattr(index, name)) is None else round(v, 1) for name in INDEX_FIELDS}
    return {"date": index.date.isoformat(), **rounded}
