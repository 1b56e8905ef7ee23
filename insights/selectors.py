"""Reads of the daily Xingtu index for the pages and the creator report.

Only *ranked* days are read: a day's rows exist, without their index, while its run is still writing
them (``insights.services``). A day is ranked once some row of it has a composite — every creator has at
least the cooperation sub-index (a credit score), so a ranked day always has one.
"""

from datetime import date, timedelta

from django.db import connection
from django.db.models import QuerySet, Subquery

from creators.models import Creator

from .models import DailyIndex, SubIndex

INDEX_FIELDS = ("composite", *SubIndex.values)


def _latest_ranked() -> Subquery:
    """The latest ranked day, as an expression."""
    ranked = DailyIndex.objects.filter(composite__isnull=False).order_by("-date").values("date")[:1]
    return Subquery(ranked)


def latest_ranked_day() -> date | None:
    """The latest day whose index is computed (None before the first run)."""
    return DailyIndex.objects.filter(composite__isnull=False).order_by("-date").values_list("date", flat=True).first()


def latest_index(*, creator: Creator) -> DailyIndex | None:
    """The creator's index on the latest ranked day they have a row for. One query."""
    rows = DailyIndex.objects.filter(creator=creator, date__lte=_latest_ranked())
    return rows.order_by("-date").first()


def index_series(*, creator: Creator, days: int = 30) -> list[DailyIndex]:
    """The creator's rows of the ``days`` days ending on the latest ranked day, oldest first (a day
    without a row is missing from the list). One query."""
    last = latest_ranked_day()
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
