"""The job machinery's own guarantees: one run per period, crash-safe chunks, the reconciler, beat."""

import json
import threading
from datetime import datetime, timedelta
from io import StringIO

import pytest
from celery.schedules import crontab
from django.apps import apps as django_apps
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_celery_beat.models import CrontabSchedule, PeriodicTask

from benefits.models import DouPlusCredit, Entitlement, GuaranteeCard
from benefits.services import grants
from creators.models import AssistantMessage
from levels import jobs, schedule, services, tasks
from levels.models import Assessment, CreatorLevel, JobChunk, JobRun, LevelChange
from levels.retention import PRUNE_ENTRY
from lib.periods import TZ, local
from square.listing import REFRESH_ENTRY as SQUARE_ENTRY
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


def test_due_periods_follow_the_schedule():
    now = datetime(2027, 1, 1, 2, 30, tzinfo=TZ)
    close = schedule.due_now(Job.CLOSE_PERIOD, now)
    assert close == schedule.Due("2026-12", "2026-12", datetime(2027, 1, 1, 1, tzinfo=TZ))
    monthly = schedule.due_now(Job.ASSESS_MONTHLY, now)
    assert (monthly.period, monthly.at) == ("2027-01", datetime(2027, 1, 1, 2, tzinfo=TZ))
    # Before 03:00 on Jan 1st the latest due reward run is the one of 2026-10-01 (for 2026Q3).
    assert schedule.due_now(Job.ASSESS_REWARDS, now).period == "2026Q3"
    assert schedule.due_now(Job.ASSESS_REWARDS, now + timedelta(hours=1)).period == "2026Q4"
    upgrade = schedule.due_now(Job.ASSESS_UPGRADE, now)
    assert (upgrade.period, upgrade.at) == ("2026-12-31", datetime(2026, 12, 31, 4, tzinfo=TZ))


@pytest.mark.parametrize("job_schedule", schedule.SCHEDULES, ids=lambda s: s.job)
def test_a_job_is_due_at_the_latest_tick_of_the_crontab_beat_runs_it_on(job_schedule):
    """The run a job claims is the one of beat's latest tick, checked with Celery's own crontab
    arithmetic at instants spread over two years (odd steps, so every hour and weekday comes up). It
    measures at that tick, except a job measured when it runs (the warning), which measures at now."""
    cron = job_schedule.cron
    beat = crontab(cron.minute, cron.hour, "*", cron.day_of_month, cron.month_of_year)
    start = datetime(2026, 12, 25, 7, 11, tzinfo=TZ)
    for step in range(0, 2 * 366 * 24 * 60, 7 * 60 + 13):
        now = start + timedelta(minutes=step)
        due = job_schedule.due(now)
        assert due.at == (now if job_schedule.measured_when_run else due.tick)
        at = local(due.tick)
        fields = (at.month, at.day, at.hour, at.minute, at.second)
        ticks = (beat.month_of_year, beat.day_of_month, beat.hour, beat.minute, {0})
        assert all(value in allowed for value, allowed in zip(fields, ticks, strict=True)), at
        last, until_next, _ = beat.remaining_delta(at, tz=TZ)
        assert at <= now < last + until_next, (now, at)


# What databases registered before the schedule had one definition: changing a name, a task, its
# arguments or its crontab needs a migration that runs ``beat_schedule_sync`` again.
REGISTERED = {
    "expire_cards": ("levels.tasks.job_due", ["expire_cards"], "10 0 * *"),
    "close_period": ("levels.tasks.job_due", ["close_period"], "0 1 1 *"),
    "assess_levels monthly": ("levels.tasks.job_due", ["assess_monthly"], "0 2 1 *"),
    "assess_rewards": ("levels.tasks.job_due", ["assess_rewards"], "0 3 1 1,4,7,10"),
    "assess_levels upgrade": ("levels.tasks.job_due", ["assess_upgrade"], "0 4 * *"),
    "compute_index": ("levels.tasks.job_due", ["compute_index"], "0 5 * *"),
    "settle_entries": ("levels.tasks.job_due", ["settle_entries"], "30 5 * *"),
    "warn_at_risk": ("levels.tasks.job_due", ["warn_at_risk"], "0 9 * *"),
    "reconcile_jobs": ("levels.tasks.reconcile", [], "30 * * *"),
    "dispatch_waiting_runs": ("levels.tasks.dispatch_waiting", [], "*/2 * * *"),
}


def beat_rows() -> dict:
    return {
        t.name: (
            t.task,
            json.loads(t.args),
            (t.crontab.minute, t.crontab.hour, t.crontab.day_of_month, t.crontab.month_of_year, t.crontab.day_of_week),
            str(t.crontab.timezone),
            t.enabled,
        )
        for t in PeriodicTask.objects.select_related("crontab")
    }


@pytest.mark.django_db
def test_beat_holds_exactly_the_schedule_in_shanghai_time():
    defined = {
        e.name: (
            e.task,
            list(e.args),
            (e.cron.minute, e.cron.hour, e.cron.day_of_month, e.cron.month_of_year, "*"),
            "Asia/Shanghai",
            True,
        )
        for e in schedule.BEAT
    }
    # Beside them, the entries of their own migrations: the square's refresh (square/0002,
    # tests/square/test_listing.py) and the retention run (levels/0012, tests/levels/test_retention.py).
    assert {name: row for name, row in beat_rows().items() if name not in {SQUARE_ENTRY, PRUNE_ENTRY}} == defined
    assert {name: (task, args, " ".join(cron[:4])) for name, (task, args, cron, _, _) in defined.items()} == REGISTERED
    assert {tasks.job_due.name, tasks.reconcile.name, tasks.dispatch_waiting.name} == {
        schedule.JOB_TASK,
        schedule.RECONCILE_TASK,
        schedule.DISPATCH_TASK,
    }


@pytest.mark.django_db
def test_beat_schedule_sync_puts_back_a_changed_entry_and_adds_nothing_twice():
    before = beat_rows()
    crontabs = CrontabSchedule.objects.count()
    PeriodicTask.objects.filter(name="close_period").update(
        enabled=False, args="[]", crontab=CrontabSchedule.objects.create(minute="5", timezone="Asia/Shanghai")
    )
    PeriodicTask.objects.filter(name="warn_at_risk").delete()
    schedule.beat_schedule_sync(django_apps)
    schedule.beat_schedule_sync(django_apps)
    assert beat_rows() == before
    assert CrontabSchedule.objects.count() == crontabs + 1  # the stray one, now unused


@pytest.fixture
def enqueued(monkeypatch) -> list[tuple[str, int]]:
    """Every task ``levels.tasks`` sends, as (task name, id), in order; the tasks still run (eagerly)."""
    sent: list[tuple[str, int]] = []
    for task in (tasks.chunk_run, tasks.run_step):

        def delay(pk: int, task=task, send=task.delay):
            sent.append((task.name, pk))
            return send(pk)

        monkeypatch.setattr(task, "delay", delay)
    return sent


def chunks_of(run: JobRun) -> list[tuple[str, int]]:
    return [(tasks.chunk_run.name, pk) for pk in run.chunks.order_by("index").values_list("pk", flat=True)]


@pytest.mark.django_db
def test_beat_task_fans_out_chunks_after_commit_and_finishes_from_the_database(
    settings, django_capture_on_commit_callbacks, monkeypatch, enqueued
):
    settings.ASSESS_CHUNK_SIZE = 2
    for level in (1, 2, 3, 4, 0):
        creator_at_level(level)
    monkeypatch.setattr(schedule, "due_now", lambda job, now: schedule.Due("2026-12", schedule.instant_key(AT), AT))
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        tasks.job_due.apply(args=[Job.ASSESS_MONTHLY])
    assert enqueued == []  # nothing leaves before the run and its chunks are committed
    assert len(callbacks) == 1
    callbacks[0]()
    run = JobRun.objects.get()
    assert len(enqueued) == 3
    assert enqueued == chunks_of(run)  # one task per chunk, each chunk once, in order
    assert (run.status, run.summary["assessed"], run.chunks.count()) == ("done", 5, 3)
    # A second beat trigger of the same period (two schedulers) finds the run and does nothing.
    before = ledger()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        result = tasks.job_due.apply(args=[Job.ASSESS_MONTHLY]).get()
    assert result["created"] is False
    assert (callbacks, len(enqueued), ledger()) == ([], 3, before)


@pytest.mark.django_db
def test_reconcile_task_sends_each_started_run_to_the_workers_after_commit(
    settings, django_capture_on_commit_callbacks, monkeypatch, enqueued
):
    settings.ASSESS_CHUNK_SIZE = 2
    for level in (1, 2, 3):
        creator_at_level(level)
    now = AT + timedelta(hours=3, minutes=30)  # 05:30 on the 1st: beat was down all night
    monkeypatch.setattr(timezone, "now", lambda: now)  # one clock for the task, heartbeats and staleness
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        actions = tasks.reconcile.apply().get()
    assert enqueued == []
    for callback in callbacks:
        callback()
    runs = list(JobRun.objects.order_by("pk"))
    # Every schedule but the quarter's rewards (last due on Oct 1st, beyond the horizon) was started.
    assert [(a["job"], a["action"]) for a in actions] == [(r.job, "started") for r in runs]
    assert {r.job for r in runs} == {s.job for s in schedule.SCHEDULES} - {Job.ASSESS_REWARDS}
    # A single-step run is one run_step; a chunked one a chunk_run per chunk (two here).
    expected = [e for r in runs for e in (chunks_of(r) if r.job in jobs.CHUNKED else [(tasks.run_step.name, r.pk)])]
    assert enqueued == expected
    assert len(enqueued) == 4 * 2 + 3  # monthly, upgrade, warning and index chunked; three single steps
    assert {r.status for r in JobRun.objects.all()} == {"done"}


@pytest.mark.django_db
def test_reconcile_task_resumes_a_stuck_run_by_sending_only_its_pending_chunks(
    settings, django_capture_on_commit_callbacks, monkeypatch, enqueued
):
    settings.ASSESS_CHUNK_SIZE = 1
    for level in (1, 2, 3):
        creator_at_level(level)
    run, _ = jobs.run_claim(job=Job.ASSESS_MONTHLY, key="stuck", period="2026-12", at=AT)
    done, *pending = chunks_of(run)
    jobs.chunk_process(done[1])
    JobRun.objects.filter(pk=run.pk).update(heartbeat_at=AT - timedelta(hours=2))
    monkeypatch.setattr(schedule, "SCHEDULES", [])  # nothing new is due: only the resumption
    monkeypatch.setattr(timezone, "now", lambda: AT + timedelta(days=10))
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.reconcile.apply().get() == [{"job": Job.ASSESS_MONTHLY, "period": "2026-12", "action": "resumed"}]
    assert enqueued == pending
    run.refresh_from_db()
    assert (run.status, run.summary["assessed"]) == ("done", 3)


@pytest.mark.django_db
def test_a_chunk_killed_midway_and_rerun_gives_the_same_totals(settings, monkeypatch):
    settings.ASSESS_CHUNK_SIZE = 2
    for level in (3, 4, 2, 1, 3):
        creator_at_level(level)
    expected_levels = {3: 2, 4: 1, 2: 1, 1: 1}  # level → creators

    real_grant = grants.entitlements_grant_levels

    def dies_in_second_chunk(**kwargs):
        real_grant(**kwargs)  # the second chunk (levels 2 and 1) writes its grants…
        if kwargs["by_level"][2].exists():
            raise SystemExit("worker killed")  # …then the process dies

    monkeypatch.setattr(grants, "entitlements_grant_levels", dies_in_second_chunk)
    due = jobs.level_due(AT)
    with pytest.raises(SystemExit):
        jobs.trigger(Job.ASSESS_MONTHLY, due=due)
    run = JobRun.objects.get()
    assert run.status == "running"
    assert list(run.chunks.order_by("index").values_list("status", flat=True)) == ["done", "pending", "pending"]
    # The killed chunk left nothing behind: only the first chunk's two creators have levels.
    assert CreatorLevel.objects.count() == 2

    monkeypatch.undo()
    jobs.trigger(Job.ASSESS_MONTHLY, due=due)  # the operator re-runs the same command
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
    actions = jobs.reconcile(now=now)
    started = {a["job"] for a in actions if a["action"] == "started"}
    assert {Job.CLOSE_PERIOD, Job.ASSESS_MONTHLY, Job.ASSESS_UPGRADE, Job.EXPIRE_CARDS} <= started
    monthly = JobRun.objects.get(job=Job.ASSESS_MONTHLY)
    assert (monthly.period, monthly.at, monthly.status) == ("2026-12", AT, "done")
    assert CreatorLevel.objects.get(creator=creator).level == 2
    before = ledger()
    assert jobs.reconcile(now=now + timedelta(hours=1)) == []
    assert ledger() == before
    assert JobRun.objects.filter(job=Job.ASSESS_MONTHLY).count() == 1


@pytest.mark.django_db
def test_reconciler_leaves_old_periods_to_operators(settings):
    settings.RECONCILE_HORIZON_HOURS = 48
    now = AT + timedelta(days=5)
    jobs.reconcile(now=now)
    assert not JobRun.objects.filter(job=Job.ASSESS_MONTHLY).exists()


@pytest.mark.django_db
def test_reconciler_waits_for_the_monthly_run_before_rewards(monkeypatch):
    quarter_start = datetime(2027, 1, 1, 3, 30, tzinfo=TZ)
    monkeypatch.setattr(schedule, "SCHEDULES", [schedule.SCHEDULE_BY_JOB[Job.ASSESS_REWARDS]])
    assert jobs.reconcile(now=quarter_start) == [{"job": Job.ASSESS_REWARDS, "period": "2026Q4", "action": "waiting"}]
    jobs.trigger(Job.ASSESS_MONTHLY, due=schedule.due_now(Job.ASSESS_MONTHLY, quarter_start))
    assert jobs.reconcile(now=quarter_start)[0]["action"] == "started"


@pytest.mark.django_db
def test_reconciler_resumes_a_stuck_run(settings):
    settings.ASSESS_CHUNK_SIZE = 1
    creator_at_level(1)
    creator_at_level(2)
    run, _ = jobs.run_claim(job=Job.ASSESS_MONTHLY, key="stuck", period="2026-12", at=AT)
    JobRun.objects.filter(pk=run.pk).update(heartbeat_at=AT - timedelta(hours=2))
    actions = jobs.reconcile(now=AT + timedelta(days=10))
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
            _, created = jobs.trigger(Job.ASSESS_MONTHLY, due=jobs.level_due(AT))
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


def _queries_for_one_chunk(new_creators: int, *, job: str = Job.ASSESS_MONTHLY, held: int | None = None) -> int:
    """Queries of one chunk over ``new_creators`` more creators qualifying for levels 0–4 — new, or all
    holding ``held`` since last month (so they fall, are cancelled, lapse)."""
    for i in range(new_creators):
        creator = creator_at_level(i % 5)
        if held is not None:
            CreatorLevel.objects.create(creator=creator, level=held, since=AT - timedelta(days=30))
    period = "2026-12" if job == Job.ASSESS_MONTHLY else "2026-12-01"
    run, _ = jobs.run_claim(job=job, key=f"q{new_creators}", period=period, at=AT)
    with CaptureQueriesContext(connection) as captured:
        jobs.chunk_process(run.chunks.get().pk)
    return len(captured)


@pytest.mark.django_db
def test_a_chunk_takes_the_same_number_of_queries_for_5_or_55_creators(settings):
    settings.ASSESS_CHUNK_SIZE = 1000
    assert _queries_for_one_chunk(5) == _queries_for_one_chunk(50)


@pytest.mark.django_db
def test_a_chunk_of_falls_takes_the_same_number_of_queries_for_5_or_55_creators(settings):
    settings.ASSESS_CHUNK_SIZE = 1000
    assert _queries_for_one_chunk(5, held=4) == _queries_for_one_chunk(50, held=4)


@pytest.mark.django_db
def test_an_upgrade_chunk_takes_the_same_number_of_queries_for_5_or_55_creators(settings):
    settings.ASSESS_CHUNK_SIZE = 1000
    few = _queries_for_one_chunk(5, job=Job.ASSESS_UPGRADE)
    assert few == _queries_for_one_chunk(50, job=Job.ASSESS_UPGRADE)


@pytest.mark.django_db
def test_the_plan_step_gathers_stale_statistics_of_what_the_chunks_read(monkeypatch):
    asked: list[list[str]] = []
    monkeypatch.setattr(jobs, "analyze_stale", asked.append)
    creator_at_level(1)
    jobs.run_claim(job=Job.ASSESS_MONTHLY, key="stats", period="2026-12", at=AT)
    assert len(asked) == 1
    assert {"creators_content", "creators_order", "academy_courseprogress", "levels_creatorlevel"} <= set(asked[0])


JOB_COMMANDS = [
    ("assess_levels", "--at", AT.isoformat(), "--mode", "monthly"),
    ("assess_levels", "--at", (AT + timedelta(days=3)).isoformat(), "--mode", "upgrade"),
    ("assess_rewards", "--cycle", "2026Q4", "--at", "2027-01-01T03:00:00+08:00"),
    ("close_period", "--period", "2026-12"),
    ("expire_cards", "--at", (AT + timedelta(days=181)).isoformat()),
    ("warn_at_risk", "--at", (AT + timedelta(days=20)).isoformat()),
    ("settle_entries", "--at", (AT + timedelta(days=20)).isoformat()),
    ("compute_index", "--at", (AT + timedelta(hours=3)).isoformat()),
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


# --- failed chunks, resuming, who started a run --------------------------------------------------


def fail_chunk_of(monkeypatch, creator_id: int) -> list[int]:
    """Make the chunk holding ``creator_id`` raise on every attempt; returns the attempts' first ids."""
    real, tried = services.run_chunk, []

    def run_chunk(**kwargs):
        if kwargs["first_id"] <= creator_id <= kwargs["last_id"]:
            tried.append(kwargs["first_id"])
            raise RuntimeError("feed unavailable")
        return real(**kwargs)

    monkeypatch.setattr(services, "run_chunk", run_chunk)
    return tried


@pytest.mark.django_db
def test_a_chunk_failing_every_attempt_fails_with_its_run_then_resumes(
    settings, monkeypatch, django_capture_on_commit_callbacks
):
    settings.ASSESS_CHUNK_SIZE, settings.JOB_CHUNK_MAX_ATTEMPTS = 1, 3
    creators = [creator_at_level(level) for level in (1, 2, 3)]
    tried = fail_chunk_of(monkeypatch, creators[1].pk)
    with django_capture_on_commit_callbacks(execute=True):  # Celery (eager here) retries the failing chunk
        run, _ = jobs.trigger(Job.ASSESS_MONTHLY, due=jobs.level_due(AT), enqueue=tasks.enqueue_after_commit)
    run.refresh_from_db()
    chunks = list(run.chunks.order_by("index").values_list("status", "attempts", "error"))
    assert chunks == [("done", 1, ""), ("failed", 3, "RuntimeError: feed unavailable"), ("done", 1, "")]
    assert len(tried) == 3  # and not a fourth time
    assert run.status == "failed" and run.finished_at is not None
    assert run.error.startswith("chunk 1 ") and run.error.endswith("after 3 attempts: RuntimeError: feed unavailable")
    assert CreatorLevel.objects.count() == 2
    # Nothing retries it on its own: beat's repeat trigger and the reconciler leave it failed.
    jobs.trigger(Job.ASSESS_MONTHLY, due=jobs.level_due(AT))
    assert len(tried) == 3

    monkeypatch.undo()
    assert jobs.run_reopen(run.pk, now=timezone.now()) is True
    assert jobs.run_reopen(run.pk, now=timezone.now()) is False  # once
    assert list(run.chunks.order_by("index").values_list("status", "attempts")) == [
        ("done", 1),
        ("pending", 0),
        ("done", 1),
    ]
    with django_capture_on_commit_callbacks(execute=True):
        jobs.run_execute(run, enqueue=tasks.enqueue_after_commit)
    run.refresh_from_db()
    assert (run.status, run.error, run.summary["assessed"]) == ("done", "", 3)
    assert CreatorLevel.objects.count() == 3


@pytest.mark.django_db
def test_a_failing_chunk_is_retried_until_its_attempts_are_used(settings, monkeypatch):
    """Below the limit the error is kept on the chunk and raised, so the command (or Celery) retries."""
    settings.ASSESS_CHUNK_SIZE, settings.JOB_CHUNK_MAX_ATTEMPTS = 10, 2
    creator = creator_at_level(2)
    fail_chunk_of(monkeypatch, creator.pk)
    with pytest.raises(RuntimeError):
        jobs.trigger(Job.ASSESS_MONTHLY, due=jobs.level_due(AT))
    chunk = JobChunk.objects.get()
    assert (chunk.status, chunk.attempts, chunk.error, chunk.run.status) == (
        "pending",
        1,
        "RuntimeError: feed unavailable",
        "running",
    )
    run, _ = jobs.trigger(Job.ASSESS_MONTHLY, due=jobs.level_due(AT))  # the second attempt is the last
    chunk.refresh_from_db()
    assert (chunk.status, chunk.attempts, run.status) == ("failed", 2, "failed")


@pytest.mark.django_db
def test_reconciler_leaves_a_failed_run_alone(monkeypatch):
    run, _ = jobs.run_claim(job=Job.ASSESS_MONTHLY, key="failed", period="2026-12", at=AT)
    JobRun.objects.filter(pk=run.pk).update(status="failed", error="x", heartbeat_at=AT - timedelta(hours=2))
    monkeypatch.setattr(schedule, "SCHEDULES", [])
    assert jobs.reconcile(now=AT + timedelta(days=1)) == []
    run.refresh_from_db()
    assert (run.status, run.heartbeat_at) == ("failed", AT - timedelta(hours=2))


@pytest.mark.django_db(transaction=True)
def test_two_reconcilers_resume_a_stale_run_once(monkeypatch):
    """Both reconcilers list the run as stuck and meet at the barrier before claiming it: the
    conditional update gives it to one of them."""
    creator_at_level(1)
    run, _ = jobs.run_claim(job=Job.ASSESS_MONTHLY, key="stale", period="2026-12", at=AT)
    JobRun.objects.filter(pk=run.pk).update(heartbeat_at=AT - timedelta(hours=2))
    monkeypatch.setattr(schedule, "SCHEDULES", [])
    barrier = threading.Barrier(2)
    real_take_over = jobs.run_take_over

    def take_over(run_id, **kwargs):
        barrier.wait(timeout=10)
        return real_take_over(run_id, **kwargs)

    monkeypatch.setattr(jobs, "run_take_over", take_over)
    sent: list = []
    actions: list = []
    errors: list = []

    def reconcile() -> None:
        from django.db import connections

        try:
            actions.extend(jobs.reconcile(now=AT + timedelta(days=1), enqueue=sent.append))
        except Exception as exc:  # pragma: no cover - surfaced by the assertion below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=reconcile) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert actions == [{"job": Job.ASSESS_MONTHLY, "period": "2026-12", "action": "resumed"}]
    assert sent == [jobs.Work(run.pk, chunk_ids=tuple(run.chunks.values_list("pk", flat=True)))]


@pytest.mark.django_db
def test_every_run_records_who_started_it(monkeypatch):
    now = AT + timedelta(hours=3, minutes=30)
    monkeypatch.setattr(timezone, "now", lambda: now)
    tasks.job_due.apply(args=[Job.ASSESS_MONTHLY])
    jobs.reconcile(now=now)
    call_command("close_period", "--period", "2026-10", stdout=StringIO(), stderr=StringIO())
    started_by = dict(JobRun.objects.values_list("job", "started_by"))
    assert started_by[Job.ASSESS_MONTHLY] == "beat"
    assert started_by[Job.EXPIRE_CARDS] == started_by[Job.ASSESS_UPGRADE] == "reconciler"
    assert JobRun.objects.get(period="2026-10").started_by == "command"
