"""Celery tasks: thin wrappers that fetch by id and call ``levels.jobs``. Beat triggers ``job_due``."""

from celery import shared_task
from django.utils import timezone

from . import jobs


@shared_task(bind=True, max_retries=24)
def job_due(self, job: str) -> dict:
    """Beat entry point: run the period of ``job`` that is due now (a repeat trigger is a no-op)."""
    due = jobs.due_now(job)
    if jobs.dependency_pending(job, due.at):
        raise self.retry(countdown=300)  # the reward assessment waits for the monthly one
    run, created = jobs.trigger(job, due=due, inline=False)
    return {"run": run.pk, "created": created, "status": run.status}


@shared_task(acks_late=True, reject_on_worker_lost=True, autoretry_for=(Exception,), retry_backoff=30,
             max_retries=5)  # fmt: skip
def chunk_run(chunk_id: int) -> bool:
    """Process one chunk (idempotent: a redelivered or duplicate task finds it done) and finish the run
    if it was the last."""
    from .models import JobChunk

    done = jobs.chunk_process(chunk_id)
    jobs.run_finalize(JobChunk.objects.values_list("run_id", flat=True).get(pk=chunk_id))
    return done


@shared_task(acks_late=True, reject_on_worker_lost=True, autoretry_for=(Exception,), retry_backoff=30,
             max_retries=5)  # fmt: skip
def run_step(run_id: int) -> None:
    from .models import JobRun

    jobs.run_execute(JobRun.objects.get(pk=run_id), inline=True)


@shared_task
def reconcile() -> list[dict]:
    return jobs.reconcile(now=timezone.now(), inline=False)
