"""The program engine: assess creators' levels and rewards (program.md §1–§2) and grant through
``benefits``. Each ``*_chunk`` function handles one pk-range of creators with a fixed number of
queries; ``levels.jobs`` runs them for whole runs."""

from collections import Counter
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.db.models import F

from benefits import services as benefit_services
from benefits.selectors import Catalogue
from creators.models import AssistantMessage
from creators.services import message, message_send_many
from lib.bulk import append_rows
from lib.format import figure
from lib.periods import Cycle, Month, days_left

from .evaluation import LevelEvaluation, RewardEvaluation, evaluate_level, evaluate_reward, to_json
from .metrics import CycleFacts, level_metrics, measure_chunk, measure_cycle_chunk
from .models import Assessment, CreatorLevel, JobRun, LevelChange
from .rules import Rules

ASSESSMENT_FIELDS = [
    "run_id",
    "creator_id",
    "previous_level",
    "level",
    "qualified_level",
    "passed",
    "metrics",
    "failed",
]


@dataclass(frozen=True)
class LevelOutcome:
    creator_id: int
    previous_level: int
    level: int
    evaluation: LevelEvaluation

    def as_json(self, external_id: str) -> dict:
        """One line of ``assess_levels --json`` (interfaces §2)."""
        return {
            "creator": external_id,
            "previous_level": self.previous_level,
            "level": self.level,
            "qualified_level": self.evaluation.qualified_level,
            "failed": self.evaluation.failed_above(self.level),
        }


def held_levels(first_id: int, last_id: int) -> dict[int, int]:
    return dict(
        CreatorLevel.objects.filter(creator_id__gte=first_id, creator_id__lte=last_id).values_list(
            "creator_id", "level"
        )
    )


def evaluate_levels_chunk(
    *, first_id: int, last_id: int, at: datetime, rules: Rules, upgrade_only: bool, only: set[int] | None = None
) -> list[LevelOutcome]:
    """Measure and decide, without writing anything (also the ``--dry-run`` path)."""
    facts = measure_chunk(first_id, last_id, at, rules)
    held = held_levels(first_id, last_id)
    outcomes = []
    for creator_id, f in sorted(facts.items()):
        if only is not None and creator_id not in only:
            continue
        evaluation = evaluate_level(level_metrics(f, rules), rules)
        previous = held.get(creator_id, 0)
        # Monthly: level := qualified level, up or down. Daily upgrade check: only upward (program.md §1).
        level = max(previous, evaluation.qualified_level) if upgrade_only else evaluation.qualified_level
        outcomes.append(LevelOutcome(creator_id, previous, level, evaluation))
    return outcomes


def level_assess_chunk(
    *,
    run: JobRun,
    first_id: int,
    last_id: int,
    rules: Rules,
    catalogue: Catalogue,
    only: set[int] | None = None,
) -> dict:
    """Assess one chunk of a level run and write everything it decides, in the caller's transaction:
    results, level changes with history and messages, lapses, and the period's grants."""
    upgrade_only = run.job == JobRun.Job.ASSESS_UPGRADE
    outcomes = evaluate_levels_chunk(
        first_id=first_id, last_id=last_id, at=run.at, rules=rules, upgrade_only=upgrade_only, only=only
    )
    # A chunk is processed once under its row lock, so its results are always new rows.
    append_rows(
        Assessment,
        ASSESSMENT_FIELDS,
        (
            (run.pk, o.creator_id, o.previous_level, o.level, o.evaluation.qualified_level, None,
             to_json(o.evaluation.metrics), o.evaluation.failed_above(o.level))
            for o in outcomes
        ),
    )  # fmt: skip
    changed = [o for o in outcomes if o.level != o.previous_level]
    _apply_level_changes(run=run, changed=changed, rules=rules)
    in_chunk = {"creator_id__gte": first_id, "creator_id__lte": last_id}
    this_run_changes = LevelChange.objects.filter(run=run, **in_chunk)
    for level in sorted({o.level for o in changed}):
        benefit_services.lapse_benefits(
            creators=this_run_changes.filter(to_level=level).values("creator_id"),
            level=level,
            at=run.at,
            catalogue=catalogue,
        )
    # Monthly: every creator gets the new period's set. Upgrade check: those who moved up get the
    # current period topped up to their new level (program.md §3).
    if upgrade_only:
        granted = {o.level for o in changed if o.level > o.previous_level}
        recipients = this_run_changes.filter(to_level__gt=F("from_level"))
        field = "to_level"
    else:
        granted = {o.level for o in outcomes if o.level > 0}
        recipients = CreatorLevel.objects.filter(**in_chunk)
        if only is not None:
            recipients = recipients.filter(creator_id__in=only)
        field = "level"
    for level in sorted(granted):
        benefit_services.grant_level_benefits(
            creators=recipients.filter(**{field: level}).values("creator_id"),
            level=level,
            month=Month.of(run.at),
            at=run.at,
            catalogue=catalogue,
        )
    moves = Counter(
        "up" if o.level > o.previous_level else "down" if o.level < o.previous_level else "same" for o in outcomes
    )
    return {"assessed": len(outcomes), "up": moves["up"], "down": moves["down"], "same": moves["same"]}


def _apply_level_changes(*, run: JobRun, changed: list[LevelOutcome], rules: Rules) -> None:
    if not changed:
        return
    CreatorLevel.objects.bulk_create(
        [CreatorLevel(creator_id=o.creator_id, level=o.level, since=run.at) for o in changed],
        update_conflicts=True,
        unique_fields=["creator"],
        update_fields=["level", "since"],
    )
    reason = LevelChange.Reason.UPGRADE if run.job == JobRun.Job.ASSESS_UPGRADE else LevelChange.Reason.MONTHLY
    # Rows keyed by this run: new, since a chunk is processed once under its lock.
    append_rows(
        LevelChange,
        ["creator_id", "run_id", "at", "from_level", "to_level", "reason", "failed"],
        (
            (o.creator_id, run.pk, run.at, o.previous_level, o.level, reason,
             o.evaluation.failed.get(o.previous_level, []) if o.level < o.previous_level else [])
            for o in changed
        ),
    )  # fmt: skip
    append_rows(
        AssistantMessage,
        ["creator_id", "kind", "title", "body", "link", "created_at", "dedupe_key"],
        (_level_message(run=run, outcome=o, rules=rules) for o in changed),
    )


def explain_failures(codes: list[str], level: int, metrics: dict, rules: Rules) -> list[str]:
    """ "粉丝量 28.6万 (要求 > 30万)" for each failing requirement code of ``level``."""
    requirements = {r.code: r for r in rules.effective(level)}
    lines = []
    for code in codes:
        req = requirements[code]
        value = metrics.get(code)
        if isinstance(value, bool) or req.threshold is None:
            lines.append(f"{req.label}: 未完成")
        else:
            symbol = "≥" if req.comparison == "gte" else ">"
            lines.append(f"{req.label} {figure(value)} (要求 {symbol} {figure(req.threshold)})")
    return lines


def _level_message(*, run: JobRun, outcome: LevelOutcome, rules: Rules) -> tuple:
    up = outcome.level > outcome.previous_level
    if up:
        title = f"恭喜升级为 LV{outcome.level} 达人"
        body = f"你已完成 LV{outcome.level} 的全部基础任务,新等级权益已发放到“我的权益”。"
    else:
        failing = outcome.evaluation.failed.get(outcome.previous_level, [])
        reasons = explain_failures(failing, outcome.previous_level, outcome.evaluation.metrics, rules)
        title = f"等级调整为 LV{outcome.level}" if outcome.level else "等级已取消"
        body = (
            f"本次月度评估中,LV{outcome.previous_level} 的以下要求未达成:" + ";".join(reasons) + "。"
            "继续完成等级任务即可恢复原来等级。"
        )
    kind = AssistantMessage.Kind.LEVEL_UP if up else AssistantMessage.Kind.LEVEL_DOWN
    return (outcome.creator_id, kind, title, body, "/levels/", run.at, f"level:{run.pk}:{outcome.creator_id}")


# --- rewards ---------------------------------------------------------------------------------------


def evaluate_rewards_chunk(
    *, first_id: int, last_id: int, cycle: Cycle, rules: Rules, only: set[int] | None = None
) -> list[tuple[int, RewardEvaluation]]:
    """Judge each creator of the chunk at the level they hold now (level 0: nothing to judge)."""
    held = {c: lv for c, lv in held_levels(first_id, last_id).items() if lv > 0 and (only is None or c in only)}
    if not held:
        return []
    facts = measure_cycle_chunk(first_id, last_id, cycle.start, cycle.end)
    return [
        (creator_id, evaluate_reward(facts.get(creator_id, CycleFacts()), level, rules))
        for creator_id, level in sorted(held.items())
    ]


def reward_assess_chunk(
    *, run: JobRun, first_id: int, last_id: int, rules: Rules, catalogue: Catalogue, only: set[int] | None = None
) -> dict:
    cycle = Cycle.parse(run.period)
    results = evaluate_rewards_chunk(first_id=first_id, last_id=last_id, cycle=cycle, rules=rules, only=only)
    append_rows(
        Assessment,
        ASSESSMENT_FIELDS,
        (
            (run.pk, creator_id, r.level, r.level, None, r.passed, to_json(r.metrics), r.failed)
            for creator_id, r in results
        ),
    )
    # Passing grants the level's reward benefits, keyed by the cycle that was passed (program.md §2).
    passed = Assessment.objects.filter(run=run, passed=True, creator_id__gte=first_id, creator_id__lte=last_id)
    for level in sorted({r.level for _, r in results if r.passed}):
        benefit_services.grant_reward_benefits(
            creators=passed.filter(level=level).values("creator_id"),
            level=level,
            cycle=cycle,
            at=run.at,
            catalogue=catalogue,
        )
    return {"assessed": len(results), "passed": sum(r.passed for _, r in results)}


# --- at-risk warning -------------------------------------------------------------------------------


def warn_at_risk_chunk(*, run: JobRun, first_id: int, last_id: int, rules: Rules, only: set[int] | None = None) -> dict:
    """Message creators who would lose their level if the month ended at ``run.at``.

    A warning names the failing requirements and the days left; it is sent again only when the set of
    failing requirements changes within the month (dedupe key), so a daily job does not nag daily."""
    outcomes = evaluate_levels_chunk(
        first_id=first_id, last_id=last_id, at=run.at, rules=rules, upgrade_only=False, only=only
    )
    at_risk = [o for o in outcomes if o.level < o.previous_level]
    month = Month.of(run.at)
    left = days_left(run.at, month.end)
    messages = []
    for o in at_risk:
        failing = o.evaluation.failed[o.previous_level]
        reasons = explain_failures(failing, o.previous_level, o.evaluation.metrics, rules)
        messages.append(
            message(
                creator_id=o.creator_id,
                kind=AssistantMessage.Kind.AT_RISK,
                title=f"保级提醒:LV{o.previous_level} 还有 {len(failing)} 项未达成,剩 {left} 天",
                body="如果本月结束时仍未达成,下月 1 日的月度评估将调整你的等级:" + ";".join(reasons) + "。",
                link="/levels/",
                at=run.at,
                dedupe_key=f"at_risk:{o.creator_id}:{month.key}:{','.join(sorted(failing))}",
            )
        )
    message_send_many(messages=messages)
    return {"assessed": len(outcomes), "at_risk": len(at_risk)}


def run_chunk(*, run: JobRun, first_id: int, last_id: int, rules: Rules, catalogue: Catalogue) -> dict:
    """Dispatch one chunk of ``run`` to its job's chunk function, atomically."""
    only = set(run.creator_ids) if run.creator_ids is not None else None
    kwargs = {"run": run, "first_id": first_id, "last_id": last_id, "rules": rules, "only": only}
    with transaction.atomic():
        if run.job in (JobRun.Job.ASSESS_MONTHLY, JobRun.Job.ASSESS_UPGRADE):
            return level_assess_chunk(catalogue=catalogue, **kwargs)
        if run.job == JobRun.Job.ASSESS_REWARDS:
            return reward_assess_chunk(catalogue=catalogue, **kwargs)
        if run.job == JobRun.Job.WARN_AT_RISK:
            return warn_at_risk_chunk(**kwargs)
    raise ValueError(f"job {run.job} is not chunked")
