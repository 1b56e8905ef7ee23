"""Ranking one day's rows of ``DailyIndex``: the sub-indices and the composite of every creator that day,
in one SQL statement over the whole day (percentiles need the whole population), with window functions
that SQLite (≥ 3.25; ``UPDATE … FROM`` ≥ 3.33) and PostgreSQL share. The formula is
``insights.formula``'s; this module only writes it as SQL.
"""

from datetime import date

from django.db import connection

from .formula import COMPONENTS, SCORE_RESOLUTION, weights
from .models import DailyIndex


def _percentile(expression: str, *, descending: bool = False) -> str:
    """The midrank percentile of ``expression`` as a fraction: (rows below + ½ × rows equal) / rows, among
    the rows having it ("below" means greater, with ``descending``); NULL for a row without it. Rows
    without it form their own partition, so they are not counted."""
    rows = f"PARTITION BY {expression} IS NULL"
    ordered = f"({rows} ORDER BY {expression}{' DESC' if descending else ''})"
    at_most = f"CUME_DIST() OVER {ordered}"  # (below + equal) / rows
    below = f"CAST(RANK() OVER {ordered} - 1 AS DOUBLE PRECISION) / COUNT(*) OVER ({rows})"
    return f"CASE WHEN {expression} IS NOT NULL THEN ({at_most} + {below}) / 2 END"


def _mean_of_present(columns: list[str]) -> str:
    """The mean of the non-NULL ``columns``; NULL when all are."""
    total = " + ".join(f"COALESCE({c}, 0)" for c in columns)
    count = " + ".join(f"CASE WHEN {c} IS NULL THEN 0 ELSE 1 END" for c in columns)
    return f"({total}) / NULLIF({count}, 0)"


def rank_statement(day: date) -> tuple[str, list]:
    """The ``UPDATE`` that ranks ``day``: every row of the day gets its five sub-indices (NULL without
    data) and its composite (the weighted mean of the sub-indices it has)."""
    qn = connection.ops.quote_name
    table = qn(DailyIndex._meta.db_table)
    component_ranks, scores, sub_ranks = [], [], []
    for code, components in COMPONENTS.items():
        names = []
        for i, component in enumerate(components):
            name = qn(f"{code}_{i}")
            names.append(name)
            component_ranks.append(
                f"{_percentile(qn(component.field), descending=component.lower_is_better)} AS {name}"
            )
        scores.append(f"ROUND({SCORE_RESOLUTION} * {_mean_of_present(names)}) AS {qn(code)}")
        sub_ranks.append(f"100 * {_percentile(qn(code))} AS {qn(code)}")
    weighted = weights()
    composite = (
        f"({' + '.join(f'%s * COALESCE(ranks.{qn(code)}, 0)' for code in weighted)}) / NULLIF("
        f"{' + '.join(f'CASE WHEN ranks.{qn(code)} IS NULL THEN 0 ELSE %s END' for code in weighted)}, 0)"
    )
    assignments = [f"{qn(code)} = ranks.{qn(code)}" for code in COMPONENTS] + [f"{qn('composite')} = {composite}"]
    sql = (
        f"WITH components AS (SELECT id, {', '.join(component_ranks)} FROM {table} WHERE {qn('date')} = %s), "
        f"scores AS (SELECT id, {', '.join(scores)} FROM components), "
        f"ranks AS (SELECT id, {', '.join(sub_ranks)} FROM scores) "
        f"UPDATE {table} SET {', '.join(assignments)} FROM ranks WHERE {table}.id = ranks.id"
    )
    return sql, [day, *weighted.values(), *weighted.values()]


def rank_day(day: date) -> int:
    """Rank ``day``'s rows (``rank_statement``); returns how many rows the day has."""
    sql, params = rank_statement(day)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount
