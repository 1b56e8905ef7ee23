"""Activity-feed ingest (docs/interfaces.md §1): JSON Lines of creators' activity into the database.

``ingest_lines`` is the one entry point; the ``ingest`` command and ``POST /api/v1/ingest`` are thin
wrappers around it. Higher apps add their own line types with ``register`` (academy:
``course_progress``), so this package never imports them; ``LineHandler``, ``fields`` and the write
helpers (``upsert_rows``, ``ids_by_code``, ``last_wins``) are what a handler builds on.
"""

from . import handlers as _handlers  # noqa: F401 - registers creators' own line types
from .fields import LineError
from .registry import IngestContext, LineHandler, ParsedLine, register
from .service import IngestResult, Reject, ingest_lines
from .writing import ids_by_code, last_wins, upsert_rows

__all__ = [
    "IngestContext",
    "IngestResult",
    "LineError",
    "LineHandler",
    "ParsedLine",
    "Reject",
    "ids_by_code",
    "ingest_lines",
    "last_wins",
    "register",
    "upsert_rows",
]
