"""What the ORM cannot express: set-based writes (INSERT … SELECT over a queryset of creator ids), medians,
transaction-scoped database settings, fresh planner statistics, loose index scans (``distinct_values``) and
statements planned once per connection (``execute_prepared``)."""

import hashlib
from collections.abc import Mapping, Sequence
from typing import Any
from weakref import WeakKeyDictionary

from django.db import connection
from django.db.models import F, Model, QuerySet


def table(model: type[Model]) -> str:
    """``model``'s table name, quoted for SQL written by hand."""
    return connection.ops.quote_name(model._meta.db_table)


def column(model: type[Model], field: str) -> str:
    """The column of ``model``'s field ``field`` (``creator`` → ``creator_id``), quoted for SQL written by hand."""
    return connection.ops.quote_name(model._meta.get_field(field).column)


def insert_for_each(
    *,
    table: str,
    columns: Sequence[str],
    ids: QuerySet,
    values: Sequence,
    key_template: str | None = None,
    conflict: Sequence[str] = (),
    update: Sequence[str] = (),
    update_when: str = "",
    variants: Sequence[Mapping[str, Any]] = (),
    returning: Sequence[str] = (),
) -> int | list[tuple]:
    """``INSERT INTO table (creator_id, *columns) SELECT id, *values FROM ids ON CONFLICT DO NOTHING``.

    ``ids`` is a queryset yielding one column of creator ids; ``values`` are constants for the other
    columns, except a column named ``dedupe_key``, which is ``key_template`` with ``{id}`` replaced by
    each creator id. One statement whatever the number of creators; rows that violate a unique
    constraint are skipped, which is what makes the grant jobs idempotent. With ``conflict`` (the
    unique columns) and ``update`` (columns to take from the new row), an existing row is updated
    instead, only where the SQL condition ``update_when`` holds (``old.`` and ``new.`` name the rows).
    With ``variants`` each creator gets one row per variant, which gives the values of further columns
    (the same ones in every variant, none of them ``None``): one statement for several benefits.
    Returns the number of rows inserted or updated; with ``returning`` (column names), those rows'
    values of these columns instead, as the rows stand after the statement.
    """
    qn = connection.ops.quote_name
    sub_sql, sub_params = ids.query.sql_with_params()
    extra = list(variants[0]) if variants else []
    selected, params = [], []
    for column, value in zip(columns, values, strict=True):
        if column == "dedupe_key":
            prefix, suffix = key_template.split("{id}")
            selected.append("%s || CAST(s.creator_id AS TEXT) || %s" if connection.vendor != "sqlite"
                            else "%s || s.creator_id || %s")  # fmt: skip
            params += [prefix, suffix]
        else:
            selected.append("%s")
            params.append(value)
    source, source_params = f"({sub_sql}) s", list(sub_params)
    if variants:
        branch = "SELECT " + ", ".join(f"%s AS {qn(c)}" for c in extra)
        source += f" CROSS JOIN ({' UNION ALL '.join([branch] * len(variants))}) v"
        source_params += [variant[c] for variant in variants for c in extra]
        selected += [f"v.{qn(c)}" for c in extra]
    sql = (
        f"INSERT INTO {qn(table)} ({qn('creator_id')}, {', '.join(qn(c) for c in [*columns, *extra])}) "
        f"SELECT s.creator_id, {', '.join(selected)} FROM {source} WHERE true "
        + _on_conflict(table, conflict, update, update_when)
    )
    if returning:
        sql += " RETURNING " + ", ".join(qn(c) for c in returning)
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, *source_params])
        return cursor.fetchall() if returning else cursor.rowcount


def insert_select(
    *,
    table: str,
    columns: Sequence[str],
    rows: QuerySet,
    conflict: Sequence[str] = (),
    update: Sequence[str] = (),
    update_when: str = "",
) -> int:
    """``INSERT INTO table (*columns) SELECT * FROM rows ON CONFLICT …``: the rows of a ``values_list``
    queryset (its columns in the order of ``columns``) written in one statement, without bringing them
    to Python. ``conflict``, ``update`` and ``update_when`` as in ``insert_for_each``. Returns the rows
    inserted or updated."""
    qn = connection.ops.quote_name
    sub_sql, sub_params = rows.query.sql_with_params()
    sql = (
        f"INSERT INTO {qn(table)} ({', '.join(qn(c) for c in columns)}) SELECT * FROM ({sub_sql}) s WHERE true "
        + _on_conflict(table, conflict, update, update_when)
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, sub_params)
        return cursor.rowcount


def _on_conflict(table: str, conflict: Sequence[str], update: Sequence[str], update_when: str) -> str:
    """Skip rows that violate a unique constraint; with ``update``, update the existing row instead
    (where ``update_when`` holds; ``old.`` and ``new.`` name the rows). ``WHERE true`` before it keeps
    SQLite from reading ``ON CONFLICT`` as a join condition."""
    qn = connection.ops.quote_name
    if not update:
        return "ON CONFLICT DO NOTHING"
    assignments = ", ".join(f"{qn(c)} = excluded.{qn(c)}" for c in update)
    when = update_when.replace("old.", f"{qn(table)}.").replace("new.", "excluded.")
    return f"ON CONFLICT ({', '.join(qn(c) for c in conflict)}) DO UPDATE SET {assignments}" + (
        f" WHERE {when}" if when else ""
    )


def medians(rows: QuerySet, fields: Sequence[str]) -> dict[str, float | None]:
    """The median of each of ``fields`` over ``rows`` (nulls ignored; an even count averages the middle
    two; ``None`` when no row has a value), in one statement: each field's rows are numbered in order with
    a window function and the middle ones averaged — portable SQL, where ``percentile_cont`` is not."""
    qn = connection.ops.quote_name
    aliases = {f"v{i}": field for i, field in enumerate(fields)}
    sub_sql, params = rows.values(**{alias: F(field) for alias, field in aliases.items()}).query.sql_with_params()
    numbered, middle = [], []
    for alias in aliases:
        v, n, c = qn(alias), qn(f"n_{alias}"), qn(f"c_{alias}")
        numbered.append(
            f"s.{v} AS {v}, ROW_NUMBER() OVER (PARTITION BY s.{v} IS NULL ORDER BY s.{v}) AS {n}, "
            f"COUNT(s.{v}) OVER () AS {c}"
        )
        middle.append(f"AVG(CASE WHEN r.{n} IN ((r.{c} + 1) / 2, (r.{c} + 2) / 2) THEN r.{v} END)")
    sql = f"SELECT {', '.join(middle)} FROM (SELECT {', '.join(numbered)} FROM ({sub_sql}) s) r"
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    return {field: None if value is None else float(value) for field, value in zip(fields, row, strict=True)}


def lock_for_transaction(name: str) -> None:
    """Make transactions that take the lock ``name`` run one after another: a PostgreSQL advisory lock
    held until the transaction ends. SQLite lets one transaction write at a time anyway."""
    if connection.vendor != "postgresql":
        return
    key = int.from_bytes(hashlib.blake2b(name.encode(), digest_size=8).digest(), "big", signed=True)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [key])


def sort_memory(megabytes: int) -> None:
    """Let PostgreSQL sort and hash up to ``megabytes`` in memory per operation for the rest of the
    transaction (``work_mem``), for a big aggregate that would otherwise spill to disk. Elsewhere a no-op."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute(f"SET LOCAL work_mem = '{int(megabytes)}MB'")


def without_jit() -> None:
    """No JIT compilation in PostgreSQL for the rest of the transaction. It starts on a cost estimate
    (``jit_above_cost``) that a wide per-chunk statement passes, where compiling takes longer than
    running: 113 ms of a chunk of the daily upgrade check that then ran in 60 ms, some 100 ms of an index
    chunk that runs in 40. Elsewhere a no-op."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL jit = off")


def plain_rows(queryset: QuerySet) -> list[tuple]:
    """The rows of a ``values_list`` queryset as the database driver returns them, skipping Django's
    per-value converters: for aggregates over thousands of rows those cost more than the query. Only for
    columns whose driver value is already what the caller needs (numbers, booleans as truthy values)."""
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def commit_without_waiting() -> None:
    """Let this transaction's commit return before PostgreSQL has flushed it to disk
    (``synchronous_commit = off``, for this transaction only). A crash may then lose the transaction
    as a whole — never part of it — so use it only for work that is redone when lost. Elsewhere a no-op."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL synchronous_commit = off")


def committed_without_waiting(sql: str) -> str:
    """``sql``, a statement outside any transaction, made to commit as ``commit_without_waiting`` does, in
    the same round trip: on PostgreSQL in autocommit with the statement sent as text (Django's default for
    psycopg), ``SET LOCAL`` sent in the same string holds for that string's own implicit transaction and
    nothing after it. Inside a transaction, or elsewhere, ``sql`` as it is: the transaction's commit decides."""
    if (
        connection.vendor == "postgresql"
        and connection.get_autocommit()
        and not connection.in_atomic_block
        and not connection.settings_dict.get("OPTIONS", {}).get("server_side_binding")
    ):
        return f"SET LOCAL synchronous_commit = off; {sql}"
    return sql


def analyze_stale(tables: Sequence[str]) -> list[str]:
    """``ANALYZE`` those of ``tables`` whose planner statistics are stale by PostgreSQL's own autovacuum
    rule — more rows changed since the last analyse than ``autovacuum_analyze_threshold`` +
    ``autovacuum_analyze_scale_factor`` × rows — so a job that starts right after a big load plans its
    queries on figures autovacuum would only gather later (or never, where it is off). One query when
    nothing is stale. Returns the tables analysed; elsewhere a no-op."""
    if connection.vendor != "postgresql" or not tables:
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT s.relname FROM pg_stat_user_tables s JOIN pg_class c ON c.oid = s.relid
               WHERE s.relid = ANY(CAST(%s AS text[])::regclass[])
                 AND s.n_mod_since_analyze > current_setting('autovacuum_analyze_threshold')::float8
                     + current_setting('autovacuum_analyze_scale_factor')::float8 * GREATEST(c.reltuples, 0)
               ORDER BY s.relname""",
            [list(tables)],
        )
        stale = [row[0] for row in cursor.fetchall()]
        if stale:
            cursor.execute("ANALYZE " + ", ".join(connection.ops.quote_name(t) for t in stale))
    return stale


def distinct_values(model: type[Model], column: str) -> list[str]:
    """The distinct non-blank values of a text ``column`` of ``model``'s table, in order, for a filter's
    choices. One query that seeks each next value in an index on the column (a loose index scan, written
    as a recursive CTE since neither PostgreSQL nor SQLite skips through an index by itself): one seek
    per distinct value, where ``SELECT DISTINCT`` reads every row (175–275 ms for a million creators).
    Without an index on the column each seek is a scan: the column must be indexed."""
    table, col = connection.ops.quote_name(model._meta.db_table), connection.ops.quote_name(column)
    sql = (
        f"WITH RECURSIVE r (v) AS (SELECT MIN({col}) FROM {table} WHERE {col} > '' UNION ALL "
        f"SELECT (SELECT MIN(t.{col}) FROM {table} t WHERE t.{col} > r.v) FROM r "
        f"WHERE r.v IS NOT NULL) SELECT v FROM r WHERE v IS NOT NULL"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return [value for (value,) in cursor.fetchall()]


# The statements each PostgreSQL session (a psycopg connection) has prepared: ``execute_prepared``.
_prepared: WeakKeyDictionary = WeakKeyDictionary()


def execute_prepared(cursor, sql: str, params: Sequence) -> None:
    """Run ``sql`` (``%s`` parameters) on ``cursor`` as a statement PostgreSQL prepared once per connection,
    so that it plans it once rather than on every run: for a hot read whose planning costs more than its
    execution (a page's creator with its fingerprint: 1.4 ms of planning against 0.5 ms of work). The first
    run on a connection prepares it in the same round trip; the name is the statement's hash, so a changed
    statement (new code) is another. PostgreSQL keeps a session's prepared statements through rollbacks;
    a pooler that resets sessions between clients (pgbouncer's transaction mode) would need this off.
    Elsewhere (SQLite) ``sql`` is simply run."""
    database = cursor.db  # the connection the cursor belongs to, whatever its alias
    if database.vendor != "postgresql":
        cursor.execute(sql, params)
        return
    assert "%%" not in sql, "a literal percent sign would be renumbered"
    name = "prepared_" + hashlib.md5(sql.encode(), usedforsecurity=False).hexdigest()[:16]
    run = f"EXECUTE {name}({', '.join(['%s'] * len(params))})" if params else f"EXECUTE {name}"
    done = _prepared.setdefault(database.connection, set())
    if name in done:
        cursor.execute(run, params)
        return
    first, *rest = sql.split("%s")
    assert len(rest) == len(params), "one parameter per %s"
    body = first + "".join(f"${n}{part}" for n, part in enumerate(rest, 1))
    cursor.execute(f"PREPARE {name} AS {body}; {run}", params)
    cursor.nextset()  # the rows are EXECUTE's
    done.add(name)
