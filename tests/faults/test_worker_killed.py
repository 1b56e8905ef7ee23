"""A worker killed with SIGKILL in the middle of a chunk — its main process and its pool at once, so
nothing puts the task back — and a fresh worker started: Redis hands the unacknowledged task over
after the visibility timeout (a few seconds here, 65 minutes in production: config/settings.py), the
chunk that died is done again from scratch, and the run ends with the totals of a clean run.

"In the middle" is made certain, not hoped for: the test holds a lock on the assessments table, so the
worker's chunk transaction, having read its creators and started writing, waits on it; the test sees
the waiting lock in ``pg_locks`` and kills the worker then."""

import psycopg
import pytest
from django.db import connection, transaction

from benefits.models import Entitlement, GuaranteeCard
from creators.models import AssistantMessage
from levels import jobs, tasks
from levels.models import Assessment, CreatorLevel, JobChunk, JobRun, LevelChange
from tests.builders import AT, creator_at_level
from tests.faults.conftest import database_url, wait_for

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


def test_a_run_survives_a_worker_killed_mid_chunk(settings, broker, start_worker):
    settings.ASSESS_CHUNK_SIZE = 2
    for level in (0, 1, 2, 3, 4, 1, 3):
        creator_at_level(level)
    clean = clean_outcome()
    run, _ = jobs.run_claim(job=JobRun.Job.ASSESS_MONTHLY, key=jobs.level_due(AT).key, period="2026-12", at=AT)
    assert run.chunks.count() == 4

    with psycopg.connect(database_url()) as blocker:
        blocker.execute("LOCK TABLE levels_assessment IN EXCLUSIVE MODE")  # writes wait, reads do not
        first = start_worker(CELERY_VISIBILITY_TIMEOUT=VISIBILITY)
        jobs.run_execute(run, enqueue=tasks.enqueue_after_commit)  # autocommit: sent at once
        wait_for(lambda: waiting_on("levels_assessment"), seconds=30, what="a chunk writing", process=first)
        first.kill()  # SIGKILL to the main process and its pool
        started = JobChunk.objects.get(run=run, index=0)
        assert (started.status, started.attempts) == (JobChunk.Status.PENDING, 1)
        assert not Assessment.objects.exists()
        blocker.rollback()  # the dead worker's transaction gets the lock, finds no client and rolls back

    fresh = start_worker(CELERY_VISIBILITY_TIMEOUT=VISIBILITY)
    wait_for(
        lambda: JobRun.objects.filter(pk=run.pk, status=JobRun.Status.DONE).exists(),
        seconds=60,
        what="the run to finish after the worker was killed",
        process=fresh,
    )

    run.refresh_from_db()
    assert outcome(run) == clean
    redone = JobChunk.objects.get(run=run, index=0)
    assert (redone.status, redone.attempts) == (JobChunk.Status.DONE, 2)  # started twice, done once
    assert set(JobChunk.objects.filter(run=run).values_list("status", flat=True)) == {JobChunk.Status.DONE}
