"""The ``LOGGING`` dict (kept out of settings.py for its length): one console handler, every record tagged
with the request's ``trace_id`` and the Celery task's ``task_id`` (lib/logs.py), written as JSON lines or
as text (``LOG_FORMAT``)."""

from django.core.exceptions import ImproperlyConfigured

FORMATS = ("json", "text")


def logging_config(log_format: str, level: str) -> dict:
    if log_format not in FORMATS:
        raise ImproperlyConfigured(f"LOG_FORMAT must be one of {', '.join(FORMATS)}, not {log_format!r}")
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"trace_id": {"()": "lib.logs.TraceIdFilter"}, "task_id": {"()": "lib.logs.TaskIdFilter"}},
        "formatters": {
            "text": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
            "json": {"()": "lib.logs.JsonFormatter"},
        },
        "handlers": {
            "console": {"class": "logging.StreamHandler", "formatter": log_format, "filters": ["trace_id", "task_id"]}
        },
        "root": {"handlers": ["console"], "level": level},
    }
