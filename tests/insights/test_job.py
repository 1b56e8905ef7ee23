"""``compute_index`` as a job of the job-run table (interfaces §2): beat's 05:00 run of each day, chunks
ranked together once the last is staged, the reconciler catching up a missed day, a failed chunk
publishing nothing until the run is resumed, and the command with ``--json``, ``--dry-run`` and
``--creator``."""

import json
from datetime import datetime, timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from insights.models import DailyIndex, IndexStage
from insights.selectors import INDEX_FIELDS
from levels import jobs, schedule, services, tasks
from levels.models import JobRun
from lib.periods import TZ

from .test_services import D, T, active

pytestmark = pytest.mark.django_db
Job = JobRun.Job


def index_rows() -> list[tuple]:
    return list(DailyIndex.objects.order_by("date", "creator_id").values_list("creator_id", "date", *INDEX_FIELDS))


def test_the_days_run_is_due_at_0500_shanghai_time_and_belongs_to_the_date():
    due = schedule.due_now(Job.COMPUTE_INDEX, datetime(2026, 12, 1, 4, 59, tzinfo=TZ))
    assert (due.period, due.at) == ("2026-11-30", datetime(2026, 11, 30, 5, tzinfo=TZ))
    due = schedule.due_now(Job.COMPUTE_INDEX, datetime(2026, 12, 1, 23, 0, tzinfo=TZ))
    assert (due.period, due.at) == ("2026-12-01", T)


def test_beat_runs_the_day_in_chunks_and_ranks_them_together(settings, monkeypatch, django_capture_on_commit_callbacks):
    made = [active(n) for n in range(1, 8)]
    # The same day computed in one chunk, for comparison.
    settings.ASSESS_CHUNK_SIZE = 100
    jobs.trigger(Job.COMPUTE_INDEX, due=jobs.daily_due(T, [c.pk for c in made]), creator_ids=[c.pk for c in made])
    one_chunk = index_rows()

    DailyIndex.objects.all().delete()
    settings.ASSESS_CHUNK_SIZE = 2
    monkeypatch.setattr(timezone, "now", lambda: T + timedelta(minutes=1))
    with django_capture_on_commit_callbacks(execute=True):
        tasks.job_due.apply(args=[Job.COMPUTE_INDEX])
    run = JobRun.objects.get(job=Job.COMPUTE_INDEX, creator_ids__isnull=True)
    assert (run.period, run.at, run.status, run.started_by) == ("2026-12-01", T, "done", "beat")
    assert run.chunks.count() == 4
    assert run.summary == {"assessed": 7, "indexed": 7}
    assert index_rows() == one_chunk  # percentiles over the whole day, not per chunk


def test_the_reconciler_runs_a_missed_day_once(monkeypatch):
    active(1)
    monkeypatch.setattr(schedule, "SCHEDULES", [schedule.SCHEDULE_BY_JOB[Job.COMPUTE_INDEX]])
    now = T + timedelta(hours=1, minutes=30)  # 06:30: beat was down at 05:00
    assert jobs.reconcile(now=now) == [{"job": Job.COMPUTE_INDEX, "period": "2026-12-01", "action": "started"}]
    run = JobRun.objects.get()
    assert (run.at, run.status, run.started_by) == (T, "done", "reconciler")  # measured at its tick
    assert jobs.reconcile(now=now + timedelta(hours=1)) == []
    assert DailyIndex.objects.filter(date=D).count() == 1


def test_a_failed_chunk_publishes_nothing_until_the_run_is_resumed(settings, monkeypatch):
    settings.ASSESS_CHUNK_SIZE, settings.JOB_CHUNK_MAX_ATTEMPTS = 1, 1
    made = [active(n) for n in range(1, 4)]
    real = services.run_chunk
    monkeypatch.setattr(services, "run_chunk", lambda **kw: 1 / 0 if kw["first_id"] == made[1].pk else real(**kw))
    run, _ = jobs.trigger(Job.COMPUTE_INDEX, due=jobs.daily_due(T))
    assert run.status == "failed"
    assert not DailyIndex.objects.exists()

    monkeypatch.setattr(services, "run_chunk", real)
    jobs.run_reopen(run.pk, now=timezone.now())
    run.refresh_from_db()
    jobs.run_execute(run, enqueue=None)
    run.refresh_from_db()
    assert (run.status, run.summary) == ("done", {"assessed": 3, "indexed": 3})
    assert (DailyIndex.objects.count(), IndexStage.objects.count()) == (3, 0)


def command(*args: str) -> tuple[list[dict], str]:
    out, err = StringIO(), StringIO()
    call_command("compute_index", "--at", T.isoformat(), *args, stdout=out, stderr=err)
    return [json.loads(line) for line in out.getvalue().splitlines()], err.getvalue()


def test_the_command_prints_each_creators_index_then_a_summary_and_runs_once():
    made = [active(n) for n in range(1, 4)]
    lines, _ = command("--json")
    assert lines[-1] == {"summary": {"assessed": 3, "indexed": 3}}
    assert [line["creator"] for line in lines[:-1]] == [c.external_id for c in made]
    assert set(lines[0]) == {"creator", "date", "composite", *INDEX_FIELDS[1:]}
    assert lines[0]["date"] == "2026-12-01"

    again, err = command("--json")
    assert again == lines
    assert "already done" in err
    assert JobRun.objects.filter(job=Job.COMPUTE_INDEX).count() == 1
    plain, _ = command()
    assert plain == [{"at": T.isoformat(), "date": "2026-12-01", "assessed": 3, "indexed": 3}]


def test_a_dry_run_prints_what_a_run_would_write_and_writes_nothing():
    for n in range(1, 4):
        active(n)
    dry, _ = command("--dry-run", "--json")
    assert (DailyIndex.objects.count(), JobRun.objects.count()) == (0, 0)
    real, _ = command("--json")
    assert dry == real


def test_a_run_limited_to_a_creator_has_its_own_key_and_reranks_the_day():
    made = [active(n) for n in range(1, 4)]
    command()
    lines, _ = command("--json", "--creator", made[0].external_id)
    assert [line["creator"] for line in lines[:-1]] == [made[0].external_id]
    assert lines[-1] == {"summary": {"assessed": 1, "indexed": 3}}
    assert JobRun.objects.filter(job=Job.COMPUTE_INDEX).count() == 2
