"""Fast append of many new rows: PostgreSQL COPY, or ``bulk_create`` elsewhere (SQLite)."""

import json
from collections.abc import Iterable, Iterator, Sequence
from itertools import islice

from django.db import connection
from django.db.models import JSONField, Model

# Column types COPY can take in binary form from plain Python values (numbers, dates, booleans): about
# twice as fast as text for rows of numbers, which are costly to write out as text.
BINARY_TYPES = {
    "bigint": "int8",
    "integer": "int4",
    "smallint": "int2",
    "double precision": "float8",
    "date": "date",
    "timestamp with time zone": "timestamptz",
    "boolean": "bool",
}
# Further types binary COPY takes from Python values (``str``, ``Decimal``, JSON-able objects), by the
# database type's name without its modifier (``varchar(64)`` → ``varchar``).
BINARY_TEXT_TYPES = {"varchar": "varchar", "text": "text", "numeric": "numeric", "jsonb": "jsonb"}


def append_rows(model: type[Model], fields: Sequence[str], rows: Iterable[Sequence]) -> None:
    """Insert rows known to be new (no conflict handling); ``fields`` are attnames (``run_id``).
    On PostgreSQL this streams them with COPY — in binary when every column is a number, a date or a
    boolean — which costs a fraction of an INSERT's per-row overhead; the caller's transaction still
    applies."""
    if connection.vendor != "postgresql":
        model.objects.bulk_create((model(**dict(zip(fields, row, strict=True))) for row in rows), batch_size=2000)
        return
    meta = model._meta
    by_attname = {f.attname: f for f in meta.concrete_fields}
    json_at = [i for i, name in enumerate(fields) if isinstance(by_attname[name], JSONField)]
    columns = [by_attname[name].column for name in fields]
    types = [BINARY_TYPES.get(by_attname[name].db_type(connection)) for name in fields]
    if json_at:
        rows = _json_as_text(rows, json_at)
    copy_rows(meta.db_table, columns, rows, types=types if all(types) else None)


def copy_rows(
    table: str, columns: Sequence[str], rows: Iterable[Sequence], *, types: Sequence[str] | None = None
) -> None:
    """COPY ``rows`` into ``columns`` of ``table`` (PostgreSQL only), in the caller's transaction: in
    binary when ``types`` names each column's type as psycopg knows it (``copy_type``), else as text.
    The statement goes through Django's cursor, so tests and debug logs count it like any query."""
    quote = connection.ops.quote_name
    statement = f"COPY {quote(table)} ({', '.join(quote(column) for column in columns)}) FROM STDIN"
    if types:
        statement += " (FORMAT BINARY)"
    with connection.cursor() as cursor, cursor.copy(statement) as copy:
        if types:
            copy.set_types(types)
        for row in rows:
            copy.write_row(row)


def copy_type(db_type: str) -> str:
    """The type name binary COPY needs for a column of database type ``db_type`` (Django's
    ``field.db_type``: ``varchar(64)``, ``numeric(12, 2)``, ``timestamp with time zone``…)."""
    if db_type in BINARY_TYPES:
        return BINARY_TYPES[db_type]
    base = db_type.partition("(")[0].strip()
    if base in BINARY_TEXT_TYPES:
        return BINARY_TEXT_TYPES[base]
    raise ValueError(f"no binary COPY type known for the database type {db_type!r}")


def _json_as_text(rows: Iterable[Sequence], json_at: list[int]) -> Iterable[list]:
    for row in rows:
        row = list(row)
        for i in json_at:
            row[i] = json.dumps(row[i], ensure_ascii=False)
        yield row


def batched(items: Iterable, size: int) -> Iterator[tuple]:
    """``itertools.batched`` of Python 3.12: tuples of ``size`` items in order, the last one shorter."""
    iterator = iter(items)
    while batch := tuple(islice(iterator, size)):
        yield batch
