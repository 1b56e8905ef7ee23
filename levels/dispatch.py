"""Runs waiting for the broker (docs/scaling.md, "When the broker is down").

A run is claimed in the database first and its tasks are sent to the broker once that transaction has
committed (``levels.tasks.enqueue_after_commit``). When the broker does not answer, the send fails after
the run exists: instead of a run that looks in progress with nothing queued (which the hourly reconciler
used to notice only after ``JOB_STALE_MINUTES`` of silence), the run is marked ``awaiting_broker_since``
(the console shows 等待任务队列) and is sent anew as soon as the broker answers. Who notices:

- beat's ``dispatch_waiting_runs`` entry, every two minutes (beat needs the broker too: while it is
  down its ticks fail, and the first tick after it is back gets through, so a run leaves the wait at
  most about two minutes after the broker returns, with a worker up);
- every load of the console's runs pages (an operator watching a waiting run sees it leave the wait);
- the hourly reconciler (the task, and ``manage.py reconcile_jobs``, which runs it here and now).

Sending a run twice is harmless: a chunk is processed once (``jobs.chunk_process``), a step is
idempotent. This module knows nothing of Celery; ``levels.tasks`` sends and catches the failure.
"""

from datetime import datetime

from . import jobs
from .models import JobRun


def run_await_broker(run_id: int, *, now: datetime) -> bool:
    """Mark a running run as waiting for the broker (its tasks could not be sent). True if it was not
    marked already."""
    waiting = JobRun.objects.filter(pk=run_id, status=JobRun.Status.RUNNING, awaiting_broker_since__isnull=True)
    return waiting.update(awaiting_broker_since=now) == 1


def run_sent(run_id: int) -> None:
    """The broker took the run's tasks: it no longer waits (sent by a reconciler or an operator's resume
    before the dispatcher got to it)."""
    JobRun.objects.filter(pk=run_id, awaiting_broker_since__isnull=False).update(awaiting_broker_since=None)


def runs_awaiting_broker():
    return JobRun.objects.filter(awaiting_broker_since__isnull=False).order_by("pk")


def runs_dispatch_waiting(*, now: datetime, enqueue: jobs.Enqueue | None) -> list[dict]:
    """Send every run waiting for the broker anew through ``enqueue`` (or, without one, run it here).
    Each run is taken by one conditional UPDATE that clears its mark, so of two dispatchers racing for
    it exactly one sends it; if the broker fails again, ``enqueue`` marks it again."""
    actions = []
    for run in runs_awaiting_broker():
        taken = JobRun.objects.filter(pk=run.pk, awaiting_broker_since=run.awaiting_broker_since)
        if not taken.update(awaiting_broker_since=None, heartbeat_at=now):
            continue
        if run.status != JobRun.Status.RUNNING:  # failed or finished meanwhile: nothing to send
            continue
        jobs.run_execute(run, enqueue=enqueue)
        actions.append({"job": run.job, "period": run.period, "run": run.pk, "action": "dispatched"})
    return actions
