"""Rule-set versions (docs/program.md §1 "Rule-set versions"): which version judged what, which may still
be edited, and creating a new version from an existing one with changed thresholds.

A version that has been in force (effective month ≤ this month) or whose month has already been assessed
(a done monthly run exists for that month or later) is read-only everywhere: changing its thresholds would
change what judged levels already held. Changes become a new version effective from next month or later.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache

from django.db import IntegrityError
from django.db.models import Count, Max, QuerySet
from django.utils.translation import gettext as _

from creators.models import Creator
from creators.services import audit_action, audit_target
from lib.errors import ApplicationError
from lib.periods import Month
from lib.sql import column, table

from .models import Assessment, Comparison, JobRun, LevelRequirement, RewardRequirement, RuleSet
from .rules import been_in_force, version_in_force
from .selectors import LEVEL_RUNS

NAME_MAX = RuleSet._meta.get_field("name").max_length
REWARD_FIELDS = ("min_orders", "min_avg_plays")


class State:
    """Where a version stands relative to now (the console list's labels)."""

    IN_FORCE, PAST, FUTURE, DRAFT = "in_force", "past", "future", "draft"


@dataclass(frozen=True)
class Changes:
    """New thresholds: level requirements by (level, code), reward requirements by (level, field) where
    field is one of ``REWARD_FIELDS``. Anything not named keeps the base version's value."""

    thresholds: Mapping[tuple[int, str], int] = field(default_factory=dict)
    rewards: Mapping[tuple[int, str], int] = field(default_factory=dict)


# --- reads -----------------------------------------------------------------------------------------


def assessed_through() -> str | None:
    """The latest month a done monthly assessment exists for (``YYYY-MM``), or None."""
    return JobRun.objects.filter(job=JobRun.Job.ASSESS_MONTHLY, status=JobRun.Status.DONE).aggregate(
        month=Max("period")
    )["month"]


def rule_set_locked(rule_set: RuleSet, *, now: datetime, assessed: str | None = None) -> bool:
    """Read-only: a version that has been in force, or whose month has been assessed. Drafts never are.
    ``assessed`` saves the query when the caller already has ``assessed_through()``."""
    month = rule_set.effective_month
    if month is None:
        return False
    assessed = assessed if assessed is not None else assessed_through()
    return been_in_force(rule_set, now=now) or (assessed is not None and month <= assessed)


def rule_set_versions() -> QuerySet[RuleSet]:
    """Every version with who created it and how many runs used it, by effective month (drafts last)."""
    return RuleSet.objects.select_related("created_by").annotate(runs=Count("jobrun")).order_by("effective_month", "pk")


def version_states(versions, *, now: datetime) -> dict[int, str]:
    """Each version's ``State`` now (one query for the version in force)."""
    current = version_in_force(now)
    states = {}
    for version in versions:
        if version.effective_month is None:
            states[version.pk] = State.DRAFT
        elif version.pk == current.pk:
            states[version.pk] = State.IN_FORCE
        else:
            states[version.pk] = State.PAST if version.effective_month < current.effective_month else State.FUTURE
    return states


def version_requirements(rule_set: RuleSet) -> tuple[list[LevelRequirement], list[RewardRequirement]]:
    return (
        list(rule_set.requirements.order_by("level", "position")),
        list(rule_set.reward_requirements.order_by("level")),
    )


@dataclass(frozen=True)
class Judge:
    """Which version judged a creator's level: the latest level assessment's run's (``assessed``), or —
    never assessed — the version in force at the live progress's instant."""

    rule_set: RuleSet
    assessed: bool


@cache
def _judged_by_sql() -> str:
    """The version of the creator's latest level run that has one (its assessment's run's), newest run
    first: written once per process from the models' tables (on 权益中心, the ORM took longer to build the
    joined query than PostgreSQL to run it)."""
    a, r, s = Assessment, JobRun, RuleSet
    jobs = ", ".join(["%s"] * len(LEVEL_RUNS))
    return (
        f"SELECT s.* FROM {table(a)} a INNER JOIN {table(r)} r ON r.{column(r, 'id')} = a.{column(a, 'run')}"
        f" INNER JOIN {table(s)} s ON s.{column(s, 'id')} = r.{column(r, 'rule_set')}"
        f" WHERE a.{column(a, 'creator')} = %s AND r.{column(r, 'job')} IN ({jobs})"
        f" ORDER BY r.{column(r, 'at')} DESC, a.{column(a, 'run')} DESC LIMIT 1"
    )


def level_judged_by(*, creator: Creator, at: datetime, in_force: RuleSet | None = None) -> Judge:
    """``in_force``: the version in force for ``at``'s month if the caller has read it already (one query
    fewer for a creator no level run has assessed)."""
    latest = list(RuleSet.objects.raw(_judged_by_sql(), [creator.pk, *LEVEL_RUNS]))
    if latest:
        return Judge(latest[0], assessed=True)
    return Judge(in_force or version_in_force(at), assessed=False)


# --- creating a version ----------------------------------------------------------------------------


def _threshold(value, label: str) -> int:
    if type(value) is not int or value < 0:
        raise ApplicationError(_("%(label)s 须为不小于 0 的整数。") % {"label": label}, code="threshold_invalid")
    return value


def _month(effective_month: str, *, now: datetime) -> str:
    try:
        month = Month.parse(effective_month)
    except ValueError:
        raise ApplicationError(_("生效月份须为 YYYY-MM。"), code="month_invalid") from None
    earliest = Month.of(now).next()
    assessed = assessed_through()
    if month < earliest or (assessed is not None and month.key <= assessed):
        raise ApplicationError(
            _("生效月份最早为 %(month)s：已生效或已评估的月份的规则不能更改。") % {"month": earliest.key},
            code="month_locked",
        )
    return month.key


def _month_taken(month: str) -> ApplicationError:
    return ApplicationError(_("%(month)s 已有规则版本。") % {"month": month}, code="month_taken")


def changes_apply(
    changes: Changes, *, requirements: list[LevelRequirement], rewards: list[RewardRequirement]
) -> tuple[dict, dict]:
    """Apply ``changes`` to a version's (unsaved copies of) requirements in place, validated as the
    model's constraints are: non-negative whole thresholds, only the version's own requirements, a yes/no
    requirement has none. Returns each changed threshold's label → before, → after."""
    before, after = {}, {}
    by_key = {(r.level, r.code): r for r in requirements}
    for key, value in changes.thresholds.items():
        requirement = by_key.get(key)
        label = f"LV{key[0]} {key[1]}"
        if requirement is None:
            raise ApplicationError(_("%(label)s 不是这个版本的要求。") % {"label": label}, code="unknown_requirement")
        if requirement.comparison == Comparison.REQUIRED:
            raise ApplicationError(_("%(label)s 是是否类要求，没有门槛。") % {"label": label}, code="no_threshold")
        if _threshold(value, label) != requirement.threshold:
            before[label], after[label] = requirement.threshold, value
            requirement.threshold = value
    by_level = {r.level: r for r in rewards}
    for (level, name_), value in changes.rewards.items():
        label = f"LV{level} reward {name_}"
        if level not in by_level or name_ not in REWARD_FIELDS:
            raise ApplicationError(_("%(label)s 不是这个版本的要求。") % {"label": label}, code="unknown_requirement")
        if _threshold(value, label) != getattr(by_level[level], name_):
            before[label], after[label] = getattr(by_level[level], name_), value
            setattr(by_level[level], name_, value)
    return before, after


def rule_set_create_version(
    *,
    base: RuleSet,
    changes: Changes,
    effective_month: str,
    name: str,
    note: str,
    actor,
    request_id: str,
    now: datetime,
) -> RuleSet:
    """A new version effective from ``effective_month`` (next month or later, not taken, not assessed):
    ``base``'s requirements copied with ``changes`` applied, validated as the model's constraints are
    (non-negative whole thresholds; a yes/no requirement has none; comparisons as in ``base``). One audit
    row ``rules.version`` with the note as reason and each changed threshold before → after. Refused,
    writing nothing, on any invalid input."""
    name, note = name.strip(), note.strip()
    if not name or len(name) > NAME_MAX:
        raise ApplicationError(_("请填写名称（最多 %(n)s 个字）。") % {"n": NAME_MAX}, code="name_invalid")
    if not note:
        raise ApplicationError(_("请填写说明：为什么改这些门槛。"), code="note_required")
    month = _month(effective_month, now=now)
    requirements, rewards = version_requirements(base)
    before, after = changes_apply(changes, requirements=requirements, rewards=rewards)
    with audit_action(actor=actor, action="rules.version", reason=note, request_id=request_id) as row:
        version = RuleSet(
            name=name,
            effective_month=month,
            window_days=base.window_days,
            tasks_min_fans=base.tasks_min_fans,
            large_creator_fans=base.large_creator_fans,
            note=note,
            created_by=actor,
        )
        # Checked after the audit row, so a second post of the same form is told it was done, not "taken".
        if RuleSet.objects.filter(effective_month=month).exists():
            raise _month_taken(month)
        try:
            version.save(force_insert=True)
        except IntegrityError:  # another operator took the month in the meantime
            raise _month_taken(month) from None
        for requirement in requirements:
            requirement.pk, requirement.rule_set = None, version
        for reward in rewards:
            reward.pk, reward.rule_set = None, version
        LevelRequirement.objects.bulk_create(requirements)
        RewardRequirement.objects.bulk_create(rewards)
        audit_target(row, version)
        row.before, row.after = before, after
        row.detail = {"base": base.pk, "effective_month": month}
    return version
