"""Log records as one JSON object a line, tagged with what they belong to.

``JsonFormatter`` writes each record as ``{"time", "level", "logger", "message", ...}``: the time ISO-8601
in UTC with its zone, ``exc_info``/``stack_info`` as text when present, and every ``extra={...}`` field.
``TraceIdFilter`` adds ``trace_id``, the id of the web request being served (set by
``config.request_id.TraceIdMiddleware`` from or into the ``X-Request-ID`` header); ``TaskIdFilter`` adds
``task_id`` and ``task`` while a Celery task runs, so one job's chunk logs can be followed across workers.

The trace id is not the console forms' ``request_id``: that one is an idempotency key stored on audit
rows; this one only ties log lines (and the answer's header) together."""

import json
import logging
import re
import uuid
from contextvars import ContextVar
from datetime import UTC, datetime

# The id of the request this code runs for; None outside a request.
trace_id_var: ContextVar[str | None] = ContextVar("trace_id", default=None)

# An incoming X-Request-ID is kept only if it is a short token of these characters (a proxy's UUID, a
# ULID, a hex id); anything else is replaced, so a header cannot inject text or bulk into the logs.
TRACE_ID_PATTERN = re.compile(r"[A-Za-z0-9._-]{8,64}")

# The attributes every LogRecord has: anything else on a record came from ``extra`` or a filter.
_RECORD_ATTRIBUTES = frozenset(logging.LogRecord("", 0, "", 0, "", (), None).__dict__) | {"message", "asctime"}


def trace_id_clean(value: str | None) -> str:
    """``value`` if it is a sane trace id, else a new one (a uuid4's hex)."""
    if value and TRACE_ID_PATTERN.fullmatch(value):
        return value
    return uuid.uuid4().hex


class JsonFormatter(logging.Formatter):
    """One JSON object per record, on one line (newlines inside values are escaped by JSON)."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, tz=UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            entry["exception"] = record.exc_text
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        for key, value in record.__dict__.items():
            if key not in _RECORD_ATTRIBUTES and key not in entry and not key.startswith("_"):
                entry[key] = value
        return json.dumps(entry, ensure_ascii=False, default=str)


class TraceIdFilter(logging.Filter):
    """Adds ``trace_id`` to records emitted while a request is served (never drops a record), and to
    Django's own ``django.request`` line about an answer (``Not Found: ...``), which the handler writes once
    the middlewares are done, from the ``request`` that record carries."""

    def filter(self, record: logging.LogRecord) -> bool:
        trace_id = trace_id_var.get() or getattr(getattr(record, "request", None), "trace_id", None)
        if trace_id is not None and not hasattr(record, "trace_id"):
            record.trace_id = trace_id
        return True


class TaskIdFilter(logging.Filter):
    """Adds ``task_id`` and ``task`` (its name) to records emitted inside a running Celery task."""

    def filter(self, record: logging.LogRecord) -> bool:
        from celery import current_task  # imported late: logging is configured before Celery is loaded

        task = current_task
        task_id = getattr(getattr(task, "request", None), "id", None) if task else None
        if task_id and not hasattr(record, "task_id"):
            record.task_id = task_id
            record.task = task.name
        return True
