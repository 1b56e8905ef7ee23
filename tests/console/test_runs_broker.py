"""A run started from the console goes through the configured broker — Redis in CI and production,
kombu's filesystem transport in the default run — to a real Celery worker, and completes. The rest of
the suite runs tasks eagerly; this test is the one that proves the wiring end to end."""

import time
from collections.abc import Iterator

import pytest
from celery.contrib.testing.worker import start_worker
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from config.celery_app import app
from levels.models import JobRun
from levels.schedule import due_now
from tests.builders import creator_at_level
from tests.celery_broker import reconnect

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def worker(tmp_path) -> Iterator[None]:
    """A worker thread consuming the real broker, with tasks no longer eager. Without Redis, the
    filesystem transport gets folders of its own so no other process's messages are picked up."""
    saved = {key: app.conf[key] for key in ("task_always_eager", "broker_transport_options")}
    app.conf.task_always_eager = False
    if not settings.REDIS_URL:
        folders = {key: str(tmp_path / key) for key in ("data_folder_in", "processed_folder", "control_folder")}
        folders["data_folder_out"] = folders["data_folder_in"]
        for folder in folders.values():
            (tmp_path / folder).mkdir(parents=True, exist_ok=True)
        app.conf.broker_transport_options = folders
    reconnect()
    app.control.purge()  # nothing left over from another run
    try:
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
            yield
    finally:
        app.conf.update(saved)
        reconnect()


def test_a_run_started_in_the_console_completes_through_the_broker(client, operator, worker):
    for level in (1, 2, 3):
        creator_at_level(level)
    client.force_login(operator)
    # The latest month whose run is due (this month's from 02:00 on the 1st in Asia/Shanghai, else the last).
    month = due_now(JobRun.Job.ASSESS_MONTHLY, timezone.now()).period

    response = client.post(reverse("console:runs"), {"job": "assess_monthly", "period": month, "request_id": "b1"})

    assert response.status_code == 302
    run = JobRun.objects.get(job=JobRun.Job.ASSESS_MONTHLY, period=month)
    assert run.started_by == "console:ops1"
    deadline = time.monotonic() + 30
    while run.status == JobRun.Status.RUNNING and time.monotonic() < deadline:
        time.sleep(0.2)
        run.refresh_from_db()
    assert run.status == JobRun.Status.DONE, run.error
    assert run.summary["assessed"] == 3
