"""Pure rule evaluation: metric values in, qualified level and failing requirements out."""

from dataclasses import dataclass
from fractions import Fraction

from .metrics import CycleFacts, mean
from .rules import LEVELS, Rules, compare


@dataclass(frozen=True)
class LevelEvaluation:
    metrics: dict[str, bool | int | Fraction]
    qualified_level: int
    failed: dict[int, list[str]]  # level → codes of its effective requirements that fail

    def failed_above(self, level: int) -> dict[str, list[str]]:
        """interfaces §2's ``failed``: each level above ``level`` → its failing codes."""
        return {str(lv): codes for lv, codes in self.failed.items() if lv > level}


def evaluate_level(metrics: dict, rules: Rules) -> LevelEvaluation:
    requirements = rules.requirements
    ok = [compare(r.comparison, r.threshold, metrics[r.code]) for r in requirements]  # each requirement once
    failed = {level: [requirements[i].code for i in rules.effective_indices[level] if not ok[i]] for level in LEVELS}
    qualified = 0
    for level in LEVELS:  # climb one level at a time: "0 if LV1 fails"
        if failed[level]:
            break
        qualified = level
    return LevelEvaluation(metrics=metrics, qualified_level=qualified, failed=failed)


@dataclass(frozen=True)
class RewardEvaluation:
    level: int
    passed: bool
    failed: list[str]  # "orders_cycle", "plays_cycle" (neither average above the bar)
    metrics: dict[str, int | Fraction]
    met: dict[str, bool]  # each requirement of the reward rule by metric code → it passes


def evaluate_reward(facts: CycleFacts, level: int, rules: Rules) -> RewardEvaluation:
    """docs/program.md §2: orders in the cycle AND (short-video average OR live average) above the bar."""
    rule = rules.rewards[level]
    metrics = {"orders_cycle": facts.orders, "video_avg_plays": mean(facts.video_plays, facts.videos),
               "live_avg_plays": mean(facts.live_plays, facts.lives), "videos": facts.videos,
               "lives": facts.lives}  # fmt: skip
    met = {r.code: r.passes(metrics[r.code]) for r in (rule.orders, *rule.plays)}
    failed = []
    if not met[rule.orders.code]:
        failed.append("orders_cycle")
    if not any(met[r.code] for r in rule.plays):
        failed.append("plays_cycle")
    return RewardEvaluation(level=level, passed=not failed, failed=failed, metrics=metrics, met=met)


MEAN_DECIMALS = 2  # a stored mean's decimals; the runs' SQL (``levels.decisions``) rounds alike


def to_json(metrics: dict) -> dict:
    """Metric values as JSON numbers: a mean rounded to ``MEAN_DECIMALS``, half to even on its exact
    value — defined on the fraction, not on a float, so SQL stores the same figure. Decisions use the
    exact values."""
    return {k: float(round(v, MEAN_DECIMALS)) if isinstance(v, Fraction) else v for k, v in metrics.items()}
