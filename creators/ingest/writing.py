"""Set-based writes shared by the line handlers: a fixed number of statements per batch, whatever its size.

Why not ``bulk_create(update_conflicts=True)``: it builds a model instance per row and runs Django's
per-value SQL compiler, which at a million lines cost several times the database's own work
(bench/README.md). ``upsert_rows`` writes the same ``INSERT … ON CONFLICT`` statement from plain tuples.
"""

import sqlite3
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from datetime import datetime
from itertools import chain
from operator import itemgetter
from typing import Any

import psycopg
from django.db import connection, models
from django.utils import timezone

from .registry import IngestContext, ParsedLine

# Code → pk caches stay small in practice (tasks, courses); the cap only guards against a feed that
# invents a new code on every line.
CODE_CACHE_LIMIT = 50_000


def last_wins(lines: list[ParsedLine], key: Callable[[ParsedLine], Hashable]) -> list[ParsedLine]:
    """One line per key, the latest in the file: an upsert statement may touch a row only once
    (PostgreSQL refuses ``ON CONFLICT DO UPDATE`` twice on the same row), and the later line is the news."""
    latest: dict[Hashable, ParsedLine] = {}
    for line in lines:
        latest[key(line)] = line
    return list(latest.values())


def upsert_rows(
    model: type[models.Model],
    fields: Sequence[str],
    rows: Sequence[Sequence[Any]],
    *,
    unique_fields: Sequence[str],
    update_fields: Sequence[str] = (),
    returning: Sequence[str] = (),
    lookups: Mapping[str, str] | None = None,
    ingest: IngestContext | None = None,
) -> list[tuple[Any, ...]]:
    """Insert ``rows`` — tuples of clean values for ``fields``, a foreign key given as its pk — and on a
    unique-key conflict update ``update_fields`` (or do nothing without them). Returns the
    ``returning`` fields of every row written, when asked and the backend can (not SQLite < 3.35).

    ``lookups`` names, for a foreign key among ``fields``, a unique field of the related model: the rows
    give that field's value instead of the pk (``{"content": "external_id"}``: the content's platform
    id), and the database finds the pk when it writes the row — NULL when there is no such row yet.

    With ``ingest`` the write may be left behind (PostgreSQL, ``staging.WriteBehind``): the rows are
    staged now and merged while the ingest reads its next batch, after the batch's immediate writes.
    Only for rows nothing reads before the next batch; never with ``returning``.

    Columns the rows leave out get their model default on insert (``auto_now`` ones: now) and are
    never touched on update. Rows are written in unique-key order: index pages are visited in order,
    and two ingests writing the same rows at once take their locks in the same order (fewer deadlocks).

    Immediately, PostgreSQL gets one array per column, ``INSERT … SELECT … FROM unnest(…)``, bound in
    binary: a short statement whatever the batch size. SQLite gets ``VALUES`` rows, its dates and times
    adapted the way Django's SQLite backend stores them, in as few statements as its parameter limit allows.
    """
    if not rows:
        return []
    if returning and ingest is not None:
        raise ValueError("a write left behind returns nothing: ask for returning without ingest")
    statement = _Upsert(model, fields, unique_fields, update_fields, lookups or {})
    if ingest is not None and ingest.writes.available():
        ingest.writes.merge(
            model._meta.db_table,
            statement.types,
            statement.adapted(rows),
            statement=statement.sql("{source} s", order=True),
            params=statement.defaults,
        )
        return []
    rows = sorted(rows, key=itemgetter(*(fields.index(name) for name in unique_fields)))
    returning = returning if connection.features.can_return_rows_from_bulk_insert else ()  # SQLite < 3.35
    if connection.vendor == "postgresql":
        return statement.from_arrays(rows, returning)
    return statement.from_values(rows, returning)


class _Upsert:
    """The pieces of one ``upsert_rows`` statement: ``INSERT INTO table (given…, others…) SELECT … ON
    CONFLICT …``, where ``s.c0, s.c1, …`` are the given values in order and the others are defaults."""

    def __init__(
        self,
        model: type[models.Model],
        fields: Sequence[str],
        unique_fields: Sequence[str],
        update_fields: Sequence[str],
        lookups: Mapping[str, str],
    ) -> None:
        opts = model._meta
        self.quote = quote = connection.ops.quote_name
        self.given = [opts.get_field(name) for name in fields]
        others = [field for field in opts.concrete_fields if field not in self.given and not field.primary_key]
        self.defaults = [
            adapt(value) if (adapt := _adapter(field)) else value
            for field, value in ((field, _insert_default(field)) for field in others)
        ]
        self.default_types = [field.db_type(connection) for field in others]
        # Each given value as the statement reads it (``{}``: where the value goes), and its database type.
        self.values, self.types = [], []
        for field in self.given:
            if field.name in lookups:
                target = field.related_model._meta
                key = target.get_field(lookups[field.name])
                self.values.append(
                    f"(SELECT r.{quote(target.pk.column)} FROM {quote(target.db_table)} r "
                    f"WHERE r.{quote(key.column)} = {{}})"
                )
                self.types.append(key.db_type(connection))
            else:
                self.values.append("{}")
                self.types.append(field.db_type(connection))
        self.order = [fields.index(name) for name in unique_fields]
        self.adapters = [(index, adapt) for index, field in enumerate(self.given) if (adapt := _adapter(field))]

        columns = ", ".join(quote(field.column) for field in (*self.given, *others))
        conflict = ", ".join(quote(opts.get_field(name).column) for name in unique_fields)
        if update_fields:
            updated = [quote(opts.get_field(name).column) for name in update_fields]
            self.on_conflict = f"ON CONFLICT ({conflict}) DO UPDATE SET " + ", ".join(
                f"{c} = EXCLUDED.{c}" for c in updated
            )
        else:
            self.on_conflict = f"ON CONFLICT ({conflict}) DO NOTHING"
        self.insert = f"INSERT INTO {quote(opts.db_table)} ({columns}) "
        self.opts = opts

    def adapted(self, rows: Sequence[Sequence[Any]]) -> Sequence[Sequence[Any]]:
        return [_adapted(row, self.adapters) for row in rows] if self.adapters else rows

    def sql(self, source: str, *, order: bool = False, returning: Sequence[str] = ()) -> str:
        """``INSERT … SELECT`` the given values from ``source`` (aliased ``s``, columns ``c0``…), then a
        ``%s`` per default; ``order`` sorts by the unique key in the database (byte order, as Python's)."""
        values = [value.format(f"s.c{index}") for index, value in enumerate(self.values)]
        placeholders = [f"%s::{db_type}" for db_type in self.default_types]
        sql = f"{self.insert}SELECT {', '.join([*values, *placeholders])} FROM {source} "
        if order:
            sql += "ORDER BY " + ", ".join(self._sort_key(index) for index in self.order) + " "
        return sql + self.on_conflict + self._returning(returning)

    def from_arrays(self, rows: Sequence[Sequence[Any]], returning: Sequence[str]) -> list[tuple[Any, ...]]:
        """PostgreSQL, at once: one array per column, bound in binary on the server."""
        names = ", ".join(f"c{index}" for index in range(len(self.given)))
        arrays = ", ".join(f"%s::{db_type}[]" for db_type in self.types)
        sql = self.sql(f"unnest({arrays}) AS s({names})", returning=returning).replace("%s", "%b")
        rows = self.adapted(rows)
        with _binary_cursor() as cursor:
            cursor.execute(sql, [*self.defaults, *(list(column) for column in zip(*rows, strict=True))])
            return cursor.fetchall() if returning else []

    def from_values(self, rows: Sequence[Sequence[Any]], returning: Sequence[str]) -> list[tuple[Any, ...]]:
        """SQLite: ``VALUES`` rows, as many per statement as its parameter limit allows."""
        width = len(self.given) + len(self.defaults)
        row_sql = "(" + ", ".join([value.format("%s") for value in self.values] + ["%s"] * len(self.defaults)) + ")"
        on_conflict = self.on_conflict + self._returning(returning)
        per_statement = max(1, _sqlite_parameter_limit() // width)
        rows = self.adapted(rows)
        written: list[tuple[Any, ...]] = []
        with connection.cursor() as cursor:
            for start in range(0, len(rows), per_statement):
                chunk = rows[start : start + per_statement]
                sql = self.insert + "VALUES " + ", ".join([row_sql] * len(chunk)) + " " + on_conflict
                cursor.execute(sql, list(chain.from_iterable((*row, *self.defaults) for row in chunk)))
                if returning:
                    written.extend(cursor.fetchall())
        return written

    def _returning(self, returning: Sequence[str]) -> str:
        if not returning:
            return ""
        return " RETURNING " + ", ".join(self.quote(self.opts.get_field(name).column) for name in returning)

    def _sort_key(self, index: int) -> str:
        # Text compares by bytes (COLLATE "C"): the order Python sorts str in, and cheaper than a locale's.
        text = self.types[index].startswith(("varchar", "text"))
        return f's.c{index} COLLATE "C"' if text else f"s.c{index}"


def ids_by_code(model: type[models.Model], codes: Iterable[str], *, ingest: IngestContext) -> dict[str, int]:
    """Primary keys of ``model`` rows by ``code``, creating a bare row for each code not seen yet.

    One lookup when a code is not cached; an insert and a second lookup only when a code is new. The
    insert ignores conflicts because another ingest may create the same code at the same time.
    """
    cache = ingest.caches.setdefault(f"{model._meta.label}.code", {})
    if len(cache) > CODE_CACHE_LIMIT:
        cache.clear()
    wanted = set(codes)
    missing = wanted - cache.keys()
    if missing:
        manager = model._default_manager
        cache.update(manager.filter(code__in=missing).values_list("code", "pk"))
        new = missing - cache.keys()
        if new:
            upsert_rows(model, ("code",), [(code,) for code in new], unique_fields=("code",))
            cache.update(manager.filter(code__in=new).values_list("code", "pk"))
    return {code: cache[code] for code in wanted}


def _insert_default(field: models.Field) -> Any:
    """The value a column the rows leave out gets on insert, computed once per statement."""
    if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
        return timezone.now()
    default = field.get_default()
    if default is None and not field.null:
        raise ValueError(f"{field.model._meta.label}.{field.name} needs a value: it has no default")
    return default


def _adapter(field: models.Field) -> Callable[[Any], Any] | None:
    """How a value reaches the driver when it cannot go as it is: JSON everywhere; on SQLite, uuids, dates
    and times as Django's SQLite backend stores them (``adapt_datetimefield_value``: UTC, naive, ``str()``,
    without its per-call checks — the ingest only hands it aware datetimes)."""
    if isinstance(field, models.JSONField):
        return lambda value: connection.ops.adapt_json_value(value, field.encoder)
    if connection.vendor != "sqlite":
        return None
    if isinstance(field, models.UUIDField):  # 32 hex digits, as Django stores them without a uuid type
        return lambda value: None if value is None else value.hex
    if isinstance(field, models.DateTimeField):
        zone = connection.timezone

        def adapt_datetime(value: datetime | None) -> str | None:
            return None if value is None else str(value.astimezone(zone).replace(tzinfo=None))

        return adapt_datetime
    if isinstance(field, models.DateField):
        return connection.ops.adapt_datefield_value
    return None


def _adapted(row: Sequence[Any], adapters: list[tuple[int, Callable[[Any], Any]]]) -> list[Any]:
    values = list(row)
    for index, adapt in adapters:
        values[index] = adapt(values[index])
    return values


def _binary_cursor() -> Any:
    """A cursor on Django's connection (same transaction, counted in tests and debug logs) that binds
    parameters on the server, in binary: psycopg sends each column array as it is, where Django's
    client-side binding would spell every value out as text, in Python."""
    raw = psycopg.Cursor(connection.connection)
    return connection.make_debug_cursor(raw) if connection.queries_logged else connection.make_cursor(raw)


def _sqlite_parameter_limit() -> int:
    """SQLite's real limit (32,766 since 3.32; Debian builds 250,000), not Django's historic 999."""
    connection.ensure_connection()
    return connection.connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
