"""Celery tasks: thin wrappers that fetch by id and call ``levels.jobs``. Beat triggers ``job_due``.

``levels.jobs`` says what is left of a run (``jobs.Work``); ``enqueue_after_commit`` is the one place
that turns it into tasks, once the claiming transaction has committed so a worker sees the rows. A broker
that does not answer leaves the run waiting for it (``levels.dispatch``), not failing the caller.
"""

import logging

from celery import current_app, shared_task
from django.db import transaction
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerError

from . import dispatch, jobs, retention, schedule, whatif
from .models import JobChunk, JobRun

logger = logging.getLogger(__name__)


def enqueue_after_commit(work: jobs.Work) -> None:
    """Send ``work`` to the workers after commit: a single-step run as one ``run_step``, a chunked one
    as a ``chunk_run`` per pending chunk. If the broker fails (after kombu's own publish retries), the
    error is logged and the run marked as waiting for the broker; the run and the request that started
    it stand (some of its chunks may have been sent: sending them again is harmless)."""

    def send() -> None:
        try:
            if work.step:
                run_step.delay(work.run_id)
            for chunk_id in work.chunk_ids:
                chunk_run.delay(chunk_id)
        except (BrokerError, OSError) as exc:
            logger.error("run %s: the broker did not take its tasks (%s); it waits for the broker", work.run_id, exc)
            dispatch.run_await_broker(work.run_id, now=timezone.now())
        else:
            dispatch.run_sent(work.run_id)

    transaction.on_commit(send)


def broker_answers(timeout: float = 1.0) -> bool:
    """Whether the broker accepts a connection within ``timeout`` seconds (one attempt, no retries)."""
    try:
        with current_app.connection_for_write() as connection:
            connection.ensure_connection(max_retries=1, interval_start=0, interval_step=0, timeout=timeout)
    except (BrokerError, OSError):
        return False
    return True


def dispatch_waiting_if_broker() -> list[dict]:
    """Send the runs waiting for the broker, if there are any and the broker answers (one query when
    none waits, so the console's runs pages call it on every load)."""
    if not dispatch.runs_awaiting_broker().exists() or not broker_answers():
        return []
    return dispatch.runs_dispatch_waiting(now=timezone.now(), enqueue=enqueue_after_commit)


@shared_task(bind=True, max_retries=24, name=schedule.JOB_TASK)
def job_due(self, job: str) -> dict:
    """Beat entry point: run the period of ``job`` that is due now (a repeat trigger is a no-op)."""
    due = schedule.due_now(job, timezone.now())
    if jobs.dependency_pending(job, due.at):
        raise self.retry(countdown=300)  # the reward assessment waits for the monthly one
    run, created = jobs.trigger(job, due=due, enqueue=enqueue_after_commit, started_by=jobs.BY_BEAT)
    return {"run": run.pk, "created": created, "status": run.status}


@shared_task(acks_late=True, reject_on_worker_lost=True, autoretry_for=(Exception,), retry_backoff=30,
             max_retries=5)  # fmt: skip
def chunk_run(chunk_id: int) -> bool:
    """Process one chunk (idempotent: a redelivered or duplicate task finds it done) and finish the run
    if it was the last. A failing chunk is retried with a backoff until ``chunk_process`` marks it
    failed (``JOB_CHUNK_MAX_ATTEMPTS``); past Celery's own retries a stale run is the reconciler's."""
    done = jobs.chunk_process(chunk_id)
    jobs.run_finalize(JobChunk.objects.values_list("run_id", flat=True).get(pk=chunk_id))
    return done


@shared_task(acks_late=True, reject_on_worker_lost=True, autoretry_for=(Exception,), retry_backoff=30,
             max_retries=5)  # fmt: skip
def run_step(run_id: int) -> None:
    jobs.run_execute(JobRun.objects.get(pk=run_id), enqueue=None)


@shared_task(name=schedule.RECONCILE_TASK)
def reconcile() -> list[dict]:
    now = timezone.now()
    return jobs.reconcile(now=now, enqueue=enqueue_after_commit) + dispatch.runs_dispatch_waiting(
        now=now, enqueue=enqueue_after_commit
    )


@shared_task(name=schedule.DISPATCH_TASK)
def dispatch_waiting() -> list[dict]:
    """Beat, every two minutes: send the runs that wait for the broker (it answers, or this would not run)."""
    return dispatch.runs_dispatch_waiting(now=timezone.now(), enqueue=enqueue_after_commit)


def simulation_enqueue(simulation_id: int) -> None:
    """Run a what-if on a worker once the transaction that recorded it has committed."""
    transaction.on_commit(lambda: simulation_task.delay(simulation_id))


@shared_task
def simulation_task(simulation_id: int) -> str:
    """Run a what-if (``levels.whatif``); it records its own failure, so there is nothing to retry."""
    return whatif.simulation_run(simulation_id).status


@shared_task(name=retention.PRUNE_TASK, acks_late=True)
def prune_history() -> dict:
    """Beat's daily retention run (``levels.retention``): a repeat finds nothing left to delete."""
    return retention.history_prune(at=timezone.now())
