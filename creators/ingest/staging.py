"""Write-behind for the ingest on PostgreSQL: a batch's upserts are staged with COPY and merged into
their tables while the next batch is being read and validated.

Each upsert of a batch COPYs its rows (binary) into a temporary staging table of its own and queues the
merge — ``INSERT … SELECT … FROM staging ORDER BY key ON CONFLICT …`` — and a ``TRUNCATE`` of the
staging table. At the end of the batch ``send`` hands the queued statements to the server in pipeline
mode and returns without waiting; ``wait``, at the start of the next batch, collects their results
(raising their errors). The database merges one batch while Python decodes the next: on two cores the
two halves, about equal at a million lines, overlap instead of adding up (bench/README.md).

Why COPY and not the column arrays of ``upsert_rows``' immediate path: psycopg builds binary arrays in
Python, value by value, which cost more than the merge itself; binary COPY rows are built in C. And
COPY cannot run in pipeline mode, so staging happens at once and only the merges are left running.

Merges run in the order they were queued, after the batch's immediate statements. Whatever reads a
staged table before the next ``wait`` does not see the batch's rows yet, so only writes that nothing
reads until the next batch are staged (``upsert_rows(ingest=…)``).
"""

import hashlib
from collections.abc import Iterable, Sequence
from contextlib import ExitStack
from typing import Any

from django.db import connection

from lib.bulk import copy_rows, copy_type


class WriteBehind:
    """The staged merges of one ingest, and the pipeline that runs them."""

    def __init__(self) -> None:
        self._queued: list[tuple[str, list[Any]]] = []
        self._created: set[str] = set()  # staging tables this ingest has made sure exist
        self._holding: set[str] = set()  # staging tables holding rows whose merge has not run yet
        self._running: ExitStack | None = None
        self._immediate: dict[str, list[str]] = {}  # table → its foreign keys made immediate

    @staticmethod
    def available() -> bool:
        """Whether writes can be left behind: PostgreSQL only (SQLite writes at once)."""
        return connection.vendor == "postgresql"

    def merge(
        self,
        table: str,
        types: Sequence[str],
        rows: Iterable[Sequence[Any]],
        *,
        statement: str,
        params: Sequence[Any] = (),
    ) -> None:
        """Stage ``rows`` for ``table`` and queue ``statement``, which reads them from ``{source}``.

        ``types`` are the rows' database types, in order; the staging table names its columns ``c0``,
        ``c1``, …. A staging table still holding rows from earlier in the batch is first merged (a wait).
        """
        staging = self._staging_table(table, types)
        if staging in self._holding:
            self.send()
            self.wait()
        self.wait()  # COPY is not allowed while a pipeline is open
        copy_rows(staging, [f"c{index}" for index in range(len(types))], rows, types=[copy_type(t) for t in types])
        self._holding.add(staging)
        quoted = connection.ops.quote_name(staging)
        self._queued.append((statement.format(source=quoted), list(params)))
        self._queued.append((f"TRUNCATE {quoted}", []))

    def send(self) -> None:
        """Send the queued merges and return without waiting for them."""
        if not self._queued:
            return
        if self._running is None:
            stack = ExitStack()
            stack.enter_context(connection.connection.pipeline())
            self._running = stack
        queued, self._queued = self._queued, []
        with connection.cursor() as cursor:
            for sql, params in queued:
                cursor.execute(sql, params)

    def wait(self) -> None:
        """Wait until the sent merges are done; their errors are raised here, as Django's."""
        running, self._running = self._running, None
        if running is not None:
            self._holding.clear()
            with connection.wrap_database_errors:
                running.close()

    def __enter__(self) -> "WriteBehind":
        return self

    def __exit__(self, exc_type: Any, exc: BaseException | None, traceback: Any) -> None:
        """Leaving the ingest: send and wait for what is left; after an error, just end the pipeline
        (its own errors are logged by psycopg, not raised over the first one)."""
        if exc is None:
            self.send()
            self.wait()
            self._restore_constraints()
        elif self._running is not None:
            running, self._running = self._running, None
            running.__exit__(exc_type, exc, traceback)

    def _staging_table(self, table: str, types: Sequence[str]) -> str:
        """The session's staging table for these columns of ``table``, created on first use in the
        transaction (``ON COMMIT DROP``: nothing outlives the ingest's transaction).

        The first time ``table`` is staged, its deferred foreign keys are made immediate for the rest of
        the ingest: each row is then checked when its merge runs, while the next batch is read, instead
        of all at commit, when nothing else is left to do (at a million lines that was 4–5 s of waiting).
        The checks are the same, and their order is safe: a batch writes the rows it refers to first
        (creators, tasks, courses at once; content before the submissions that look it up).
        """
        digest = hashlib.blake2b(repr((table, tuple(types))).encode(), digest_size=4).hexdigest()
        name = f"ingest_{table}_{digest}"
        if name in self._created:
            return name
        self.wait()
        quote = connection.ops.quote_name
        definition = ", ".join(f"c{index} {db_type}" for index, db_type in enumerate(types))
        statements = [f"CREATE TEMPORARY TABLE IF NOT EXISTS {quote(name)} ({definition}) ON COMMIT DROP"]
        with connection.cursor() as cursor:
            if table not in self._immediate:
                cursor.execute(DEFERRED_FOREIGN_KEYS, [quote(table)])
                self._immediate[table] = names = [quote(conname) for (conname,) in cursor.fetchall()]
                if names:
                    statements.append(f"SET CONSTRAINTS {', '.join(names)} IMMEDIATE")
            cursor.execute("; ".join(statements))
        self._created.add(name)
        return name

    def _restore_constraints(self) -> None:
        """Give the foreign keys made immediate their deferred mode back, for whatever the caller's
        transaction does after the ingest."""
        names = [name for names in self._immediate.values() for name in names]
        if names:
            with connection.cursor() as cursor:
                cursor.execute(f"SET CONSTRAINTS {', '.join(names)} DEFERRED")
        self._immediate.clear()


# The foreign keys of a table that PostgreSQL checks at commit (Django makes every foreign key so).
DEFERRED_FOREIGN_KEYS = """
    SELECT conname FROM pg_constraint
    WHERE conrelid = %s::regclass AND contype = 'f' AND condeferrable AND condeferred ORDER BY conname
"""
