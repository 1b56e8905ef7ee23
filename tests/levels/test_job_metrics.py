"""The jobs' Prometheus metrics (levels/job_metrics.py): runs started and finished by job and status, chunk
durations and failures by job, counted where the work happens."""

import pytest
from prometheus_client import REGISTRY

from levels import jobs
from levels.models import JobRun
from tests.builders import AT, creator_at_level
from tests.levels.test_jobs import fail_chunk_of

Job = JobRun.Job


def value(name: str, **labels) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


def snapshot(job: str) -> dict[str, float]:
    return {
        "started": value("xingtu_job_runs_started_total", job=job),
        "done": value("xingtu_job_runs_finished_total", job=job, status="done"),
        "failed": value("xingtu_job_runs_finished_total", job=job, status="failed"),
        "chunks": value("xingtu_job_chunk_duration_seconds_count", job=job),
        "chunk_seconds": value("xingtu_job_chunk_duration_seconds_sum", job=job),
        "chunk_failures": value("xingtu_job_chunk_failures_total", job=job),
    }


def delta(before: dict, after: dict) -> dict:
    return {key: after[key] - before[key] for key in before}


@pytest.mark.django_db
def test_a_chunked_run_counts_its_start_chunks_and_end(settings):
    settings.ASSESS_CHUNK_SIZE = 2
    for level in (1, 2, 3):
        creator_at_level(level)
    before = snapshot(Job.ASSESS_MONTHLY)

    run, created = jobs.trigger(Job.ASSESS_MONTHLY, due=jobs.level_due(AT))
    jobs.trigger(Job.ASSESS_MONTHLY, due=jobs.level_due(AT))  # the same run again: nothing more

    assert created and run.status == "done"
    change = delta(before, snapshot(Job.ASSESS_MONTHLY))
    assert change.pop("chunk_seconds") > 0
    assert change == {"started": 1, "done": 1, "failed": 0, "chunks": 2, "chunk_failures": 0}
    assert value("xingtu_job_chunk_duration_seconds_bucket", job=Job.ASSESS_MONTHLY, le="+Inf") >= 2


@pytest.mark.django_db
def test_a_single_step_run_counts_its_start_and_end():
    before = snapshot(Job.EXPIRE_CARDS)
    jobs.trigger(Job.EXPIRE_CARDS, due=jobs.daily_due(AT))
    change = delta(before, snapshot(Job.EXPIRE_CARDS))
    assert change == {"started": 1, "done": 1, "failed": 0, "chunks": 0, "chunk_seconds": 0, "chunk_failures": 0}


@pytest.mark.django_db
def test_failed_attempts_and_a_failed_run_are_counted(settings, monkeypatch):
    settings.ASSESS_CHUNK_SIZE, settings.JOB_CHUNK_MAX_ATTEMPTS = 10, 2
    fail_chunk_of(monkeypatch, creator_at_level(2).pk)
    before = snapshot(Job.ASSESS_MONTHLY)

    with pytest.raises(RuntimeError):
        jobs.trigger(Job.ASSESS_MONTHLY, due=jobs.level_due(AT))
    run, _ = jobs.trigger(Job.ASSESS_MONTHLY, due=jobs.level_due(AT))

    assert run.status == "failed"
    change = delta(before, snapshot(Job.ASSESS_MONTHLY))
    assert change == {"started": 1, "done": 0, "failed": 1, "chunks": 0, "chunk_seconds": 0, "chunk_failures": 2}
