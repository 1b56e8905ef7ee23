"""The engine as the pages read it: the level held and its history, where one creator stands now (the
same rules and evaluation as the jobs, measured for one creator), their reward cycle so far, and the
support report that combines the engine's state with the benefits ledger."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cache

from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import (
    BooleanField,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce

from benefits.models import DouPlusCredit
from benefits.recommendation_selectors import recommendation_units
from benefits.selectors import cards_of, entitlements_of
from creators.models import Creator
from insights.selectors import index_json, latest_index
from lib.periods import Cycle, Month, local
from lib.sql import column, table

from .creator_rows import CreatorRows, creator_rows
from .evaluation import LevelEvaluation, RewardEvaluation, evaluate_level, evaluate_reward
from .metrics import Facts, level_metrics, measure_creator, measure_creator_cycle, profile_is_complete
from .models import Assessment, CreatorLevel, JobRun, LevelChange, LevelOverride
from .risk import Risk, month_days_left, risk_of
from .rules import LEVELS, Requirement, RewardRule, Rules

OVERRIDE_EXPIRED = "到期"  # the end reason the monthly run writes on an override whose month has passed


def level_of(*, creator: Creator) -> int:
    return CreatorLevel.objects.filter(creator=creator).values_list("level", flat=True).first() or 0


def held_level(creator_field: str = "creator_id") -> Coalesce:
    """The level held by the creator whose id is the outer row's ``creator_field`` (0 without a row), to
    annotate and filter another app's rows (the console's lists) in the same query."""
    held = CreatorLevel.objects.filter(creator_id=OuterRef(creator_field)).values("level")[:1]
    return Coalesce(Subquery(held), Value(0))


@cache
def _history_sql() -> str:
    """``level_history``'s query, written once per process (权益中心 reads it on every view)."""
    c = LevelChange
    return f"SELECT * FROM {table(c)} WHERE {column(c, 'creator')} = %s ORDER BY {column(c, 'at')}, {column(c, 'id')}"


def level_history(*, creator: Creator) -> list[LevelChange]:
    """The creator's level changes, oldest first."""
    return list(LevelChange.objects.raw(_history_sql(), [creator.pk]))


# --- manual level overrides (docs/program.md §3 "Manual level override") --------------------------------


def override_in_force(override: LevelOverride | None, month: Month) -> bool:
    """An open override holds the level for the runs of every benefit month up to its ``until``."""
    return override is not None and override.ended_at is None and month.key <= override.until


def overrides_in_force(*, first_id: int, last_id: int, month: Month) -> set[int]:
    """The creators of a pk-range whose level an override holds in the runs of ``month``, in one query."""
    return set(overridden_in(first_id=first_id, last_id=last_id, month=month))


def overridden_in(*, first_id: int, last_id: int, month: Month) -> QuerySet:
    """``overrides_in_force`` as a queryset of ``creator_id`` (one row each: one open override per creator),
    for SQL that joins it. The same rule as ``override_in_force``: ``until`` is ``YYYY-MM``, so text order
    is month order."""
    return LevelOverride.objects.filter(
        ended_at__isnull=True, until__gte=month.key, creator_id__gte=first_id, creator_id__lte=last_id
    ).values_list("creator_id", flat=True)


@cache
def _open_override_sql() -> str:
    """``override_open``'s query with the setter's name, written once per process (every creator page
    reads it; the ORM took longer to build it than PostgreSQL to answer). At most one row (a unique
    constraint): no ORDER BY."""
    o, u = LevelOverride, get_user_model()
    return (
        f"SELECT o.*, u.{column(u, u.USERNAME_FIELD)} AS set_by_name FROM {table(o)} o"
        f" LEFT JOIN {table(u)} u ON u.{column(u, 'id')} = o.{column(o, 'set_by')}"
        f" WHERE o.{column(o, 'creator')} = %s AND o.{column(o, 'ended_at')} IS NULL"
    )


def override_open(*, creator: Creator) -> LevelOverride | None:
    """The creator's open override (at most one), with who set it (their id and name; the rest of the
    user is read if asked for)."""
    found = list(LevelOverride.objects.raw(_open_override_sql(), [creator.pk]))
    if not found:
        return None
    override = found[0]
    if override.set_by_id is not None:
        user_model = get_user_model()
        fields = [user_model._meta.pk.attname, user_model.USERNAME_FIELD]
        override.set_by = user_model.from_db(connection.alias, fields, [override.set_by_id, override.set_by_name])
    return override


@dataclass(frozen=True)
class Progress:
    """Where one creator stands at ``at``: the portal's 权益中心 reads this. ``override``: the open
    manual override, if any; while it is in force the level held is not at risk and awaits no upgrade.
    ``risk``: the level held at risk (``levels.risk``, the same figures the 保级提醒 message sends)."""

    at: datetime
    level: int
    evaluation: LevelEvaluation
    risk: Risk | None
    rules: Rules
    override: LevelOverride | None
    rows: CreatorRows  # what was measured: the reward cycle counts from the same rows

    @property
    def at_risk(self) -> bool:
        return self.risk is not None

    @property
    def days_left(self) -> int:
        """Days left until the monthly assessment (shown whether or not the level is at risk)."""
        return month_days_left(self.at)

    @property
    def overridden(self) -> bool:
        """An override holds the level in this month's runs (the daily upgrade check does not move it)."""
        return override_in_force(self.override, Month.of(self.at))


def creator_progress(*, creator: Creator, at: datetime, rules: Rules) -> Progress:
    """The single-creator path: the same rules and evaluation as the jobs, measured for one creator."""
    rows = creator_rows(creator)  # the level held too
    evaluation = evaluate_level(level_metrics(measure_creator(creator, at, rules, rows), rules), rules)
    held, override = rows.held, override_open(creator=creator)
    # Next month's assessment decides the level held; an override in force for that month holds it.
    held_by_override = override_in_force(override, Month.of(at).next())
    return Progress(
        at=at,
        level=held,
        evaluation=evaluation,
        risk=risk_of(evaluation=evaluation, held=held, held_by_override=held_by_override, at=at, rules=rules),
        rules=rules,
        override=override,
        rows=rows,
    )


@dataclass(frozen=True)
class CycleProgress:
    """The reward cycle in progress at ``at``, judged so far at the level held (docs/program.md §2)."""

    cycle: Cycle
    rule: RewardRule
    evaluation: RewardEvaluation


def creator_cycle_progress(
    *, creator: Creator, at: datetime, level: int, rules: Rules, rows: CreatorRows | None = None
) -> CycleProgress | None:
    """The cycle containing ``at`` measured up to ``at``; None where ``level`` has no reward (level 0).
    ``rows``: the creator's rows already read (``Progress.rows``)."""
    rule = rules.rewards.get(level)
    if rule is None:
        return None
    cycle = Cycle.of(at)
    facts = measure_creator_cycle(creator, cycle.start, at, rows)
    return CycleProgress(cycle=cycle, rule=rule, evaluation=evaluate_reward(facts, level, rules))


@dataclass(frozen=True)
class ProfileFacts:
    """The profile as the rules read it (docs/program.md §1 ``profile_complete``, ``tasks_enabled``,
    ``quote_set``): as saved, or as a form is about to save it."""

    intro: str
    region: str
    industries: Sequence[str]
    submission_enabled: bool
    spread_enabled: bool
    has_quote: bool

    @classmethod
    def saved(cls, creator: Creator, *, has_quote: bool) -> "ProfileFacts":
        return cls(creator.intro, creator.region, list(creator.industries or []), creator.submission_enabled,
                   creator.spread_enabled, has_quote)  # fmt: skip


def profile_evaluation(*, profile: ProfileFacts, fans: int, rules: Rules) -> LevelEvaluation:
    """The rule set judged on a profile alone (intro, region, industries, task types, a quote and
    ``fans``): what the profile page's requirements read; other metrics count as zero."""
    facts = Facts(
        fans=fans,
        profile_complete=profile_is_complete(profile.intro, profile.region, profile.industries),
        submission_enabled=profile.submission_enabled,
        spread_enabled=profile.spread_enabled,
        has_quote=profile.has_quote,
    )
    return evaluate_level(level_metrics(facts, rules), rules)


@dataclass(frozen=True)
class ProfileLoss:
    """Saving a profile would make these requirements of the level held fail (they pass as saved)."""

    level: int
    requirements: tuple[Requirement, ...]

    @property
    def codes(self) -> str:
        """The requirement codes, as the confirm step sends them back."""
        return ",".join(r.code for r in self.requirements)


def profile_loss(
    *, creator: Creator, saved: ProfileFacts, draft: ProfileFacts, fans: int, rules: Rules
) -> ProfileLoss | None:
    """What saving ``draft`` over ``saved`` would cost the level the creator holds: the requirements of
    that level which the saved profile meets and the draft would fail, judged by the engine on both
    profiles; None when nothing breaks (or no level is held)."""
    held = level_of(creator=creator)
    if held == 0:
        return None
    before = set(profile_evaluation(profile=saved, fans=fans, rules=rules).failed[held])
    after = set(profile_evaluation(profile=draft, fans=fans, rules=rules).failed[held])
    lost = tuple(r for r in rules.effective(held) if r.code in after - before)
    return ProfileLoss(level=held, requirements=lost) if lost else None


def _iso(value):
    return local(value).isoformat() if value else None


def _amount(value):
    return int(value) if value == int(value) else float(value)


def _override_json(override: LevelOverride | None) -> dict | None:
    if override is None:
        return None
    by = override.set_by.get_username() if override.set_by else None
    return {"level": override.level, "reason": override.reason, "until": override.until, "by": by}


def creator_report(*, creator: Creator) -> dict:
    """The support/audit report of interfaces §3."""
    return {
        "creator": creator.external_id,
        "level": level_of(creator=creator),
        "level_history": [
            {"at": _iso(c.at), "from": c.from_level, "to": c.to_level, "reason": c.reason}
            for c in level_history(creator=creator)
        ],
        "entitlements": [
            {
                "id": e.pk,
                "benefit": e.benefit.code,
                "kind": e.kind,
                "period": e.period or None,
                "quantity": e.quantity,
                "delivered": e.delivered,
                "status": e.status,
            }
            for e in entitlements_of(creator=creator).order_by("granted_at", "pk")
        ],
        "guarantee_cards": [
            {
                "id": str(card.pk),
                "status": card.status,
                "amount": _amount(card.amount),
                "issued_at": _iso(card.issued_at),
                "expires_at": _iso(card.expires_at),
            }
            for card in cards_of(creator=creator)
        ],
        "dou_plus": DouPlusCredit.objects.filter(creator=creator).aggregate(total=Sum("amount"))["total"] or 0,
        # One row per recommendation given and per unit still owed (id, client, date null for those).
        "recommendations": [
            {
                "id": u.id,
                "entitlement": u.entitlement,
                "period": u.period or None,
                "status": u.status,
                "client": u.client,
                "fulfilled_on": u.fulfilled_on.isoformat() if u.fulfilled_on else None,
            }
            for u in recommendation_units(creator=creator)
        ],
        "override": _override_json(override_open(creator=creator)),
        "index": index_json(latest_index(creator=creator)),
    }


# --- the operator console: levels across creators ------------------------------------------------------

LEVEL_RUNS = (JobRun.Job.ASSESS_MONTHLY, JobRun.Job.ASSESS_UPGRADE)


def own_level_held() -> Coalesce:
    """The level a creator holds, as an expression on ``Creator`` (no ``CreatorLevel`` row = 0)."""
    return Coalesce("level_held__level", 0)


def measured_level() -> Subquery:
    """What the creator's latest level run (monthly or upgrade check, by the run's instant) measured
    them qualified for, as an expression on ``Creator``; null if no run assessed them yet."""
    latest = Assessment.objects.filter(creator=OuterRef("pk"), run__job__in=LEVEL_RUNS).order_by("-run__at", "-run_id")
    return Subquery(latest.values("qualified_level")[:1])


def creators_with_standing(creators: QuerySet[Creator], *, at: datetime) -> QuerySet[Creator]:
    """``creators`` annotated ``held`` (the level held now), ``measured`` (``measured_level``) and
    ``at_risk``: the level held is above what their latest level run measured them qualified for, so
    the monthly assessment would move them down if nothing changed — unless an override holds their
    level in the runs that judge it (``override_in_force``), as the creator's own pages say.
    Set-based on the engine's stored results (not a fresh measurement per creator), so a list filters
    and counts on it in one query; a creator no run has assessed yet is not at risk."""
    held_by_override = LevelOverride.objects.filter(
        creator=OuterRef("pk"), ended_at__isnull=True, until__gte=Month.of(at).next().key
    )
    return creators.annotate(held=own_level_held(), measured=measured_level()).annotate(
        at_risk=ExpressionWrapper(
            Q(measured__isnull=False, measured__lt=F("held")) & ~Exists(held_by_override),
            output_field=BooleanField(),
        )
    )


def creators_per_level() -> dict[int, int]:
    """How many creators hold each level, 0 first (creators with no level row count as 0). One query."""
    counts = dict(
        Creator.objects.annotate(level=own_level_held())
        .values("level")
        .annotate(n=Count("pk"))
        .values_list("level", "n")
    )
    return {level: counts.get(level, 0) for level in (0, *LEVELS)}


def last_monthly_run() -> JobRun | None:
    """The latest finished monthly assessment."""
    done = JobRun.objects.filter(job=JobRun.Job.ASSESS_MONTHLY, status=JobRun.Status.DONE)
    return done.order_by("-at", "-pk").first()


def moves_of(*, run: JobRun) -> dict[int, dict[str, int]]:
    """The level changes ``run`` made, per level moved to: {3: {"up": 2, "down": 1}}. One query."""
    rows = (
        LevelChange.objects.filter(run=run)
        .values("to_level")
        .annotate(
            up=Count("pk", filter=Q(to_level__gt=F("from_level"))),
            down=Count("pk", filter=Q(to_level__lt=F("from_level"))),
        )
        .order_by("to_level")
    )
    return {r["to_level"]: {"up": r["up"], "down": r["down"]} for r in rows}


def job_runs_recent(*, limit: int = 8) -> QuerySet[JobRun]:
    return JobRun.objects.order_by("-started_at", "-pk")[:limit]


def level_changes_of(*, creator: Creator) -> QuerySet[LevelChange]:
    """The creator's level history, newest first, with the run behind each change."""
    return LevelChange.objects.filter(creator=creator).select_related("run").order_by("-at", "-id")


def level_since(*, creator: Creator) -> datetime | None:
    """When the creator took the level they hold (None: no level row, level 0)."""
    return CreatorLevel.objects.filter(creator=creator).values_list("since", flat=True).first()
