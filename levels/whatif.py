"""What-if: how a draft of edited thresholds would judge creators, next to the rules it starts from.

A simulation walks the creators in chunks through the same path as a monthly run
(``services.evaluate_levels_chunk``, up and down) twice — with the base rules and with the draft — and
keeps only counters and a small sample in its own row. It writes no level, grant or message.
"""

from collections import Counter
from collections.abc import Callable
from datetime import datetime
from decimal import Decimal

from django.conf import settings
from django.utils import timezone

from benefits.models import BenefitCode
from benefits.selectors import Catalogue, catalogue_load
from creators.models import Creator

from .evaluation import to_json
from .jobs import chunk_ranges, creator_id_stream
from .models import LevelRequirement, RewardRequirement, RuleSet, Simulation
from .rules import LEVELS, Rules, load_rules, rules_from
from .services import LevelOutcome, evaluate_levels_chunk
from .versions import Changes, changes_apply, version_requirements

SAMPLE_SIZE = 50  # movers kept with their deciding values
BLOCKERS_SHOWN = 10


def changes_to_json(changes: Changes) -> dict:
    return {
        "thresholds": [[level, code, value] for (level, code), value in changes.thresholds.items()],
        "rewards": [[level, name, value] for (level, name), value in changes.rewards.items()],
    }


def changes_from_json(data: dict) -> Changes:
    return Changes(
        thresholds={(level, code): value for level, code, value in data["thresholds"]},
        rewards={(level, name): value for level, name, value in data["rewards"]},
    )


def draft_requirements(base: RuleSet, changes: Changes) -> tuple[list[LevelRequirement], list[RewardRequirement]]:
    """Unsaved copies of ``base``'s requirements with ``changes`` applied, refused (``ApplicationError``)
    exactly as creating a version with them would be."""
    requirements, rewards = version_requirements(base)
    changes_apply(changes, requirements=requirements, rewards=rewards)
    return requirements, rewards


def draft_rules(base: RuleSet, changes: Changes) -> Rules:
    requirements, rewards = draft_requirements(base, changes)
    return rules_from(base, requirements=requirements, rewards=rewards)


def simulation_start(
    *,
    base: RuleSet,
    changes: Changes,
    at: datetime,
    actor,
    enqueue: Callable[[int], None],
    sample: list[int] | None = None,
) -> Simulation:
    """Validate the draft, record the simulation and hand its id to ``enqueue`` (``levels.tasks
    .simulation_enqueue``: run on a worker after commit)."""
    draft_rules(base, changes)
    ids = Creator.objects.filter(pk__in=sample) if sample is not None else Creator.objects.all()
    simulation = Simulation.objects.create(
        base=base,
        changes=changes_to_json(changes),
        at=at,
        sample=sorted(sample) if sample is not None else None,
        total=ids.count(),
        created_by=actor,
        created_at=timezone.now(),
    )
    enqueue(simulation.pk)
    return simulation


class _Tally:
    """The counters of one simulation, added to chunk by chunk."""

    def __init__(self) -> None:
        self.held, self.base, self.draft = Counter(), Counter(), Counter()
        self.moves: Counter = Counter()  # (base level, draft level)
        self.blockers: Counter = Counter()  # (level the draft stops below, failing code)
        self.sample: list[dict] = []

    def add(self, base: LevelOutcome, draft: LevelOutcome, rules: Rules) -> None:
        self.held[base.previous_level] += 1
        self.base[base.level] += 1
        self.draft[draft.level] += 1
        self.moves[base.level, draft.level] += 1
        stop = draft.evaluation.qualified_level
        if stop < rules.top_level:
            for code in draft.evaluation.failed[stop + 1]:
                self.blockers[stop + 1, code] += 1
        if base.level != draft.level and len(self.sample) < SAMPLE_SIZE:
            self.sample.append(_mover(base, draft, rules))


def _mover(base: LevelOutcome, draft: LevelOutcome, rules: Rules) -> dict:
    """A creator who would move, with the values that decide it: going down, the draft's failing
    requirements of the level lost; going up, the base's failing requirements of the level gained."""
    # The level whose requirements decide: the first one the draft no longer reaches, or the first one
    # the base did not reach. Its thresholds (the draft's) are those the values are read against.
    level = draft.level + 1 if draft.level < base.level else base.level + 1
    codes = (draft if draft.level < base.level else base).evaluation.failed[level]
    by_code = {r.code: r for r in rules.effective(level)}
    values = to_json({code: draft.evaluation.metrics[code] for code in codes})
    return {
        "creator_id": draft.creator_id,
        "base": base.level,
        "draft": draft.level,
        "deciding": [
            {"code": c, "value": values[c], "comparison": by_code[c].comparison, "threshold": by_code[c].threshold}
            for c in codes
        ],
    }


def benefit_cost(levels: Counter, catalogue: Catalogue) -> dict:
    """A month's basic per-period benefits for creators at these levels, at the catalogue's values."""
    cost = {"cards": 0, "cards_amount": Decimal(0), "recommendations": 0, "dispatches": 0, "dou_plus": 0}
    for level in LEVELS:
        for offer in catalogue.basic(level):
            if not offer.per_period:
                continue
            quantity = offer.quantity * levels.get(level, 0)
            if offer.code == BenefitCode.GUARANTEE_CARD:
                cost["cards"] += quantity
                cost["cards_amount"] += quantity * (offer.unit_amount or 0)
            elif offer.code == BenefitCode.CLIENT_RECOMMENDATION:
                cost["recommendations"] += quantity
            elif offer.code == BenefitCode.EXTRA_DISPATCH:
                cost["dispatches"] += quantity
                cost["dou_plus"] += quantity * (offer.dou_plus_per_missing or 0)
    cost["cards_amount"] = str(cost["cards_amount"])
    return cost


def _result(tally: _Tally, catalogue: Catalogue) -> dict:
    per_level = (0, *LEVELS)
    sample_ids = [m["creator_id"] for m in tally.sample]
    names = dict(Creator.objects.filter(pk__in=sample_ids).values_list("pk", "external_id"))
    for mover in tally.sample:
        mover["creator"] = names.get(mover["creator_id"], "")
    return {
        "levels": [
            {
                "level": lv,
                "held": tally.held[lv],
                "base": tally.base[lv],
                "draft": tally.draft[lv],
                "up": sum(n for (b, d), n in tally.moves.items() if d == lv and b < lv),
                "down": sum(n for (b, d), n in tally.moves.items() if b == lv and d < lv),
            }
            for lv in per_level
        ],
        "matrix": [[tally.moves[b, d] for d in per_level] for b in per_level],
        "blockers": [
            {"level": lv, "code": code, "creators": n} for (lv, code), n in tally.blockers.most_common(BLOCKERS_SHOWN)
        ],
        "sample": tally.sample,
        "cost": {"base": benefit_cost(tally.base, catalogue), "draft": benefit_cost(tally.draft, catalogue)},
    }


def simulation_run(simulation_id: int) -> Simulation:
    """Evaluate every chunk with both rule sets, saving the progress after each; done with the results,
    or failed with the error (nothing else is written either way)."""
    simulation = Simulation.objects.select_related("base").get(pk=simulation_id)
    try:
        base_rules = load_rules(rule_set=simulation.base)
        rules = draft_rules(simulation.base, changes_from_json(simulation.changes))
        only = set(simulation.sample) if simulation.sample is not None else None
        tally, done = _Tally(), 0
        for first, last in chunk_ranges(creator_id_stream(simulation.sample), settings.ASSESS_CHUNK_SIZE):
            outcomes = {}
            for key, r in (("base", base_rules), ("draft", rules)):
                outcomes[key] = evaluate_levels_chunk(
                    first_id=first, last_id=last, at=simulation.at, rules=r, upgrade_only=False, only=only
                )
            for base, draft in zip(outcomes["base"], outcomes["draft"], strict=True):
                tally.add(base, draft, rules)
            done += len(outcomes["draft"])
            Simulation.objects.filter(pk=simulation_id).update(done=done)
        simulation.result = _result(tally, catalogue_load())
        simulation.status, simulation.done = Simulation.Status.DONE, done
    except Exception as error:  # a simulation reports its failure on its page; nothing to roll back
        simulation.status, simulation.error = Simulation.Status.FAILED, f"{type(error).__name__}: {error}"
    simulation.finished_at = timezone.now()
    simulation.save(update_fields=["result", "status", "done", "error", "finished_at"])
    return simulation
