"""One creator's own rows that the rules read, in one round trip: what the single-creator path
(``levels.metrics.measure_creator``, ``measure_creator_cycle``) counts in Python, and the level held
(``levels.selectors.creator_progress`` reads it beside them). The same round trip reads the levels'
advertised values (``benefits.LevelPackage``, one row a level), which the portal shows beside the
creator's standing: read with every page's rows, never kept, so an operator's change shows at once."""

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache

from django.db import connection
from django.db.models import BigIntegerField, DateField, DateTimeField, TextField, Value

from academy.models import CourseProgress
from benefits.models import LevelPackage
from creators.models import Content, Creator, CreditDaily, FansDaily, Order, PortalEvent, Quote, SubmissionEntry
from lib.sql import column, table

from .models import CreatorLevel


@dataclass(frozen=True)
class CreatorRows:
    """One creator's own rows that the rules read, as they are stored (no window applied): what
    ``measure_creator`` and ``measure_creator_cycle`` count in Python."""

    events: list[tuple[str, datetime]]  # name, at
    contents: list[tuple[str, datetime, int, int]]  # kind, published_at, effective_plays, likes
    fans: list[tuple[date, int]]  # date, fans
    credit: list[tuple[date, int]]  # date, score
    has_quote: bool
    courses: list[datetime | None]  # completed_at
    submissions: list[datetime]  # submitted_at
    orders: list[tuple[str, str, datetime | None]]  # status, kind, completed_at
    held: int  # the level held (0 without a ``CreatorLevel`` row), as ``levels.selectors.level_of`` reads it
    level_values: dict[int, int]  # level → its benefits' advertised value in yuan (``benefits.selectors.level_values``)


# What ``creator_rows`` reads: per kind of row, its table and the columns it yields as ``t`` (a moment),
# ``d`` (a day), ``n1``, ``n2`` (figures), ``s1``, ``s2`` (codes). Every branch keeps the creator's rows.
_COLUMNS = {"t": DateTimeField(), "d": DateField(), "n1": BigIntegerField(), "n2": BigIntegerField(),
            "s1": TextField(), "s2": TextField()}  # fmt: skip
_BRANCHES = {
    "event": (PortalEvent, {"t": "at", "s1": "name"}),
    "content": (Content, {"t": "published_at", "n1": "effective_plays", "n2": "likes", "s1": "kind"}),
    "fans": (FansDaily, {"d": "date", "n1": "fans"}),
    "credit": (CreditDaily, {"d": "date", "n1": "score"}),
    "course": (CourseProgress, {"t": "completed_at"}),
    "submission": (SubmissionEntry, {"t": "submitted_at"}),
    "order": (Order, {"t": "completed_at", "s1": "status", "s2": "kind"}),
    "level": (CreatorLevel, {"n1": "level"}),
}


@cache
def _rows_sql() -> str:
    """The UNION ALL of ``_BRANCHES`` and whether the creator has a quote, each row led by its kind; one
    ``%s`` per branch for the creator's id. Written once per process: building eight querysets' SQL on
    every page view cost more than running it. A NULL is cast to its column's type: PostgreSQL matches
    the types of a UNION's branches two at a time."""

    def select(src: str, columns: dict[str, str], source: str) -> str:
        values = ", ".join(columns.get(name, f"CAST(NULL AS {field.db_type(connection)})")
                           for name, field in _COLUMNS.items())  # fmt: skip
        return f"SELECT '{src}', {values}{source}"

    def own(model) -> str:
        return f" FROM {table(model)} WHERE {column(model, 'creator')} = %s"

    branches = [
        select(src, {k: column(model, f) for k, f in fields.items()}, own(model))
        for src, (model, fields) in _BRANCHES.items()
    ]
    quoted = f"CASE WHEN EXISTS (SELECT 1{own(Quote)}) THEN 1 ELSE 0 END"
    branches.append(select("quote", {"n1": quoted}, ""))
    package = {"n1": column(LevelPackage, "level"), "n2": column(LevelPackage, "value_yuan")}
    branches.append(select("package", package, f" FROM {table(LevelPackage)}"))
    return " UNION ALL ".join(branches)


def _reader(field) -> Callable:
    """What the ORM applies to a column of ``field``'s type as read from the database (SQLite returns
    moments and days as text; PostgreSQL as values already)."""
    expression = Value(None, output_field=field)
    converters = connection.ops.get_db_converters(expression) + expression.get_db_converters(connection)

    def read(value):
        for convert in converters:
            value = convert(value, expression, connection)
        return value

    return read


def creator_rows(creator: Creator) -> CreatorRows:
    """``CreatorRows`` in one query (a UNION ALL of the ten reads): one round trip instead of ten."""
    moment, day = _reader(DateTimeField()), _reader(DateField())
    found: dict[str, list[tuple]] = defaultdict(list)
    with connection.cursor() as cursor:
        cursor.execute(_rows_sql(), [creator.pk] * (len(_BRANCHES) + 1))
        for src, t, d, n1, n2, s1, s2 in cursor.fetchall():
            found[src].append((moment(t), day(d), n1, n2, s1, s2))
    return CreatorRows(
        events=[(s1, t) for t, _, _, _, s1, _ in found["event"]],
        contents=[(s1, t, n1, n2) for t, _, n1, n2, s1, _ in found["content"]],
        fans=[(d, n1) for _, d, n1, _, _, _ in found["fans"]],
        credit=[(d, n1) for _, d, n1, _, _, _ in found["credit"]],
        has_quote=any(n1 for _, _, n1, _, _, _ in found["quote"]),
        courses=[t for t, *_ in found["course"]],
        submissions=[t for t, *_ in found["submission"]],
        orders=[(s1, s2, t) for t, _, _, _, s1, s2 in found["order"]],
        held=next((n1 for _, _, n1, _, _, _ in found["level"]), 0),
        level_values={n1: n2 for _, _, n1, n2, _, _ in found["package"]},
    )
