"""Rule-set versions (docs/program.md §1): the version in force by effective month, runs recording theirs,
new versions only from next month on, audited, and read-only once in force or assessed."""

import json
from datetime import datetime, timedelta
from io import StringIO

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.utils import timezone

from creators.models import AuditLog
from levels.models import CreatorLevel, JobRun, LevelRequirement, RuleSet
from levels.rules import load_rules, version_in_force
from levels.versions import Changes, Judge, rule_set_create_version, rule_set_locked
from lib.errors import ApplicationError
from lib.periods import TZ, Month
from tests.builders import AT, creator_at_level

pytestmark = pytest.mark.django_db
FIRST = "2000-01"


def first() -> RuleSet:
    return RuleSet.objects.get(effective_month=FIRST)


def new_version(month: str = "2027-01", *, now: datetime = AT, request_id: str = "r1", **changes) -> RuleSet:
    return rule_set_create_version(
        base=first(),
        changes=Changes(**changes),
        effective_month=month,
        name=f"v {month}",
        note="raise the bar",
        actor=User.objects.get_or_create(username="ops")[0],
        request_id=request_id,
        now=now,
    )


def assess(at: datetime) -> list[dict]:
    out = StringIO()
    call_command("assess_levels", "--at", at.isoformat(), "--json", stdout=out, stderr=StringIO())
    return [json.loads(line) for line in out.getvalue().splitlines()]


def test_the_version_in_force_changes_on_the_first_day_of_its_month_in_shanghai():
    later = new_version("2027-01")
    RuleSet.objects.create(name="draft", window_days=30, tasks_min_fans=1, large_creator_fans=1)
    boundary = datetime(2027, 1, 1, tzinfo=TZ)
    assert version_in_force(boundary - timedelta(microseconds=1)) == first()
    assert version_in_force(boundary) == later
    assert version_in_force(Month(2026, 12)) == first()
    assert version_in_force(Month(2030, 5)) == later  # a draft is never in force
    assert load_rules(boundary).rule_set_id == later.pk


def test_a_version_from_next_month_leaves_this_months_run_and_judges_the_next():
    creator = creator_at_level(2)
    new_version("2027-01", thresholds={(2, "posts_30d"): 1_000})
    assert assess(AT)[0]["level"] == 2
    assert JobRun.objects.get(at=AT).rule_set == first()

    assert CreatorLevel.objects.get(creator=creator).level == 2

    next_run = AT.replace(month=1, year=2027)
    assess(next_run)
    run = JobRun.objects.get(at=next_run)
    assert run.rule_set.effective_month == "2027-01"
    assert run.rules_snapshot["rule_set"] == run.rule_set_id
    raised = next(r for r in run.rules_snapshot["requirements"] if r[:2] == [2, "posts_30d"])
    assert raised[2:4] == ["gte", 1_000]


def test_a_reward_run_uses_the_version_of_its_cycles_last_month():
    creator_at_level(1)
    later = new_version("2027-01", rewards={(1, "min_orders"): 99})
    call_command("assess_rewards", "--cycle", "2026Q4", "--at", "2027-01-01T03:00+08:00", stdout=StringIO())
    assert JobRun.objects.get(job=JobRun.Job.ASSESS_REWARDS).rule_set == first()
    call_command("assess_rewards", "--cycle", "2027Q1", "--at", "2027-04-01T03:00+08:00", stdout=StringIO())
    assert JobRun.objects.get(job=JobRun.Job.ASSESS_REWARDS, period="2027Q1").rule_set == later


def test_a_new_version_copies_the_base_with_the_changes_and_audits_the_differences():
    version = new_version(thresholds={(3, "fans"): 200_000, (1, "posts_30d"): 100}, rewards={(4, "min_avg_plays"): 1})
    assert version.effective_month == "2027-01" and version.created_by.username == "ops"
    copied = {(r.level, r.code): (r.comparison, r.threshold) for r in version.requirements.all()}
    base = {(r.level, r.code): (r.comparison, r.threshold) for r in first().requirements.all()}
    assert copied == {**base, (3, "fans"): ("gt", 200_000), (1, "posts_30d"): ("gte", 100)}
    assert version.reward_requirements.get(level=4).min_avg_plays == 1
    row = AuditLog.objects.get()
    assert (row.action, row.reason, row.target_id) == ("rules.version", "raise the bar", str(version.pk))
    assert row.before == {"LV3 fans": base[(3, "fans")][1], "LV1 posts_30d": 5,
                          "LV4 reward min_avg_plays": 150_000}  # fmt: skip
    assert row.after == {"LV3 fans": 200_000, "LV1 posts_30d": 100, "LV4 reward min_avg_plays": 1}


@pytest.mark.parametrize(
    ("month", "changes", "code"),
    [
        ("2026-12", {}, "month_locked"),  # this month (AT is in 2026-12)
        ("2026-06", {}, "month_locked"),
        (FIRST, {}, "month_locked"),
        ("2027-13", {}, "month_invalid"),
        ("2027-01", {"thresholds": {(1, "douyin_bound"): 1}}, "no_threshold"),
        ("2027-01", {"thresholds": {(3, "fans"): -1}}, "threshold_invalid"),
        ("2027-01", {"thresholds": {(3, "fans"): 1.5}}, "threshold_invalid"),
        ("2027-01", {"thresholds": {(1, "nope"): 1}}, "unknown_requirement"),
        ("2027-01", {"rewards": {(1, "window"): 1}}, "unknown_requirement"),
    ],
)
def test_refusals_write_nothing(month, changes, code):
    with pytest.raises(ApplicationError) as error:
        new_version(month, **changes)
    assert error.value.code == code
    assert (RuleSet.objects.count(), AuditLog.objects.count()) == (1, 0)


def test_a_taken_or_assessed_month_is_refused():
    new_version("2027-01")
    with pytest.raises(ApplicationError, match="2027-01"):
        new_version("2027-01", request_id="r2")
    JobRun.objects.create(job=JobRun.Job.ASSESS_MONTHLY, key="k", period="2027-02", at=AT, status="done",
                          started_at=AT)  # fmt: skip
    with pytest.raises(ApplicationError) as error:
        new_version("2027-02", request_id="r3")
    assert error.value.code == "month_locked"
    assert (RuleSet.objects.count(), AuditLog.objects.count()) == (2, 1)


def test_a_note_is_required():
    with pytest.raises(ApplicationError):
        rule_set_create_version(base=first(), changes=Changes(), effective_month="2027-01", name="x", note=" ",
                                actor=None, request_id="r", now=AT)  # fmt: skip
    assert RuleSet.objects.count() == 1


def test_posting_the_same_request_twice_creates_one_version():
    new_version("2027-01")
    with pytest.raises(ApplicationError) as error:
        new_version("2027-02")
    assert error.value.code == "duplicate_request"
    assert (RuleSet.objects.count(), AuditLog.objects.count()) == (2, 1)


def test_versions_in_force_or_assessed_are_locked_and_drafts_and_future_ones_are_not():
    later = new_version("2027-02")
    draft = RuleSet.objects.create(name="draft", window_days=30, tasks_min_fans=1, large_creator_fans=1)
    assert rule_set_locked(first(), now=AT)
    assert not rule_set_locked(later, now=AT) and not rule_set_locked(draft, now=AT)
    assert rule_set_locked(later, now=datetime(2027, 2, 1, tzinfo=TZ))
    JobRun.objects.create(job=JobRun.Job.ASSESS_MONTHLY, key="k", period="2027-02", at=AT, status="done",
                          started_at=AT)  # fmt: skip
    assert rule_set_locked(later, now=AT)


def test_the_admin_shows_a_version_in_force_read_only(client):
    client.force_login(User.objects.create_superuser("root", password="pw"))
    rule_set = first()
    requirement = rule_set.requirements.exclude(threshold=None).first()
    page = client.get(f"/admin/levels/ruleset/{rule_set.pk}/change/")
    assert page.status_code == 200 and not page.context["has_change_permission"]
    client.post(f"/admin/levels/ruleset/{rule_set.pk}/change/", {"name": "changed"})
    assert LevelRequirement.objects.get(pk=requirement.pk).threshold == requirement.threshold
    assert RuleSet.objects.get(pk=rule_set.pk).name == rule_set.name

    future = new_version(Month.of(timezone.now()).next().key, now=timezone.now())
    page = client.get(f"/admin/levels/ruleset/{future.pk}/change/")
    assert page.context["has_change_permission"]


def test_the_level_center_and_the_console_say_which_version_judged_the_level(client):
    creator = creator_at_level(2)
    line = "按规则版本「巨量星图达人等级 2021 (program.md)」（2000-01 起）评定"
    user = User.objects.create_user("creator-x", password="pw")
    creator.user = user
    creator.save(update_fields=["user"])
    client.force_login(user)
    assert "尚未评估 · 进度按规则版本" in client.get("/levels/").content.decode()
    assess(AT)
    assert line in client.get("/levels/").content.decode()
    operator = User.objects.create_superuser("root2", password="pw")
    client.force_login(operator)
    assert line in client.get(f"/console/creators/{creator.external_id}/").content.decode()


def test_the_level_is_judged_by_the_latest_level_runs_version():
    """The newest level run (monthly or upgrade) that assessed the creator and names a version; a reward run
    or a run without a version is passed over; none at all: the version in force."""
    from levels.models import Assessment
    from levels.versions import level_judged_by

    creator = creator_at_level(2)
    in_force = version_in_force(AT)
    assert level_judged_by(creator=creator, at=AT) == Judge(in_force, assessed=False)
    older, newer = new_version("2027-01", request_id="j1"), new_version("2027-02", request_id="j2")

    def run(job: str, rule_set: RuleSet | None, days: int) -> None:
        at = AT + timedelta(days=days)
        made = JobRun.objects.create(job=job, period="x", key=f"{job}-{days}", at=at, rule_set=rule_set, started_at=at)
        Assessment.objects.create(run=made, creator=creator, previous_level=2, level=2)

    run(JobRun.Job.ASSESS_MONTHLY, older, 1)
    run(JobRun.Job.ASSESS_UPGRADE, newer, 2)
    run(JobRun.Job.ASSESS_MONTHLY, None, 3)
    run(JobRun.Job.ASSESS_REWARDS, older, 4)
    assert level_judged_by(creator=creator, at=AT) == Judge(newer, assessed=True)
    assert level_judged_by(creator=creator_at_level(1), at=AT, in_force=older) == Judge(older, assessed=False)


def test_before_the_first_version_none_is_in_force_and_a_draft_never_is():
    RuleSet.objects.create(name="草稿", effective_month=None, window_days=30, tasks_min_fans=0, large_creator_fans=0)
    with pytest.raises(RuleSet.DoesNotExist):
        version_in_force(Month(1999, 12))
    assert (
        version_in_force(Month(2999, 1)).effective_month
        == RuleSet.objects.exclude(effective_month=None).latest("effective_month").effective_month
    )
