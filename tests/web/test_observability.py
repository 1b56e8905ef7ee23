"""Logs as JSON lines tagged with the request's trace id and the Celery task's id; the X-Request-ID header;
/metrics for the allowed addresses only (docs/observability.md)."""

import io
import json
import logging
from datetime import datetime

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpResponse
from django.test import Client, RequestFactory

from config.celery_app import app
from config.log_settings import logging_config
from config.request_id import TraceIdMiddleware
from lib.logs import JsonFormatter, TaskIdFilter, TraceIdFilter, trace_id_var

logger = logging.getLogger("tests.observability")


@pytest.fixture
def lines():
    """JSON lines of what ``tests.observability`` and ``django.request`` log, through the filters settings use."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(TraceIdFilter())
    handler.addFilter(TaskIdFilter())
    loggers = [logging.getLogger("tests.observability"), logging.getLogger("django.request")]
    for each in loggers:
        each.addHandler(handler)
    old_level = loggers[0].level
    loggers[0].setLevel(logging.INFO)
    yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    loggers[0].setLevel(old_level)
    for each in loggers:
        each.removeHandler(handler)


def test_a_record_is_one_json_object_with_zone_exception_and_extra_fields(lines):
    try:
        raise ValueError("bad\ninput")
    except ValueError:
        logger.exception("failed %s", "chunk 3", extra={"run_id": 7, "when": datetime(2027, 1, 1)})

    [entry] = lines()
    assert entry["level"] == "ERROR"
    assert entry["logger"] == "tests.observability"
    assert entry["message"] == "failed chunk 3"
    assert datetime.fromisoformat(entry["time"]).utcoffset() is not None
    assert "ValueError: bad\ninput" in entry["exception"]
    assert entry["run_id"] == 7 and entry["when"] == "2027-01-01 00:00:00"
    assert "trace_id" not in entry and "task_id" not in entry  # neither a request nor a task


def test_records_during_a_request_carry_its_trace_id(lines):
    def view(request):
        logger.info("inside")
        return HttpResponse("ok")

    response = TraceIdMiddleware(view)(RequestFactory().get("/", HTTP_X_REQUEST_ID="edge-1234abcd"))

    assert response["X-Request-ID"] == "edge-1234abcd"
    assert lines()[0]["trace_id"] == "edge-1234abcd"
    assert trace_id_var.get() is None  # reset after the request
    logger.info("after")
    assert "trace_id" not in lines()[1]


@pytest.mark.django_db
def test_the_whole_stack_answers_and_logs_with_the_trace_id(client: Client, lines):
    response = client.get("/no-such-page-here/", HTTP_X_REQUEST_ID="0f1e2d3c4b5a6978")

    assert response.status_code == 404
    assert response["X-Request-ID"] == "0f1e2d3c4b5a6978"
    [entry] = [e for e in lines() if e["logger"] == "django.request"]
    assert entry["trace_id"] == "0f1e2d3c4b5a6978" and entry["level"] == "WARNING"


@pytest.mark.parametrize(
    "sent", [None, "", "short", "x" * 65, "has space 12345", "inject\nline1234", 'quote"1234567', "日志追踪编号一二三"]
)
def test_an_insane_or_missing_header_gets_a_new_uuid4_hex(sent):
    factory = RequestFactory()
    request = factory.get("/") if sent is None else factory.get("/", HTTP_X_REQUEST_ID=sent)

    response = TraceIdMiddleware(lambda r: HttpResponse())(request)

    assert response["X-Request-ID"] == request.trace_id != sent
    assert len(request.trace_id) == 32 and int(request.trace_id, 16) >= 0


def test_two_requests_without_a_header_get_different_ids():
    middleware = TraceIdMiddleware(lambda r: HttpResponse())
    assert (
        middleware(RequestFactory().get("/"))["X-Request-ID"] != middleware(RequestFactory().get("/"))["X-Request-ID"]
    )


@app.task(name="tests.observability.log_in_task")
def log_in_task():
    logger.info("in task")


def test_records_inside_a_celery_task_carry_its_id(lines):
    result = log_in_task.apply(task_id="task-0123456789")

    assert result.successful()
    [entry] = lines()
    assert entry["task_id"] == "task-0123456789"
    assert entry["task"] == "tests.observability.log_in_task"


def test_settings_tag_every_record_and_pick_the_format():
    console = settings.LOGGING["handlers"]["console"]
    assert console["filters"] == ["trace_id", "task_id"]
    assert console["formatter"] == settings.LOG_FORMAT
    assert logging_config("text", "INFO")["handlers"]["console"]["formatter"] == "text"
    with pytest.raises(ImproperlyConfigured, match="LOG_FORMAT"):
        logging_config("xml", "INFO")


# --- /metrics ----------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_metrics_are_served_to_the_host_itself(client: Client):
    client.get("/healthz")

    response = client.get("/metrics")  # the test client's address is 127.0.0.1

    assert response.status_code == 200
    body = response.content.decode()
    assert "django_http_requests_total_by_view_transport_method_total" in body
    assert 'view="healthz"' in body
    assert response["Cache-Control"].startswith("max-age=0")


@pytest.mark.django_db
@pytest.mark.parametrize("address", ["203.0.113.7", "2001:db8::1", "10.0.0.1", "not-an-ip"])
def test_metrics_are_refused_to_the_public(client: Client, address: str):
    response = client.get("/metrics", REMOTE_ADDR=address)

    assert response.status_code == 403
    assert b"django_http" not in response.content


@pytest.mark.django_db
def test_behind_the_proxy_the_client_not_the_proxy_is_checked(client: Client, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    public = client.get("/metrics", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.7")
    local = client.get("/metrics", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="127.0.0.1")
    assert (public.status_code, local.status_code) == (403, 200)


@pytest.mark.django_db
def test_allowed_networks_come_from_settings(client: Client, settings):
    settings.METRICS_ALLOWED_IPS = ["10.0.0.0/8", "2001:db8::/32"]
    assert client.get("/metrics", REMOTE_ADDR="10.20.30.40").status_code == 200
    assert client.get("/metrics", REMOTE_ADDR="2001:db8::9").status_code == 200
    assert client.get("/metrics", REMOTE_ADDR="127.0.0.1").status_code == 403
