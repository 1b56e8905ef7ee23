"""The program engine: assess creators' levels and rewards (docs/program.md §1–§2) and grant through
``benefits``. Each ``*_chunk`` function handles one pk-range of creators with a fixed number of
queries; ``levels.jobs`` runs them for whole runs."""

from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.db.models import F, QuerySet

from benefits.selectors import Catalogue
from benefits.services import grants
from creators.messages import Link
from creators.selectors import latest_params_since
from creators.services import messages_send_for_each
from insights.services import index_compute_chunk
from lib.bulk import append_rows
from lib.periods import Cycle, Month, local_date
from lib.sql import insert_select

from .decisions import chunk_decide
from .evaluation import LevelEvaluation, RewardEvaluation, evaluate_level, evaluate_reward, to_json
from .metrics import CycleFacts, level_metrics, measure_chunk, measure_cycle_chunk
from .models import Assessment, CreatorLevel, JobRun, LevelChange, LevelOverride
from .risk import explain_failures, risk_of
from .rules import LEVELS, Rules
from .selectors import OVERRIDE_EXPIRED, overrides_in_force

LEVEL_CENTRE = Link("levels")  # where level messages lead: the creator's 等级中心
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
    """One creator's result: ``ruled`` is the level the rules decide, ``level`` the one held after the
    run — the same, except under a manual override in force, which holds the previous level."""

    creator_id: int
    previous_level: int
    level: int
    ruled: int
    evaluation: LevelEvaluation
    overridden: bool = False  # a manual override holds the level in the runs of the month judged


def held_levels(first_id: int, last_id: int) -> dict[int, int]:
    return dict(
        CreatorLevel.objects.filter(creator_id__gte=first_id, creator_id__lte=last_id).values_list(
            "creator_id", "level"
        )
    )


def evaluate_levels_chunk(
    *,
    first_id: int,
    last_id: int,
    at: datetime,
    rules: Rules,
    upgrade_only: bool,
    only: set[int] | None = None,
    override_month: Month | None = None,
) -> list[LevelOutcome]:
    """Measure and decide in Python, without writing anything: the what-if's path, and the independent check
    that the runs' SQL decisions (``levels.decisions``) are held to by the tests. A creator whose manual
    override is in force for ``override_month`` (default: the month of ``at``, the run's benefit period)
    keeps the level held; the outcome still says what the rules decided. ``upgrade_only``: the daily
    check's rule, never down."""
    facts = measure_chunk(first_id, last_id, at, rules, only)
    held = held_levels(first_id, last_id)
    overridden = overrides_in_force(first_id=first_id, last_id=last_id, month=override_month or Month.of(at))
    outcomes = []
    for creator_id, f in sorted(facts.items()):
        evaluation = evaluate_level(level_metrics(f, rules), rules)
        previous = held.get(creator_id, 0)
        # Monthly: level := qualified level, up or down. Daily upgrade check: only upward (docs/program.md §1).
        ruled = max(previous, evaluation.qualified_level) if upgrade_only else evaluation.qualified_level
        level = previous if creator_id in overridden else ruled
        outcomes.append(LevelOutcome(creator_id, previous, level, ruled, evaluation, creator_id in overridden))
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
    results, level changes with history and messages, lapses, and the period's grants. The monthly run
    also closes the overrides that ended before its period: from now on the rules judge those creators."""
    upgrade_only = run.job == JobRun.Job.ASSESS_UPGRADE
    # Decided and stored in SQL (``levels.decisions``); only the creators who move come back.
    assessed, movers = chunk_decide(run=run, first_id=first_id, last_id=last_id, rules=rules, only=only)
    changed = [LevelOutcome(m.creator_id, m.previous_level, m.level, m.level, m.evaluation) for m in movers]
    moves = [
        Move(o.creator_id, o.previous_level, o.level, o.evaluation.failed.get(o.previous_level, [])) for o in changed
    ]
    # Monthly: every creator gets the new period's set below. Upgrade check: those who moved (up) get
    # the current period topped up to their new level (docs/program.md §3).
    changes = levels_move(moves=moves, at=run.at, run=run, catalogue=catalogue, grant=upgrade_only)
    _send_level_messages(changes=changes, changed=changed, run=run, rules=rules)
    in_chunk = {"creator_id__gte": first_id, "creator_id__lte": last_id}
    if not upgrade_only:
        month = Month.of(run.at)
        recipients = CreatorLevel.objects.filter(**in_chunk)
        ended = LevelOverride.objects.filter(ended_at__isnull=True, until__lt=month.key, **in_chunk)
        if only is not None:
            recipients = recipients.filter(creator_id__in=only)
            ended = ended.filter(creator_id__in=only)
        ended.update(ended_at=run.at, end_reason=OVERRIDE_EXPIRED)
        # Every level, held or not in this chunk: a fixed number of statements, none of them per creator.
        grants.entitlements_grant_levels(
            by_level={level: recipients.filter(level=level).values("creator_id") for level in LEVELS},
            creators=recipients.filter(level__gt=0).values("creator_id"),
            month=month,
            at=run.at,
            catalogue=catalogue,
        )
    up = sum(o.level > o.previous_level for o in changed)
    return {"assessed": assessed, "up": up, "down": len(changed) - up, "same": assessed - len(changed)}


@dataclass(frozen=True)
class Move:
    """A creator moving to another level; ``failed``: the codes of ``from_level`` that failed (a move down)."""

    creator_id: int
    from_level: int
    to_level: int
    failed: list[str]


def levels_move(
    *, moves: list[Move], at: datetime, run: JobRun | None, catalogue: Catalogue, grant: bool
) -> QuerySet[LevelChange]:
    """Move creators to other levels, set-based, in the caller's transaction — the one path for a run's
    moves and an operator's override: the level held, one history row each (reason from ``run``'s job,
    or ``override`` without a run), what the new level no longer offers lapsed, and with ``grant`` the
    new level's basic benefits for the month of ``at`` (a monthly run grants every creator's set itself).
    Returns the history rows written, for the caller's messages."""
    if not moves:
        return LevelChange.objects.none()
    reason = {
        None: LevelChange.Reason.OVERRIDE,
        JobRun.Job.ASSESS_UPGRADE: LevelChange.Reason.UPGRADE,
        JobRun.Job.ASSESS_MONTHLY: LevelChange.Reason.MONTHLY,
    }[run.job if run else None]
    # New rows: a run's chunk is processed once under its lock; an override moves one creator once.
    append_rows(
        LevelChange,
        ["creator_id", "run_id", "at", "from_level", "to_level", "reason", "failed"],
        (
            (m.creator_id, run.pk if run else None, at, m.from_level, m.to_level, reason,
             m.failed if m.to_level < m.from_level else [])
            for m in moves
        ),
    )  # fmt: skip
    # A run's rows in the movers' pk-range are exactly the ones just written (its chunks do not overlap):
    # the range keeps every statement below to the chunk's rows, where an id list had each carry
    # thousands of parameters and scan the run's rows of earlier chunks too.
    ids = [m.creator_id for m in moves]
    changes = LevelChange.objects.filter(
        run=run, at=at, reason=reason, creator_id__gte=min(ids), creator_id__lte=max(ids)
    )
    if run is None:
        changes = changes.filter(creator_id__in=ids)
    # The level held, straight from the history rows: one statement, nothing built in Python.
    insert_select(
        table=CreatorLevel._meta.db_table,
        columns=["creator_id", "level", "since"],
        rows=changes.values_list("creator_id", "to_level", "at"),
        conflict=["creator_id"],
        update=["level", "since"],
    )
    levels = sorted({m.to_level for m in moves})
    for level in levels:
        grants.entitlements_lapse(
            creators=changes.filter(to_level=level).values("creator_id"), level=level, at=at, catalogue=catalogue
        )
    if grant and levels[-1] > 0:
        grants.entitlements_grant_levels(
            by_level={level: changes.filter(to_level=level).values("creator_id") for level in levels if level > 0},
            creators=changes.filter(to_level__gt=0).values("creator_id"),
            month=Month.of(at),
            at=at,
            catalogue=catalogue,
        )
    return changes


def _send_level_messages(
    *, changes: QuerySet[LevelChange], changed: list[LevelOutcome], run: JobRun, rules: Rules
) -> None:
    """One message per creator who moved: up, the same words for everyone at a level (one statement per
    level reached, nothing per creator in Python); down, each with the requirements that failed."""
    dedupe_key = f"level:{run.pk}:{{id}}"
    ups = changes.filter(to_level__gt=F("from_level"))
    for level in sorted({o.level for o in changed if o.level > o.previous_level}):
        messages_send_for_each(
            creators=ups.filter(to_level=level).values("creator_id"), text="level_up", params={"level": level},
            link=LEVEL_CENTRE, at=run.at, dedupe_key=dedupe_key,
        )  # fmt: skip
    by_text: dict[str, list] = {}
    for o in changed:
        if o.level < o.previous_level:
            text, params = _fall_message(outcome=o, rules=rules)
            by_text.setdefault(text, []).append((o.creator_id, params))
    for text, each in by_text.items():  # at most two: down, cancelled
        messages_send_for_each(
            creators=changes.values("creator_id"), text=text, each=each, link=LEVEL_CENTRE, at=run.at,
            dedupe_key=dedupe_key,
        )  # fmt: skip


def _fall_message(*, outcome: LevelOutcome, rules: Rules) -> tuple[str, dict]:
    """The text and parameters telling a creator their level fell, and which requirements failed."""
    failing = outcome.evaluation.failed.get(outcome.previous_level, [])
    failures = explain_failures(failing, outcome.previous_level, outcome.evaluation.metrics, rules)
    text = "level_down" if outcome.level else "level_cancelled"
    return text, {"level": outcome.level, "previous": outcome.previous_level, "failures": failures}


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
    # Passing grants the level's reward benefits, keyed by the cycle that was passed (docs/program.md §2).
    passed = Assessment.objects.filter(run=run, passed=True, creator_id__gte=first_id, creator_id__lte=last_id)
    for level in sorted({r.level for _, r in results if r.passed}):
        grants.entitlements_grant_reward(
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

    ``run.at`` is when the warning is sent: a run the reconciler catches up late measures then and is
    dated then (``schedule.Schedule.measured_when_run``). The figures come from ``levels.risk``, as the
    home banner and 权益中心 read them. A creator gets at most one warning a local day (the dedupe key,
    so a second run or the reconciler on the same day sends nothing), and a warning is sent again only
    when the set of failing requirements differs from the month's last one, so a daily job does not nag."""
    month = Month.of(run.at)
    outcomes = evaluate_levels_chunk(
        first_id=first_id, last_id=last_id, at=run.at, rules=rules, upgrade_only=False, only=only,
        override_month=month.next(),
    )  # fmt: skip
    risks = {}
    for o in outcomes:
        risk = risk_of(evaluation=o.evaluation, held=o.previous_level, held_by_override=o.overridden, at=run.at,
                       rules=rules)  # fmt: skip
        if risk is not None:
            risks[o.creator_id] = risk
    last = latest_params_since(creator_ids=list(risks), template="at_risk", since=month.start, until=run.at)
    each = [
        (creator_id, risk.message_params())
        for creator_id, risk in risks.items()
        if (last.get(creator_id) or {}).get("failing") != risk.failing_key
    ]
    messages_send_for_each(
        creators=CreatorLevel.objects.filter(creator_id__in=[c for c, _ in each]).values("creator_id"),
        text="at_risk",
        each=each,
        link=LEVEL_CENTRE,
        at=run.at,
        dedupe_key=f"at_risk:{{id}}:{local_date(run.at).isoformat()}",
    )
    return {"assessed": len(outcomes), "at_risk": len(risks)}


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
        if run.job == JobRun.Job.COMPUTE_INDEX:
            return index_compute_chunk(at=run.at, first_id=first_id, last_id=last_id, batch=run.pk, only=only)
    raise ValueError(f"job {run.job} is not chunked")
