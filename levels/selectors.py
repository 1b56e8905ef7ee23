"""The engine as the pages read it: the level held and its history, where one creator stands now (the
same rules and evaluation as the jobs, measured for one creator), their reward cycle so far, and the
support report that combines the engine's state with the benefits ledger."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import OuterRef, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from benefits.models import DouPlusCredit
from benefits.recommendation_selectors import recommendation_units
from benefits.selectors import cards_of, entitlements_of
from creators.models import Creator
from lib.periods import Cycle, Month, days_left, local

from .evaluation import LevelEvaluation, RewardEvaluation, evaluate_level, evaluate_reward
from .metrics import Facts, level_metrics, measure_creator, measure_creator_cycle
from .models import CreatorLevel, LevelChange
from .rules import RewardRule, Rules


def level_of(*, creator: Creator) -> int:
    return CreatorLevel.objects.filter(creator=creator).values_list("level", flat=True).first() or 0


def held_level(creator_field: str = "creator_id") -> Coalesce:
    """The level held by the creator whose id is the outer row's ``creator_field`` (0 without a row), to
    annotate and filter another app's rows (the console's lists) in the same query."""
    held = CreatorLevel.objects.filter(creator_id=OuterRef(creator_field)).values("level")[:1]
    return Coalesce(Subquery(held), Value(0))


def level_history(*, creator: Creator):
    return LevelChange.objects.filter(creator=creator).order_by("at", "id")


@dataclass(frozen=True)
class Progress:
    """Where one creator stands at ``at``: the portal's 权益中心 reads this."""

    at: datetime
    level: int
    evaluation: LevelEvaluation
    at_risk: bool
    days_left: int
    rules: Rules


def creator_progress(*, creator: Creator, at: datetime, rules: Rules) -> Progress:
    """The single-creator path: the same rules and evaluation as the jobs, measured for one creator."""
    evaluation = evaluate_level(level_metrics(measure_creator(creator, at, rules), rules), rules)
    held = level_of(creator=creator)
    return Progress(
        at=at,
        level=held,
        evaluation=evaluation,
        at_risk=evaluation.qualified_level < held,
        days_left=days_left(at, Month.of(at).end),
        rules=rules,
    )


@dataclass(frozen=True)
class CycleProgress:
    """The reward cycle in progress at ``at``, judged so far at the level held (docs/program.md §2)."""

    cycle: Cycle
    rule: RewardRule
    evaluation: RewardEvaluation


def creator_cycle_progress(*, creator: Creator, at: datetime, level: int, rules: Rules) -> CycleProgress | None:
    """The cycle containing ``at`` measured up to ``at``; None where ``level`` has no reward (level 0)."""
    rule = rules.rewards.get(level)
    if rule is None:
        return None
    cycle = Cycle.of(at)
    facts = measure_creator_cycle(creator, cycle.start, at)
    return CycleProgress(cycle=cycle, rule=rule, evaluation=evaluate_reward(facts, level, rules))


def profile_evaluation(*, creator: Creator, fans: int, has_quote: bool, rules: Rules) -> LevelEvaluation:
    """The rule set judged on the saved profile alone (intro, region, industries, task types, a quote and
    ``fans``): what the profile page's requirements read; other metrics count as zero."""
    facts = Facts(
        fans=fans,
        profile_complete=creator.profile_complete,
        submission_enabled=creator.submission_enabled,
        spread_enabled=creator.spread_enabled,
        has_quote=has_quote,
    )
    return evaluate_level(level_metrics(facts, rules), rules)


def _iso(value):
    return local(value).isoformat() if value else None


def _amount(value):
    return int(value) if value == int(value) else float(value)


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
        # No level override or daily index exists yet: null by contract until they do.
        "override": None,
        "index": None,
    }
