"""The demo's history is dated as the jobs would have dated it (``demo.history``): every run ``seed_demo``
makes is at a tick of its own job's beat schedule (``levels.schedule``) — the monthly assessment at 02:00
on the 1st, the at-risk warning at 09:00 — and so is every level-history row and message it writes;
none is dated at the instant the demo was seeded."""

import io
from datetime import date, datetime, timedelta

import pytest
from django.core.management import call_command

from creators.models import AssistantMessage, Creator
from demo.history import reference_time, replayed_runs
from insights.models import DailyIndex
from insights.selectors import index_series
from levels import jobs
from levels.models import JobRun, LevelChange
from levels.schedule import SCHEDULE_BY_JOB
from lib.periods import local

from .test_feed import AT_DT, REF_DT

Job = JobRun.Job


def is_tick(job: str, at: datetime) -> bool:
    return SCHEDULE_BY_JOB[job].cron.latest_tick(at) == at


def seed(at: datetime, creators: int = 12) -> None:
    call_command("seed_demo", f"--creators={creators}", f"--at={at.isoformat()}", "--demo-logins", stdout=io.StringIO())


# --- the reference instant and the runs, no database ----------------------------------------------------


def test_the_feeds_reference_for_its_instant_is_the_months_monthly_assessment():
    assert reference_time(AT_DT) == REF_DT
    assert is_tick(Job.ASSESS_MONTHLY, REF_DT)


@pytest.mark.parametrize(
    ("at", "job"),
    [
        ("2026-05-06T02:00:00+08:00", Job.ASSESS_MONTHLY),  # exactly 5 days after the 1st 02:00
        ("2026-05-06T01:59:59+08:00", Job.ASSESS_UPGRADE),  # a second less
        ("2026-05-26T02:00:00+08:00", Job.ASSESS_MONTHLY),  # exactly 25 days
        ("2026-05-26T02:00:01+08:00", Job.ASSESS_UPGRADE),  # a second more
    ],
)
def test_the_reference_is_the_monthly_run_5_to_25_days_back_else_the_upgrade_check_15_days_back(at, job):
    at = datetime.fromisoformat(at)

    reference = reference_time(at)

    assert is_tick(job, reference)
    if job == Job.ASSESS_UPGRADE:
        assert timedelta(days=15) <= at - reference < timedelta(days=16)


@pytest.mark.parametrize(
    "at",
    [
        "2026-05-20T10:30:00+08:00",
        "2026-06-03T08:00:00+08:00",
        "2026-07-29T23:00:00+08:00",
        "2026-10-01T02:30:00+08:00",
    ],
)
def test_every_replayed_run_is_a_tick_of_its_job_in_order_and_not_after_at(at):
    at = datetime.fromisoformat(at)

    runs = replayed_runs(at=at, reference=reference_time(at))

    assert [due.at for _, due in runs] == sorted(due.at for _, due in runs)
    for job, due in runs:
        assert is_tick(job, due.at) and due.at <= at, (job, due)
        assert due == SCHEDULE_BY_JOB[job].due(due.at)  # the period and key beat would claim
    # A reward assessment judges the levels the same day's monthly assessment set, an hour before.
    for job, due in runs:
        if job == Job.ASSESS_REWARDS:
            assert (Job.ASSESS_MONTHLY, due.at - timedelta(hours=1)) in {(j, d.at) for j, d in runs}


def test_the_runs_for_the_feeds_instant():
    runs = [(job, local(due.at).strftime("%m-%d %H:%M")) for job, due in replayed_runs(at=AT_DT, reference=REF_DT)]
    index_runs = [when for job, when in runs if job == Job.COMPUTE_INDEX]

    # The Xingtu index of each of the 30 days up to the feed's instant (05-20 10:30), at 05:00.
    assert index_runs == [f"{day:%m-%d} 05:00" for day in (date(2026, 4, 21) + timedelta(days=n) for n in range(30))]
    assert [run for run in runs if run[0] != Job.COMPUTE_INDEX] == [
        (Job.ASSESS_MONTHLY, "04-01 02:00"),
        (Job.ASSESS_REWARDS, "04-01 03:00"),
        (Job.CLOSE_PERIOD, "05-01 01:00"),
        (Job.ASSESS_MONTHLY, "05-01 02:00"),
        (Job.EXPIRE_CARDS, "05-20 00:10"),
        (Job.ASSESS_UPGRADE, "05-20 04:00"),
        (Job.SETTLE_ENTRIES, "05-20 05:30"),
        (Job.WARN_AT_RISK, "05-20 09:00"),
    ]


# --- what the seeded database shows -----------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("at", [AT_DT, datetime.fromisoformat("2026-06-03T08:00:00+08:00")], ids=["monthly", "upgrade"])
def test_seeded_history_and_messages_are_dated_at_their_jobs_ticks(at):
    seed(at)
    runs = list(JobRun.objects.all())

    assert runs and all(is_tick(run.job, run.at) for run in runs)
    changes = LevelChange.objects.select_related("run")
    assert changes.exists()
    for change in changes:
        assert change.at == change.run.at, change
        assert change.reason != LevelChange.Reason.MONTHLY or local(change.at).strftime("%d %H:%M") == "01 02:00"
    run_times = {run.at for run in runs}
    messages = AssistantMessage.objects.all()
    assert messages.exists()
    assert {m.created_at for m in messages} <= run_times
    assert not messages.filter(created_at=at).exists()  # not the seeding instant
    for warning in messages.filter(template="at_risk"):
        assert local(warning.created_at).strftime("%H:%M") == "09:00"


@pytest.mark.django_db
def test_the_demo_creator_is_warned_at_nine_and_its_history_starts_on_a_first():
    seed(AT_DT)

    warning = AssistantMessage.objects.get(creator__external_id="c-1001", template="at_risk")
    first = LevelChange.objects.filter(creator__external_id="c-1001").order_by("at").first()

    assert local(warning.created_at).strftime("%Y-%m-%d %H:%M") == "2026-05-20 09:00"
    assert local(first.at).strftime("%d %H:%M") == "01 02:00" and first.reason == LevelChange.Reason.MONTHLY


@pytest.mark.django_db
def test_after_seeding_the_reconciler_finds_nothing_missing():
    # The history is the one beat would have left: the hourly reconciler has no due run to catch up.
    seed(AT_DT)

    assert jobs.reconcile(now=AT_DT) == []


@pytest.mark.django_db
def test_the_demo_leaves_30_days_of_index_history_for_the_assistants_trend():
    seed(AT_DT)
    demo_creator = Creator.objects.get(external_id="c-1001")

    series = index_series(creator=demo_creator)

    assert [row.date for row in series] == [date(2026, 4, 21) + timedelta(days=n) for n in range(30)]
    assert all(row.composite is not None for row in series)
    assert DailyIndex.objects.filter(date=date(2026, 5, 20)).count() == Creator.objects.count()
