"""The rule set as plain values, loaded once per run from the database (never constants in code).

``Rules.effective(level)`` applies program.md §1's cumulation: holding level L needs every requirement
of levels 1..L, where a higher level's threshold replaces a lower one for the same metric.
"""

from dataclasses import dataclass, field
from fractions import Fraction
from functools import cached_property

from .models import Comparison, LevelRequirement, RequirementCode, RewardRequirement, RuleSet

LEVELS = (1, 2, 3, 4)


def symbol(comparison: str) -> str:
    """How a comparison is written for people: "≥", ">", or nothing for a yes/no requirement."""
    return {Comparison.GTE: "≥", Comparison.GT: ">"}.get(comparison, "")


def compare(comparison: str, threshold: int | None, value: bool | int | Fraction) -> bool:
    """Does ``value`` meet the requirement? ``>`` is strict, ``≥`` is not (program.md §1)."""
    if comparison == Comparison.REQUIRED:
        return bool(value)
    if type(value) is Fraction:  # exact means: compare by cross-multiplying, integers only
        value, threshold = value.numerator, threshold * value.denominator
    return value >= threshold if comparison == Comparison.GTE else value > threshold


@dataclass(frozen=True)
class Requirement:
    level: int
    code: str
    comparison: str
    threshold: int | None
    position: int = 0

    def passes(self, value: bool | int | Fraction) -> bool:
        return compare(self.comparison, self.threshold, value)

    @property
    def label(self) -> str:
        return str(RequirementCode(self.code).label)

    def describe(self) -> str:
        """ "粉丝量 > 300,000" — the requirement as a person reads it."""
        if self.comparison == Comparison.REQUIRED:
            return self.label
        return f"{self.label} {symbol(self.comparison)} {self.threshold:,}"


@dataclass(frozen=True)
class RewardRule:
    level: int
    min_orders: int
    min_avg_plays: int


@dataclass(frozen=True)
class Rules:
    rule_set_id: int | None
    window_days: int
    tasks_min_fans: int
    large_creator_fans: int
    requirements: tuple[Requirement, ...]
    rewards: dict[int, RewardRule] = field(default_factory=dict)

    def own(self, level: int) -> list[Requirement]:
        return [r for r in self.requirements if r.level == level]

    def effective(self, level: int) -> tuple[Requirement, ...]:
        return tuple(self.requirements[i] for i in self.effective_indices[level])

    @cached_property
    def effective_indices(self) -> dict[int, tuple[int, ...]]:
        """Per level, the positions in ``requirements`` of the requirements that hold it; computed once
        per rule set, since the jobs evaluate it for every creator."""
        order = sorted(range(len(self.requirements)), key=lambda i: (self.requirements[i].level,
                                                                      self.requirements[i].position))  # fmt: skip
        result = {}
        for level in (0, *LEVELS):
            by_code = {self.requirements[i].code: i for i in order if self.requirements[i].level <= level}
            result[level] = tuple(sorted(by_code.values(), key=order.index))
        return result

    def snapshot(self) -> dict:
        return {
            "rule_set": self.rule_set_id,
            "window_days": self.window_days,
            "tasks_min_fans": self.tasks_min_fans,
            "large_creator_fans": self.large_creator_fans,
            "requirements": [[r.level, r.code, r.comparison, r.threshold, r.position] for r in self.requirements],
            "rewards": {str(lv): [r.min_orders, r.min_avg_plays] for lv, r in self.rewards.items()},
        }

    @classmethod
    def from_snapshot(cls, data: dict) -> "Rules":
        return cls(
            rule_set_id=data["rule_set"],
            window_days=data["window_days"],
            tasks_min_fans=data["tasks_min_fans"],
            large_creator_fans=data["large_creator_fans"],
            requirements=tuple(Requirement(*row) for row in data["requirements"]),
            rewards={int(lv): RewardRule(int(lv), *vals) for lv, vals in data["rewards"].items()},
        )


def load_rules(rule_set: RuleSet | None = None) -> Rules:
    """The given rule set, or the active one."""
    if rule_set is None:
        rule_set = RuleSet.objects.get(is_active=True)
    requirements = tuple(
        Requirement(r.level, r.code, r.comparison, r.threshold, r.position)
        for r in LevelRequirement.objects.filter(rule_set=rule_set).order_by("level", "position")
    )
    rewards = {
        r.level: RewardRule(r.level, r.min_orders, r.min_avg_plays)
        for r in RewardRequirement.objects.filter(rule_set=rule_set)
    }
    return Rules(
        rule_set_id=rule_set.pk,
        window_days=rule_set.window_days,
        tasks_min_fans=rule_set.tasks_min_fans,
        large_creator_fans=rule_set.large_creator_fans,
        requirements=requirements,
        rewards=rewards,
    )
