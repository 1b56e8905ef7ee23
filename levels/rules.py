"""The rule set as plain values, loaded once per run from the database (never constants in code).

``Rules.effective(level)`` applies docs/program.md §1's cumulation: holding level L needs every requirement
of levels 1..L, where a higher level's threshold replaces a lower one for the same metric.
"""

import math
import operator
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from fractions import Fraction
from functools import cache, cached_property

from django.utils import timezone

from lib.periods import Cycle, Month
from lib.sql import column, table

from .models import Comparison, LevelRequirement, RequirementCode, RewardRequirement, RuleSet

LEVELS = (1, 2, 3, 4)


@dataclass(frozen=True)
class Operator:
    """How a comparison is decided, in Python (``compare``) and in SQL (the level runs, ``levels.decisions``)."""

    python: Callable[[int, int], bool]
    sql: str


# The one home of > and ≥ (docs/program.md §1): ``compare`` and the SQL decisions both read it.
OPERATORS = {Comparison.GTE: Operator(operator.ge, ">="), Comparison.GT: Operator(operator.gt, ">")}
# The fan bars of docs/program.md §1 include their bound: submission tasks from ``tasks_min_fans``, a
# 10万+ creator from ``large_creator_fans`` (FAQ: 1-10w 投稿, 10w+ 传播+投稿).
FANS_FROM = Comparison.GTE


def symbol(comparison: str) -> str:
    """How a comparison is written for people (the choice's label, "≥" or ">"); nothing for a yes/no
    requirement."""
    return "" if comparison == Comparison.REQUIRED else Comparison(comparison).label


def compare(comparison: str, threshold: int | None, value: bool | int | Fraction) -> bool:
    """Does ``value`` meet the requirement? ``>`` is strict, ``≥`` is not (docs/program.md §1)."""
    if comparison == Comparison.REQUIRED:
        return bool(value)
    if type(value) is Fraction:  # exact means: compare by cross-multiplying, integers only
        value, threshold = value.numerator, threshold * value.denominator
    return OPERATORS[comparison].python(value, threshold)


def margin(comparison: str, threshold: int, value: int | Fraction) -> int:
    """The distance to the bar in whole units: when ``value`` meets it, how much may be lost while it
    still does (0: exactly at the bar); when it fails, minus how much is still needed. ``≥`` keeps the
    bar itself, ``>`` needs one more (docs/program.md §1)."""
    if comparison == Comparison.GTE:
        return math.floor(value - threshold)
    return math.ceil(value - threshold) - 1


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
        """A level requirement's metric name (the reward rule's requirements are named by the page)."""
        return str(RequirementCode(self.code).label)


@dataclass(frozen=True)
class RewardRule:
    """docs/program.md §2: orders in the cycle ≥ ``min_orders`` AND (short-video OR live average effective
    plays > ``min_avg_plays``)."""

    level: int
    min_orders: int
    min_avg_plays: int

    @property
    def orders(self) -> Requirement:
        return Requirement(self.level, "orders_cycle", Comparison.GTE, self.min_orders)

    @property
    def plays(self) -> tuple[Requirement, ...]:
        """Either one passing is enough."""
        return tuple(
            Requirement(self.level, code, Comparison.GT, self.min_avg_plays)
            for code in ("video_avg_plays", "live_avg_plays")
        )


@dataclass(frozen=True)
class Rules:
    rule_set_id: int | None
    window_days: int
    tasks_min_fans: int
    large_creator_fans: int
    requirements: tuple[Requirement, ...]
    rewards: dict[int, RewardRule] = field(default_factory=dict)

    @property
    def top_level(self) -> int:
        return LEVELS[-1]

    def is_large(self, fans: int) -> bool:
        """A 10万+ creator (docs/program.md §1): also needs spread tasks, a quote and the assistant viewed;
        only they may open spread tasks (FAQ: 10w+ 传播+投稿)."""
        return OPERATORS[FANS_FROM].python(fans, self.large_creator_fans)

    def submission_open(self, fans: int) -> bool:
        """Submission tasks may be opened from ``tasks_min_fans`` followers (FAQ: 1-10w 投稿)."""
        return OPERATORS[FANS_FROM].python(fans, self.tasks_min_fans)

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


def rewards_month(cycle: Cycle) -> Month:
    """The month whose rule-set version judges a reward cycle: its last (docs/program.md §1)."""
    return Month(cycle.year, 3 * cycle.quarter)


def been_in_force(rule_set: RuleSet, *, now: datetime) -> bool:
    """The version's effective month has come (≤ ``now``'s month): from then on it is read-only
    (``levels.versions.rule_set_locked``), its requirement rows never change again. Drafts never are."""
    return rule_set.effective_month is not None and rule_set.effective_month <= Month.of(now).key


@cache
def _in_force_sql() -> str:
    """``version_in_force``'s query, written once per process from the model's table (every portal page
    reads it; the ORM took four times as long to build it as PostgreSQL to answer)."""
    month = column(RuleSet, "effective_month")
    return f"SELECT * FROM {table(RuleSet)} WHERE {month} <= %s ORDER BY {month} DESC LIMIT 1"


def version_in_force(when: datetime | Month | None = None) -> RuleSet:
    """The version in force for ``when``'s month (Asia/Shanghai; default now): the greatest effective
    month ≤ it (effective months are unique). Drafts (no effective month) are never in force."""
    month = when if isinstance(when, Month) else Month.of(when or timezone.now())
    found = list(RuleSet.objects.raw(_in_force_sql(), [month.key]))
    if not found:
        raise RuleSet.DoesNotExist(f"no version in force in {month.key}")
    return found[0]


# Rules of versions that have been in force, per process: their requirement rows can no longer change, so
# the key — the version's row as read now — finds them again for as long as that row is the same. A new
# version is a new row (read by ``version_in_force`` on every call), so it is never served from here.
_READ_ONLY: dict[tuple, Rules] = {}


def forget_read_only_rules() -> None:
    """Empty this process's rules of read-only versions (tests start each from a cold process)."""
    _READ_ONLY.clear()


def load_rules(when: datetime | Month | None = None, *, rule_set: RuleSet | None = None) -> Rules:
    """The given rule set, or the version in force for ``when``'s month (default: now). One query (the
    version in force) once a read-only version's requirements have been read by this process."""
    if rule_set is None:
        rule_set = version_in_force(when)
    key = None
    if rule_set.pk is not None and been_in_force(rule_set, now=timezone.now()):
        key = (rule_set.pk, rule_set.created_at, rule_set.effective_month, rule_set.window_days,
               rule_set.tasks_min_fans, rule_set.large_creator_fans)  # fmt: skip
        if (rules := _READ_ONLY.get(key)) is not None:
            return rules
    rules = rules_from(
        rule_set,
        requirements=LevelRequirement.objects.filter(rule_set=rule_set).order_by("level", "position"),
        rewards=RewardRequirement.objects.filter(rule_set=rule_set),
    )
    if key is not None:
        _READ_ONLY[key] = rules
    return rules


def rules_from(rule_set: RuleSet, *, requirements, rewards) -> Rules:
    """``rule_set``'s settings with the given requirement rows (saved, or edited copies for a what-if)."""
    return Rules(
        rule_set_id=rule_set.pk,
        window_days=rule_set.window_days,
        tasks_min_fans=rule_set.tasks_min_fans,
        large_creator_fans=rule_set.large_creator_fans,
        requirements=tuple(Requirement(r.level, r.code, r.comparison, r.threshold, r.position) for r in requirements),
        rewards={r.level: RewardRule(r.level, r.min_orders, r.min_avg_plays) for r in rewards},
    )
