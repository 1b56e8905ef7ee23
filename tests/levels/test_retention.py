"""The retention policy (``levels.retention``, docs/scaling.md "Retention"): what goes at which cut-off
(Asia/Shanghai days, a row exactly at the cut-off kept), what always stays, dry runs, repeats, the beat
entry, and a fixed number of statements per batch."""

import json
from datetime import UTC, date, datetime, timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_celery_beat.models import PeriodicTask

from benefits.models import Benefit, DouPlusCredit, Entitlement, EntitlementStatus
from creators.models import AssistantMessage, Creator
from insights.models import DailyIndex, Impression
from levels import retention, tasks
from levels.models import Assessment, CreatorLevel, JobRun, LevelChange
from levels.selectors import creators_with_standing
from lib.periods import TZ, at_local
from tests.builders import uid
from tests.index_builders import impression, index_row

pytestmark = pytest.mark.django_db
Job = JobRun.Job

# 2026-12-31 10:00 in Shanghai. Cut-offs with the default periods: daily checks before 2026-11-26 00:00,
# index rows and impressions before 2026-10-02, messages before 2025-11-30 00:00.
NOW = datetime(2026, 12, 31, 10, 0, tzinfo=TZ)
CHECK_CUTOFF = at_local(date(2026, 11, 26))
DAY_CUTOFF = date(2026, 10, 2)
MESSAGE_CUTOFF = at_local(date(2025, 11, 30))
TICK = timedelta(microseconds=1)


def creator() -> Creator:
    return Creator.objects.create(external_id=uid("c"), nickname="达人")


def run(job: str, at: datetime) -> JobRun:
    return JobRun.objects.create(job=job, period=at.date().isoformat(), key=uid("k"), at=at, started_at=at,
                                 status=JobRun.Status.DONE)  # fmt: skip


def result(run: JobRun, creator: Creator, *, qualified: int = 1, level: int = 1) -> Assessment:
    return Assessment.objects.create(run=run, creator=creator, previous_level=level, level=level,
                                     qualified_level=qualified)  # fmt: skip


def message(creator: Creator, at: datetime) -> AssistantMessage:
    return AssistantMessage.objects.create(creator=creator, kind="grant", template="", created_at=at)


def results() -> set[tuple[int, int]]:
    return set(Assessment.objects.values_list("run_id", "creator_id"))


def prune(at: datetime = NOW, **kwargs) -> dict:
    return retention.history_prune(at=at, **kwargs)["deleted"]


def test_daily_check_results_before_the_cutoff_go_but_each_creators_latest_and_every_other_run_stay():
    a, b, c = creator(), creator(), creator()
    before = run(Job.ASSESS_UPGRADE, CHECK_CUTOFF - TICK)
    at_cutoff = run(Job.ASSESS_UPGRADE, CHECK_CUTOFF)
    latest = run(Job.ASSESS_UPGRADE, NOW - timedelta(hours=6))
    monthly = run(Job.ASSESS_MONTHLY, CHECK_CUTOFF - timedelta(days=60))
    rewards = run(Job.ASSESS_REWARDS, CHECK_CUTOFF - timedelta(days=60))
    for r in (before, at_cutoff, latest, monthly, rewards):
        result(r, a)
    result(before, b)  # b's latest daily check: kept however old
    result(before, c, qualified=0)
    result(at_cutoff, c, qualified=0)  # c's latest is at the cut-off itself
    kept = results() - {(before.pk, a.pk), (before.pk, c.pk)}

    assert prune()[Assessment._meta.db_table] == 2
    assert results() == kept


def test_the_consoles_at_risk_filter_reads_the_same_after_pruning():
    """保级风险 reads each creator's latest level run: pruning keeps it, whatever it was."""
    holders = [creator() for _ in range(3)]
    for h in holders:
        CreatorLevel.objects.create(creator=h, level=2, since=NOW - timedelta(days=400))
    old, older = run(Job.ASSESS_UPGRADE, NOW - timedelta(days=50)), run(Job.ASSESS_UPGRADE, NOW - timedelta(days=80))
    monthly = run(Job.ASSESS_MONTHLY, NOW - timedelta(days=70))
    result(older, holders[0], qualified=2, level=2)
    result(old, holders[0], qualified=1, level=2)  # at risk by its latest (old) check
    result(older, holders[1], qualified=1, level=2)
    result(monthly, holders[1], qualified=2, level=2)  # the monthly run after it: not at risk
    result(older, holders[2], qualified=1, level=2)
    result(old, holders[2], qualified=2, level=2)

    def standing():
        rows = creators_with_standing(Creator.objects.all(), at=NOW)
        return sorted(rows.values_list("pk", "measured", "at_risk"))

    seen = standing()
    assert prune()[Assessment._meta.db_table] == 2
    assert standing() == seen
    assert [pk for pk, _, at_risk in seen if at_risk] == [holders[0].pk]


def test_index_rows_and_impressions_go_by_shanghai_day_and_each_creators_latest_index_row_stays():
    # 2026-12-30 17:00 UTC is already 2026-12-31 in Shanghai: the cut-off day is 2026-10-02, not 10-01.
    at = datetime(2026, 12, 30, 17, 0, tzinfo=UTC)
    a, b = creator(), creator()
    for day in (DAY_CUTOFF - timedelta(days=2), DAY_CUTOFF - timedelta(days=1), DAY_CUTOFF, date(2026, 12, 30)):
        index_row(a, day)
        impression(a, day, "square", 3)
    index_row(b, DAY_CUTOFF - timedelta(days=5))  # b's only row: the latest they have

    deleted = prune(at)
    assert deleted[DailyIndex._meta.db_table] == 2 and deleted[Impression._meta.db_table] == 2
    assert sorted(DailyIndex.objects.values_list("creator_id", "date")) == [
        (a.pk, DAY_CUTOFF), (a.pk, date(2026, 12, 30)), (b.pk, DAY_CUTOFF - timedelta(days=5)),
    ]  # fmt: skip
    assert sorted(Impression.objects.values_list("date", flat=True)) == [DAY_CUTOFF, date(2026, 12, 30)]


def test_messages_go_thirteen_calendar_months_back_from_the_shanghai_day():
    a = creator()
    gone = message(a, MESSAGE_CUTOFF - TICK)
    edge = message(a, MESSAGE_CUTOFF)
    recent = message(a, NOW - timedelta(days=1))
    assert prune()[AssistantMessage._meta.db_table] == 1
    assert set(AssistantMessage.objects.values_list("pk", flat=True)) == {edge.pk, recent.pk}
    assert not AssistantMessage.objects.filter(pk=gone.pk).exists()


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [(date(2027, 3, 31), 13, date(2026, 2, 28)), (date(2026, 12, 31), 13, date(2025, 11, 30)),
     (date(2027, 1, 15), 13, date(2025, 12, 15)), (date(2028, 3, 30), 1, date(2028, 2, 29))],
)  # fmt: skip
def test_calendar_months_back_keep_the_day_or_the_months_last(day, months, expected):
    assert retention.months_before(day, months) == expected


def world(n: int = 3) -> None:
    """``n`` expired rows of each class (plus what stays)."""
    old_check, new_check = run(Job.ASSESS_UPGRADE, NOW - timedelta(days=40)), run(Job.ASSESS_UPGRADE, NOW)
    for _ in range(n):
        c = creator()
        result(old_check, c)
        result(new_check, c)
        index_row(c, DAY_CUTOFF - timedelta(days=1))
        index_row(c, DAY_CUTOFF)
        impression(c, DAY_CUTOFF - timedelta(days=1), "square", 1)
        message(c, MESSAGE_CUTOFF - timedelta(days=1))


def counts() -> dict[str, int]:
    return {m._meta.db_table: m.objects.count() for m in (Assessment, DailyIndex, Impression, AssistantMessage)}


def test_a_dry_run_counts_what_a_run_deletes_and_deletes_nothing():
    world()
    before = counts()
    would = prune(dry_run=True)
    assert counts() == before
    assert would == prune() == dict.fromkeys(before, 3)
    assert counts() == {table: n - 3 for table, n in before.items()}


def test_a_second_run_deletes_nothing():
    world()
    prune()
    after = counts()
    assert prune() == dict.fromkeys(after, 0)
    assert counts() == after


def test_what_the_rules_history_and_ledger_read_is_never_deleted():
    world()
    a = Creator.objects.first()
    ancient = NOW - timedelta(days=3000)
    monthly = run(Job.ASSESS_MONTHLY, ancient)
    result(monthly, a)
    LevelChange.objects.create(creator=a, run=monthly, at=ancient, from_level=0, to_level=1, reason="monthly")
    CreatorLevel.objects.create(creator=a, level=1, since=ancient)
    benefit = Benefit.objects.get(code="extra_dispatch")
    entitlement = Entitlement.objects.create(
        creator=a, benefit=benefit, kind="basic", level=1, period="2018-01", quantity=2,
        status=EntitlementStatus.DELIVERED, granted_at=ancient,
    )  # fmt: skip
    DouPlusCredit.objects.create(creator=a, entitlement=entitlement, missing=2, amount=40, created_at=ancient)
    kept = [Assessment.objects.filter(run=monthly), LevelChange.objects, CreatorLevel.objects, Entitlement.objects,
            DouPlusCredit.objects, JobRun.objects]  # fmt: skip
    before = [q.count() for q in kept]
    prune()
    assert [q.count() for q in kept] == before


def statements(**sizes) -> int:
    with CaptureQueriesContext(connection) as queries:
        prune(**sizes)
    return len(queries)


def test_the_statements_per_batch_are_fixed_whatever_the_rows(settings):
    """A batch of any number of rows costs the same statements; more batches cost that many times more."""
    settings.RETAIN_BATCH_SIZE = 1000
    world(2)
    two = statements(dry_run=True), statements()
    Assessment.objects.all().delete()
    JobRun.objects.all().delete()
    for model in (DailyIndex, Impression, AssistantMessage):
        model.objects.all().delete()
    world(12)
    assert (statements(dry_run=True), statements()) == two

    # Batches of two ids: the expired messages' span grows by whole batches, and each costs the same.
    settings.RETAIN_BATCH_SIZE = 2

    def messages_run(n: int) -> int:
        AssistantMessage.objects.all().delete()
        a = creator()
        for _ in range(n):
            message(a, MESSAGE_CUTOFF - timedelta(days=1))
        with CaptureQueriesContext(connection) as queries:
            assert retention.messages_prune(at=NOW) == n
        return len(queries)

    per_batch = messages_run(4) - messages_run(2)
    assert 1 <= per_batch <= 3  # the DELETE (and its savepoint's two statements inside a test's transaction)
    assert messages_run(8) - messages_run(4) == 2 * per_batch


def test_the_command_prints_each_table_and_json(settings):
    world()
    out = StringIO()
    call_command("prune_history", "--at", NOW.isoformat(), "--dry-run", stdout=out)
    assert out.getvalue().splitlines() == [f"{t}: would delete 3" for t in counts()]
    out = StringIO()
    call_command("prune_history", "--at", NOW.isoformat(), "--json", stdout=out)
    line = json.loads(out.getvalue())
    assert line["deleted"] == dict.fromkeys(counts(), 3) and line["dry_run"] is False
    assert line["cutoffs"]["index_rows"] == DAY_CUTOFF.isoformat()
    settings.RETAIN_INDEX_DAYS = 7  # below what the pages read: refused before anything is deleted
    before = counts()
    with pytest.raises(CommandError, match="RETAIN_INDEX_DAYS must be an integer of at least 31"):
        call_command("prune_history", "--at", NOW.isoformat(), stdout=StringIO())
    assert counts() == before


def test_beat_runs_it_daily_in_shanghai_time_through_a_registered_task():
    task = PeriodicTask.objects.get(name=retention.PRUNE_ENTRY)
    assert task.task == retention.PRUNE_TASK == tasks.prune_history.name and task.enabled
    assert (task.crontab.minute, task.crontab.hour, str(task.crontab.timezone)) == ("15", "6", "Asia/Shanghai")
    from config.celery_app import app

    app.loader.import_default_modules()
    assert retention.PRUNE_TASK in app.tasks


def test_the_task_prunes_at_now_and_a_repeat_deletes_nothing():
    a = creator()
    message(a, datetime(2020, 1, 1, tzinfo=TZ))
    first = tasks.prune_history()
    assert first["deleted"][AssistantMessage._meta.db_table] == 1
    assert set(tasks.prune_history()["deleted"].values()) == {0}
