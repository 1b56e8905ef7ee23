"""Runs waiting for the broker (``levels.dispatch``): a start whose tasks the broker refuses leaves the run
created, audited and marked waiting, the page answering; the run is sent anew once the broker answers
(the beat task, the console's pages, the reconciler), once. The broker here is a port nothing listens
on; tests/faults/test_broker_down.py does the same against a real Redis and a real worker."""

import logging
from collections.abc import Iterator
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from config.celery_app import app
from console.forms import new_request_id
from creators.models import AuditLog
from levels import dispatch, jobs, tasks
from levels.models import JobRun
from tests.builders import AT, creator_at_level
from tests.celery_broker import reconnect

pytestmark = pytest.mark.django_db
NOW = AT + timedelta(days=1)
DOWN = "redis://127.0.0.1:1/0"  # connection refused at once


@pytest.fixture
def clock(monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: NOW)
    return NOW


@pytest.fixture
def broker_down() -> Iterator[None]:
    saved = {key: app.conf[key] for key in ("task_always_eager", "broker_url")}
    app.conf.update(task_always_eager=False, broker_url=DOWN)
    reconnect()
    try:
        yield
    finally:
        app.conf.update(saved)
        reconnect()


def test_a_start_the_broker_refuses_leaves_the_run_waiting_and_the_page_working(
    operator_client, clock, broker_down, django_capture_on_commit_callbacks, caplog
):
    creator_at_level(2)
    data = {"job": "assess_monthly", "period": "2026-12", "request_id": new_request_id()}

    with caplog.at_level(logging.ERROR, logger="levels.tasks"), django_capture_on_commit_callbacks(execute=True):
        response = operator_client.post(reverse("console:runs"), data)

    assert response.status_code == 302
    run = JobRun.objects.get(job="assess_monthly", period="2026-12")
    assert run.status == JobRun.Status.RUNNING and run.awaiting_broker_since == NOW
    assert AuditLog.objects.filter(action="run.start", target_id=str(run.pk)).count() == 1
    assert "waits for the broker" in caplog.text
    assert not tasks.broker_answers()
    for url in (reverse("console:runs"), reverse("console:run", args=[run.pk])):
        page = operator_client.get(url)  # the pages try the broker, find it down, and answer
        assert page.status_code == 200
        assert "等待任务队列" in page.content.decode()
    assert "队列恢复后会自动发送" in operator_client.get(reverse("console:run", args=[run.pk])).content.decode()
    assert JobRun.objects.get(pk=run.pk).awaiting_broker_since == NOW


def test_a_waiting_run_is_sent_once_when_the_broker_answers(clock):
    creator_at_level(2)
    run, _ = jobs.trigger(JobRun.Job.ASSESS_MONTHLY, due=jobs.level_due(AT), enqueue=lambda work: None)
    assert dispatch.run_await_broker(run.pk, now=AT)
    assert not dispatch.run_await_broker(run.pk, now=NOW)  # marked once, from the first failure
    sent = []

    actions = dispatch.runs_dispatch_waiting(now=NOW, enqueue=sent.append)

    assert actions == [{"job": "assess_monthly", "period": "2026-12", "run": run.pk, "action": "dispatched"}]
    assert [work.run_id for work in sent] == [run.pk] and sent[0].chunk_ids
    run.refresh_from_db()
    assert run.awaiting_broker_since is None and run.heartbeat_at == NOW
    assert dispatch.runs_dispatch_waiting(now=NOW, enqueue=sent.append) == []  # taken: not sent twice
    assert len(sent) == 1


def test_the_console_sends_a_waiting_run_once_the_broker_answers(
    operator_client, clock, django_capture_on_commit_callbacks
):
    """Tasks are eager here (the broker "answers"): loading the runs page runs the waiting run."""
    creator_at_level(2)
    run, _ = jobs.trigger(JobRun.Job.ASSESS_MONTHLY, due=jobs.level_due(AT), enqueue=lambda work: None)
    dispatch.run_await_broker(run.pk, now=AT)

    with django_capture_on_commit_callbacks(execute=True):
        assert operator_client.get(reverse("console:runs")).status_code == 200

    run.refresh_from_db()
    assert run.status == JobRun.Status.DONE and run.awaiting_broker_since is None
    assert run.summary["assessed"] == 1


def test_the_reconciler_runs_a_waiting_run_here(clock, capsys):
    creator_at_level(2)
    run, _ = jobs.trigger(JobRun.Job.ASSESS_MONTHLY, due=jobs.level_due(AT), enqueue=lambda work: None)
    dispatch.run_await_broker(run.pk, now=AT)

    call_command("reconcile_jobs", "--at", NOW.isoformat())

    run.refresh_from_db()
    assert run.status == JobRun.Status.DONE and run.awaiting_broker_since is None
    assert '"action": "dispatched"' in capsys.readouterr().out


def test_a_waiting_run_that_failed_meanwhile_is_not_sent(clock):
    creator_at_level(2)
    run, _ = jobs.trigger(JobRun.Job.ASSESS_MONTHLY, due=jobs.level_due(AT), enqueue=lambda work: None)
    dispatch.run_await_broker(run.pk, now=AT)
    JobRun.objects.filter(pk=run.pk).update(status=JobRun.Status.FAILED)
    sent = []

    assert dispatch.runs_dispatch_waiting(now=NOW, enqueue=sent.append) == []
    assert sent == [] and not dispatch.runs_awaiting_broker().exists()
