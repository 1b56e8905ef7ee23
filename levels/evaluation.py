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
    failed: list[str]
    metrics: dict[str, int | Fraction]


def evaluate_reward(facts: CycleFacts, level: int, rules: Rules) -> RewardEvaluation:
    """program.md §2: orders in the cycle AND (short-video average OR live average) above the bar."""
    rule = rules.rewards[level]
    video_avg, live_avg = mean(facts.video_plays, facts.videos), mean(facts.live_plays, facts.lives)
    failed = []
    if facts.orders < rule.min_orders:
        failed.append("orders_cycle")
    if not (video_avg > rule.min_avg_plays or live_avg > rule.min_avg_plays):
        failed.append("plays_cycle")
    metrics = {"orders_cycle": facts.orders, "video_avg_plays": video_avg, "live_avg_plays": live_avg,
               "videos": facts.videos, "lives": facts.lives}  # fmt: skip
    return RewardEvaluation(level=level, passed=not failed, failed=failed, metrics=metrics)


def to_json(metrics: dict) -> dict:
    """Metric values as JSON numbers (means rounded to 2 decimals for display; decisions use exact values)."""
    return {k: round(float(v), 2) if isinstance(v, Fraction) else v for k, v in metrics.items()}
