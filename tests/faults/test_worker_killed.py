"""A worker killed with SIGKILL in the middle of a chunk — its main process and its pool at once, so
nothing puts the task back — and a fresh worker started: Redis hands the unacknowledged task over
after the visibility timeout (a few seconds here, 65 minutes in production: config/settings.py), the
chunk that died is done again from scratch, and the run ends with the totals of a clean run. A killed
pool process alone has its task put back by its worker at once (reject_on_worker_lost).

"In the middle" is made certain, not hoped for: the test holds a lock on the assessments table, so the
worker's chunk transaction, having read its creators and started writing, waits on it; the test sees
the waiting lock in ``pg_locks`` and kills the worker then."""

import os
import signal
import time

import psycopg
import pytest
from django.db import connection, transaction

from benefits.models import Entitlement, GuaranteeCard
from creators.models import AssistantMessage
from levels import jobs, tasks
from levels.models import Assessment, CreatorLevel, JobChunk, JobRun, LevelChange
from tests.builders import AT, creator_at_level
from tests.faults.conftest import Process, database_url, wait_for

pytestmark = [pytest.mark.faults, pytest.mark.django_db(transaction=True)]
VISIBILITY = "3"  # seconds before Redis hands an unacknowledged task to another worker


def outcome(run: JobRun) -> dict:
    """What a monthly run leaves: its totals and the rows it wrote."""
    return {
        "summary": run.summary,
        "assessments": Assessment.objects.filter(run=run).count(),
        "level_changes": LevelChange.objects.filter(run=run).count(),
        "levels": sorted(CreatorLevel.objects.values_list("creator_id", "level")),
        "entitlements": Entitlement.objects.count(),
        "cards": GuaranteeCard.objects.count(),
        "messages": AssistantMessage.objects.count(),
    }


def clean_outcome() -> dict:
    """The same run done here in one go, then rolled back."""
    with transaction.atomic():
        run, _ = jobs.trigger(JobRun.Job.ASSESS_MONTHLY, due=jobs.level_due(AT))
        assert run.status == JobRun.Status.DONE
        result = outcome(run)
        transaction.set_rollback(True)
    assert not JobRun.objects.exists()
    return result


def waiting_on(table: str) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_locks WHERE NOT granted AND relation = %s::regclass", [table])
        return cursor.fetchone()[0] > 0


def run_with_a_kill_mid_chunk(start_worker, *, visibility: str, kill, restart: bool) -> tuple[JobRun, dict]:
    """Seven creators in four chunks; the worker is killed (``kill(worker)``) while its first chunk waits
    on the test's lock, inside the chunk's transaction; a fresh worker is started if ``restart``. Returns
    the run once done and what a clean run of the same data leaves."""
    for level in (0, 1, 2, 3, 4, 1, 3):
        creator_at_level(level)
    clean = clean_outcome()
    run, _ = jobs.run_claim(job=JobRun.Job.ASSESS_MONTHLY, key=jobs.level_due(AT).key, period="2026-12", at=AT)
    assert run.chunks.count() == 4

    with psycopg.connect(database_url()) as blocker:
        blocker.execute("LOCK TABLE levels_assessment IN EXCLUSIVE MODE")  # writes wait, reads do not
        worker = start_worker(CELERY_VISIBILITY_TIMEOUT=visibility)
        jobs.run_execute(run, enqueue=tasks.enqueue_after_commit)  # autocommit: sent at once
        wait_for(lambda: waiting_on("levels_assessment"), seconds=30, what="a chunk writing", process=worker)
        kill(worker)
        started = JobChunk.objects.get(run=run, index=0)
        assert (started.status, started.attempts) == (JobChunk.Status.PENDING, 1)
        assert not Assessment.objects.exists()
        blocker.rollback()  # the dead process's transaction gets the lock, finds no client and rolls back

    if restart:
        # A worker restores unacknowledged tasks older than the visibility timeout when it starts, then only on
        # every tenth later attempt (kombu's Redis transport throttles them): started before the timeout ran
        # out, it left the task for a minute or more and the test failed now and then. In production a lost
        # task comes back after the timeout, within that cycle.
        time.sleep(int(visibility) + 1)
        worker = start_worker(CELERY_VISIBILITY_TIMEOUT=visibility)
    wait_for(
        lambda: JobRun.objects.filter(pk=run.pk, status=JobRun.Status.DONE).exists(),
        seconds=60,
        what="the run to finish after the kill",
        process=worker,
    )
    run.refresh_from_db()
    return run, clean


def assert_done_as_clean(run: JobRun, clean: dict) -> None:
    assert outcome(run) == clean
    redone = JobChunk.objects.get(run=run, index=0)
    assert (redone.status, redone.attempts) == (JobChunk.Status.DONE, 2)  # started twice, done once
    assert set(JobChunk.objects.filter(run=run).values_list("status", flat=True)) == {JobChunk.Status.DONE}


def test_a_run_survives_a_worker_killed_whole_mid_chunk(settings, broker, start_worker):
    """Main process and pool at once: only the visibility timeout brings the task back."""
    settings.ASSESS_CHUNK_SIZE = 2
    run, clean = run_with_a_kill_mid_chunk(start_worker, visibility=VISIBILITY, kill=Process.kill, restart=True)
    assert_done_as_clean(run, clean)


def test_a_pool_process_killed_mid_chunk_has_its_task_put_back_at_once(settings, broker, start_worker):
    """The pool process only: its worker rejects the task back to the queue (reject_on_worker_lost) and
    does it again in a new pool process — no visibility timeout involved (an hour here)."""
    settings.ASSESS_CHUNK_SIZE = 2

    def kill_pool(worker: Process) -> None:
        (pool,) = worker.children()
        os.kill(pool, signal.SIGKILL)

    run, clean = run_with_a_kill_mid_chunk(start_worker, visibility="3600", kill=kill_pool, restart=False)
    assert_done_as_clean(run, clean)
