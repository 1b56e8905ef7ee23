"""A level at risk, in one place: whether the monthly assessment at the month's end would move a creator
below the level they hold, what fails, and how many days are left.

The 保级提醒 message (``services.warn_at_risk_chunk``), the home banner and 权益中心 (``selectors.
creator_progress``) all read a ``Risk`` built here from the engine's evaluation at one instant, so the
figures a creator is sent are the figures the pages show at that instant.
"""

from dataclasses import dataclass
from datetime import datetime

from django.utils import translation

from lib.periods import Month, days_left

from .evaluation import LevelEvaluation
from .rules import Rules, symbol


def month_days_left(at: datetime) -> int:
    """Days left at ``at`` until the month's end, when the monthly assessment decides the level held
    ("剩 N 天"): every page and message that counts down to it uses this."""
    return days_left(at, Month.of(at).end)


def explain_failures(codes: list[str], level: int, metrics: dict, rules: Rules) -> list[dict]:
    """Each failing requirement code of ``level`` as message parameters: its label (the source text,
    translated when shown), and for a threshold its value, comparison symbol and threshold — shown as
    "粉丝量 28.6万（要求 > 30万）" by ``creators.messages.failure_text``."""
    requirements = {r.code: r for r in rules.effective(level)}
    failures = []
    for code in codes:
        req = requirements[code]
        value = metrics.get(code)
        with translation.override(None):  # the untranslated label, which the reader's language translates
            label = req.label
        if isinstance(value, bool) or req.threshold is None:
            failures.append({"label": label})
        else:
            value = value if value is None or isinstance(value, int) else float(value)  # JSON-ready
            failures.append({"label": label, "value": value, "symbol": symbol(req.comparison),
                             "threshold": req.threshold})  # fmt: skip
    return failures


@dataclass(frozen=True)
class Risk:
    """The level held is at risk at ``at``: ``failing`` are the codes of its requirements that fail now."""

    level: int
    at: datetime
    failing: tuple[str, ...]
    failures: tuple[dict, ...]

    @property
    def days_left(self) -> int:
        return month_days_left(self.at)

    @property
    def count(self) -> int:
        return len(self.failing)

    @property
    def failing_key(self) -> str:
        """The failing set as one string (sorted codes): a warning is repeated only when it changes."""
        return ",".join(sorted(self.failing))

    def message_params(self) -> dict:
        """The parameters of the ``at_risk`` message (``creators.messages.TEXTS``)."""
        return {"level": self.level, "count": self.count, "days_left": self.days_left,
                "failures": list(self.failures), "failing": self.failing_key}  # fmt: skip


def risk_of(
    *, evaluation: LevelEvaluation, held: int, held_by_override: bool, at: datetime, rules: Rules
) -> Risk | None:
    """The risk to the level ``held`` at ``at``, or None: the rules qualify the creator for less than
    they hold, so next month's assessment would move them down — unless a manual override holds their
    level in that month's runs (``held_by_override``)."""
    if held == 0 or held_by_override or evaluation.qualified_level >= held:
        return None
    failing = tuple(evaluation.failed[held])
    return Risk(level=held, at=at, failing=failing,
                failures=tuple(explain_failures(list(failing), held, evaluation.metrics, rules)))  # fmt: skip
