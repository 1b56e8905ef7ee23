"""Fast append of many new rows: PostgreSQL COPY, or ``bulk_create`` elsewhere (SQLite)."""

import json
from collections.abc import Iterable, Sequence

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
    columns = ", ".join(connection.ops.quote_name(by_attname[name].column) for name in fields)
    types = [BINARY_TYPES.get(by_attname[name].db_type(connection)) for name in fields]
    binary = all(types)
    statement = f"COPY {meta.db_table} ({columns}) FROM STDIN" + (" (FORMAT BINARY)" if binary else "")
    with connection.cursor() as cursor, cursor.cursor.copy(statement) as copy:
        if binary:
            copy.set_types(types)
        for row in rows:
            if json_at:
                row = list(row)
                for i in json_at:
                    row[i] = json.dumps(row[i], ensure_ascii=False)
            copy.write_row(row)
