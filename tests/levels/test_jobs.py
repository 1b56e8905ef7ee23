"""The job machinery's own guarantees: one run per period, crash-safe chunks, the reconciler, beat."""

import threading
from datetime import datetime, timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_celery_beat.models import PeriodicTask

from benefits.models import DouPlusCredit, Entitlement, GuaranteeCard
from benefits.services import grants
from creators.models import AssistantMessage
from levels import jobs, tasks
from levels.models import Assessment, CreatorLevel, JobRun, LevelChange
from lib.periods import TZ
from tests.builders import AT, creator_at_level

Job = JobRun.Job


def ledger() -> dict:
    return {
        "levels": sorted(CreatorLevel.objects.values_list("creator_id", "level")),
        "entitlements": Entitlement.objects.count(),
        "cards": GuaranteeCard.objects.count(),
        "changes": LevelChange.objects.count(),
        "assessments": Assessment.objects.count(),
    }


@pytest.mark.django_db
def test_due_periods_follow_the_schedule():
    now = datetime(2027, 1, 1, 2, 30, tzinfo=TZ)
    assert jobs.due_now(Job.CLOSE_PERIOD, now) == jobs.Due("2026-12", "2026-12", datetime(2027, 1, 1, 1, tzinfo=TZ))
    monthly = jobs.due_now(Job.ASSESS_MONTHLY, now)
    assert (monthly.period, monthly.at) == ("2027-01", datetime(2027, 1, 1, 2, tzinfo=TZ))
    # Before 03:00 on Jan 1st the latest due reward run is the one of 2026-10-01 (for 2026Q3).
    assert jobs.due_now(Job.ASSESS_REWARDS, now).period == "2026Q3"
    assert jobs.due_now(Job.ASSESS_REWARDS, now + timedelta(hours=1)).period == "2026Q4"
    upgrade = jobs.due_now(Job.ASSESS_UPGRADE, now)
    assert (upgrade.period, upgrade.at) == ("2026-12-31", datetime(2026, 12, 31, 4, tzinfo=TZ))


@pytest.mark.django_db
def test_beat_registers_every_schedule_in_shanghai_time():
    registered = {
        t.name: (t.task, t.args, t.crontab.minute, t.crontab.hour, t.crontab.day_of_month, t.crontab.month_of_year,
                 str(t.crontab.timezone))
        for t in PeriodicTask.objects.select_related("crontab")
    }  # fmt: skip
    jobs_registered = {args: cron for _, (task, args, *cron, tz) in registered.items() if task.endswith("job_due")}
    for schedule in jobs.SCHEDULES:
        cron = [schedule.minute, schedule.hour, schedule.day_of_month, schedule.month_of_year]
        assert jobs_registered[f'["{schedule.job}"]'] == cron, schedule.job
    assert registered["reconcile_jobs"][:4] == ("levels.tasks.reconcile", "[]", "30", "*")
    assert {r[-1] for r in registered.values()} == {"Asia/Shanghai"}


@pytest.mark.django_db
def test_beat_task_fans_out_chunks_after_commit_and_finishes_from_the_database(
    settings, django_capture_on_commit_callbacks, monkeypatch
):
    settings.ASSESS_CHUNK_SIZE = 2
    for level in (1, 2, 3, 4, 0):
        creator_at_level(level)
    monkeypatch.setattr(jobs, "due_now", lambda job, now=None: jobs.Due("2026-12", jobs.instant_key(AT), AT))
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        tasks.job_due.apply(args=[Job.ASSESS_MONTHLY])
    assert len(callbacks) >= 1
    run = JobRun.objects.get()
    assert (run.status, run.summary["assessed"], run.chunks.count()) == ("done", 5, 3)
    # A second beat trigger of the same period (two schedulers) finds the run and does nothing.
    before = ledger()
    with django_capture_on_commit_callbacks(execute=True):
        result = tasks.job_due.apply(args=[Job.ASSESS_MONTHLY]).get()
    assert result["created"] is False
    assert ledger() == before


@pytest.mark.django_db
def test_a_chunk_killed_midway_and_rerun_gives_the_same_totals(settings, monkeypatch):
    settings.ASSESS_CHUNK_SIZE = 2
    for level in (3, 4, 2, 1, 3):
        creator_at_level(level)
    expected_levels = {3: 2, 4: 1, 2: 1, 1: 1}  # level → creators

    real_grant = grants.entitlements_grant_level

    def dies_in_second_chunk(**kwargs):
        real_grant(**kwargs)  # the second chunk (levels 2 and 1) writes its LV1 grants…
        if kwargs["level"] == 2:
            raise SystemExit("worker killed")  # …then the process dies

    monkeypatch.setattr(grants, "entitlements_grant_level", dies_in_second_chunk)
    due = jobs.level_due(AT)
    with pytest.raises(SystemExit):
        jobs.trigger(Job.ASSESS_MONTHLY, due=due, inline=True)
    run = JobRun.objects.get()
    assert run.status == "running"
    assert list(run.chunks.order_by("index").values_list("status", flat=True)) == ["done", "pending", "pending"]
    # The killed chunk left nothing behind: only the first chunk's two creators have levels.
    assert CreatorLevel.objects.count() == 2

    monkeypatch.undo()
    jobs.trigger(Job.ASSESS_MONTHLY, due=due, inline=True)  # the operator re-runs the same command
    run.refresh_from_db()
    assert (run.status, run.summary) == ("done", {"assessed": 5, "up": 5, "down": 0, "same": 0})
    levels = list(CreatorLevel.objects.values_list("level", flat=True))
    assert {lv: levels.count(lv) for lv in set(levels)} == expected_levels
    assert GuaranteeCard.objects.count() == 3 + 3 + 4  # two LV3, one LV4: no card twice
    assert LevelChange.objects.count() == 5


@pytest.mark.django_db
def test_reconciler_runs_a_missed_month_once():
    creator = creator_at_level(2)
    now = AT + timedelta(hours=3, minutes=30)  # 05:30 on the 1st: beat was down at 01:00, 02:00 and 04:00
    actions = jobs.reconcile(now=now, inline=True)
    started = {a["job"] for a in actions if a["action"] == "started"}
    assert {Job.CLOSE_PERIOD, Job.ASSESS_MONTHLY, Job.ASSESS_UPGRADE, Job.EXPIRE_CARDS} <= started
    monthly = JobRun.objects.get(job=Job.ASSESS_MONTHLY)
    assert (monthly.period, monthly.at, monthly.status) == ("2026-12", AT, "done")
    assert CreatorLevel.objects.get(creator=creator).level == 2
    before = ledger()
    assert jobs.reconcile(now=now + timedelta(hours=1), inline=True) == []
    assert ledger() == before
    assert JobRun.objects.filter(job=Job.ASSESS_MONTHLY).count() == 1


@pytest.mark.django_db
def test_reconciler_leaves_old_periods_to_operators(settings):
    settings.RECONCILE_HORIZON_HOURS = 48
    now = AT + timedelta(days=5)
    jobs.reconcile(now=now, inline=True)
    assert not JobRun.objects.filter(job=Job.ASSESS_MONTHLY).exists()


@pytest.mark.django_db
def test_reconciler_waits_for_the_monthly_run_before_rewards(monkeypatch):
    quarter_start = datetime(2027, 1, 1, 3, 30, tzinfo=TZ)
    monkeypatch.setattr(jobs, "SCHEDULES", [jobs.SCHEDULE_BY_JOB[Job.ASSESS_REWARDS]])
    assert jobs.reconcile(now=quarter_start, inline=True) == [
        {"job": Job.ASSESS_REWARDS, "period": "2026Q4", "action": "waiting"}
    ]
    jobs.trigger(Job.ASSESS_MONTHLY, due=jobs.due_now(Job.ASSESS_MONTHLY, quarter_start), inline=True)
    assert jobs.reconcile(now=quarter_start, inline=True)[0]["action"] == "started"


@pytest.mark.django_db
def test_reconciler_resumes_a_stuck_run(settings):
    settings.ASSESS_CHUNK_SIZE = 1
    creator_at_level(1)
    creator_at_level(2)
    run, _ = jobs.run_claim(job=Job.ASSESS_MONTHLY, key="stuck", period="2026-12", at=AT)
    JobRun.objects.filter(pk=run.pk).update(heartbeat_at=AT - timedelta(hours=2))
    actions = jobs.reconcile(now=AT + timedelta(days=10), inline=True)
    assert {"job": Job.ASSESS_MONTHLY, "period": "2026-12", "action": "resumed"} in actions
    run.refresh_from_db()
    assert run.status == "done"


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_triggers_give_one_run():
    for level in (1, 2, 3):
        creator_at_level(level)
    barrier = threading.Barrier(2)
    results: list = []
    errors: list = []

    def trigger() -> None:
        from django.db import connections

        try:
            barrier.wait()
            _, created = jobs.trigger(Job.ASSESS_MONTHLY, due=jobs.level_due(AT), inline=True)
            results.append(created)
        except Exception as exc:  # pragma: no cover - surfaced by the assertion below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=trigger) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert sorted(results) == [False, True]
    assert JobRun.objects.count() == 1
    assert GuaranteeCard.objects.count() == 3
    assert LevelChange.objects.count() == 3


def _queries_for_one_chunk(new_creators: int) -> int:
    for i in range(new_creators):
        creator_at_level(i % 5)
    run, _ = jobs.run_claim(job=Job.ASSESS_MONTHLY, key=f"q{new_creators}", period="2026-12", at=AT)
    with CaptureQueriesContext(connection) as captured:
        jobs.chunk_process(run.chunks.get().pk)
    return len(captured)


@pytest.mark.django_db
def test_a_chunk_takes_the_same_number_of_queries_for_5_or_55_creators(settings):
    settings.ASSESS_CHUNK_SIZE = 1000
    assert _queries_for_one_chunk(5) == _queries_for_one_chunk(50)


JOB_COMMANDS = [
    ("assess_levels", "--at", AT.isoformat(), "--mode", "monthly"),
    ("assess_levels", "--at", (AT + timedelta(days=3)).isoformat(), "--mode", "upgrade"),
    ("assess_rewards", "--cycle", "2026Q4", "--at", "2027-01-01T03:00:00+08:00"),
    ("close_period", "--period", "2026-12"),
    ("expire_cards", "--at", (AT + timedelta(days=181)).isoformat()),
    ("warn_at_risk", "--at", (AT + timedelta(days=20)).isoformat()),
    ("settle_entries", "--at", (AT + timedelta(days=20)).isoformat()),
    ("reconcile_jobs", "--at", (AT + timedelta(hours=4)).isoformat()),
]


@pytest.mark.django_db
@pytest.mark.parametrize("command", JOB_COMMANDS, ids=[" ".join(c[:1] + c[-1:]) for c in JOB_COMMANDS])
def test_every_job_command_run_twice_adds_nothing(command):
    for level in (1, 2, 3, 4):
        creator_at_level(level)
    # A history to work on: levels and grants of the month, then the command under test.
    call_command("assess_levels", "--at", AT.isoformat(), stdout=StringIO(), stderr=StringIO())
    call_command(*command, stdout=StringIO(), stderr=StringIO())
    before = ledger() | {"messages": AssistantMessage.objects.count(), "credits": DouPlusCredit.objects.count(),
                         "card_states": sorted(GuaranteeCard.objects.values_list("status", flat=True))}  # fmt: skip
    call_command(*command, stdout=StringIO(), stderr=StringIO())
    after = ledger() | {"messages": AssistantMessage.objects.count(), "credits": DouPlusCredit.objects.count(),
                        "card_states": sorted(GuaranteeCard.objects.values_list("status", flat=True))}  # fmt: skip
    assert after == before
