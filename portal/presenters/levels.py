"""权益中心 and the answer-first line of every creator page: where a creator stands (``Standing``), the
next level's checklist, the held level's margins, the reward cycle so far, and the level history."""

from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from creators.models import Creator
from levels import selectors as level_selectors
from levels.metrics import next_change
from levels.models import RequirementCode
from levels.rules import Requirement, Rules, load_rules, version_in_force
from levels.selectors import Progress
from levels.versions import Judge, level_judged_by
from lib.periods import Cycle, Month, days_left, local

from .rows import Row, requirement_row, rows_for


@dataclass(frozen=True)
class Standing:
    """The answer-first line of every creator page: the level held, what the next one still needs, and
    whether the held one is at risk this month."""

    progress: Progress
    level: int
    next_level: int | None
    missing: int  # requirements of the next level not met now
    at_risk: bool
    risk_missing: int  # requirements of the held level not met now (at risk): the warning's count
    days_left: int  # until the month's end, when the monthly assessment decides: the warning's days
    qualified: int
    values: dict[int, int]  # level → advertised value in yuan

    @property
    def value(self) -> int | None:
        return self.values.get(self.level)

    @property
    def next_value(self) -> int | None:
        return self.values.get(self.next_level) if self.next_level else None

    @property
    def awaiting_upgrade(self) -> bool:
        """Every requirement of a higher level is met: the daily upgrade check (04:00) will move them —
        unless operations hold the level this month."""
        return self.qualified > self.level and not self.progress.overridden

    @property
    def override_until(self) -> str | None:
        """The month to which operations set the level held (the note "运营设定 · 至 2027-02"), if they did."""
        override = self.progress.override
        return override.until if override else None

    @property
    def rules(self) -> Rules:
        return self.progress.rules

    @property
    def metrics(self) -> dict:
        return self.progress.evaluation.metrics

    @property
    def failed(self) -> dict[int, list[str]]:
        return self.progress.evaluation.failed

    @property
    def at(self) -> datetime:
        return self.progress.at

    @property
    def until(self) -> datetime:
        """The first instant this standing may move with the clock alone (``levels.metrics.next_change``)."""
        return next_change(self.progress.rows, self.at, self.rules)


def standing_of(*, creator: Creator, at: datetime, rules: Rules | None = None) -> Standing:
    progress = level_selectors.creator_progress(creator=creator, at=at, rules=rules or load_rules())
    level = progress.level
    failed = progress.evaluation.failed
    next_level = level + 1 if level < progress.rules.top_level else None
    return Standing(
        progress=progress,
        level=level,
        next_level=next_level,
        missing=len(failed[next_level]) if next_level else 0,
        at_risk=progress.at_risk,
        risk_missing=progress.risk.count if progress.risk else 0,
        days_left=progress.days_left,
        qualified=progress.evaluation.qualified_level,
        values=progress.rows.level_values,  # ``benefits.selectors.level_values``, read with the rows
    )


def upgrade_requirements(standing: Standing) -> tuple[int | None, list[Requirement]]:
    """The next level and its checklist: what it adds or raises, plus anything it needs that fails now."""
    if standing.next_level is None:
        return None, []
    target = standing.next_level
    failing = standing.failed[target]
    return target, [r for r in standing.rules.effective(target) if r.level == target or r.code in failing]


def hold_requirements(standing: Standing) -> tuple[int | None, list[Requirement]]:
    """The held level and its requirements."""
    if standing.level == 0:
        return None, []
    return standing.level, list(standing.rules.effective(standing.level))


def upgrade_rows(standing: Standing) -> list[Row]:
    """The next level's checklist, as rows."""
    level, requirements = upgrade_requirements(standing)
    return rows_for(requirements, standing.metrics, standing.failed[level], standing.rules) if level else []


def hold_rows(standing: Standing) -> list[Row]:
    """The held level's requirements with their margins ("余 1")."""
    level, requirements = hold_requirements(standing)
    return rows_for(requirements, standing.metrics, standing.failed[level], standing.rules) if level else []


# --- reward cycle ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RewardProgress:
    cycle: Cycle
    level: int
    days_left: int
    orders: Row
    plays: list[Row]  # short-video and live averages: either one above the bar is enough
    passed: bool


def reward_progress(*, creator: Creator, standing: Standing) -> RewardProgress | None:
    """The current reward cycle so far, judged at the held level (docs/program.md §2); None at level 0."""
    progress = level_selectors.creator_cycle_progress(
        creator=creator, at=standing.at, level=standing.level, rules=standing.rules, rows=standing.progress.rows
    )
    if progress is None:
        return None
    evaluation, rule = progress.evaluation, progress.rule
    metrics = evaluation.metrics
    orders = requirement_row(
        requirement=rule.orders,
        value=metrics[rule.orders.code],
        met=evaluation.met[rule.orders.code],
        label=_("订单（本周期）"),
        hint=_("不含全民任务和小游戏任务"),
    )
    labels = {"video_avg_plays": _("短视频平均有效播放"), "live_avg_plays": _("直播平均有效播放")}
    counts = {"video_avg_plays": metrics["videos"], "live_avg_plays": metrics["lives"]}
    plays = [
        requirement_row(requirement=r, value=metrics[r.code], met=evaluation.met[r.code], label=labels[r.code],
                        hint=_("%(n)s 条") % {"n": counts[r.code]})
        for r in rule.plays
    ]  # fmt: skip
    return RewardProgress(
        cycle=progress.cycle,
        level=standing.level,
        days_left=days_left(standing.at, progress.cycle.end),
        orders=orders,
        plays=plays,
        passed=evaluation.passed,
    )


# --- level history -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class HistoryRow:
    at: datetime
    from_level: int
    to_level: int
    reason: str
    failed: list[str]

    @property
    def up(self) -> bool:
        return self.to_level > self.from_level


def _code_label(code: str) -> str:
    try:
        return str(RequirementCode(code).label)
    except ValueError:
        return code


def history_of(*, creator: Creator) -> list[HistoryRow]:
    changes = level_selectors.level_history(creator=creator)
    rows = [
        HistoryRow(local(c.at), c.from_level, c.to_level, c.get_reason_display(), [_code_label(x) for x in c.failed])
        for c in changes
    ]
    return rows[::-1]  # newest first


# --- the page ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LevelCenter:
    standing: Standing
    upgrade: list[Row]
    hold: list[Row]
    reward: RewardProgress | None
    judged_by: Judge

    @property
    def upgrade_met(self) -> int:
        return sum(row.met for row in self.upgrade)

    @property
    def hold_rows(self) -> list[Row]:
        """The held level's requirements with a figure, and any yes/no one that fails."""
        return [row for row in self.hold if row.target or not row.met]

    @property
    def hold_done(self) -> list[Row]:
        """Yes/no requirements already done: one line of ticks, not a row each."""
        return [row for row in self.hold if not row.target and row.met]


def level_center(*, creator: Creator, at: datetime) -> LevelCenter:
    in_force = version_in_force()  # as ``load_rules()`` reads it: the version of this month
    standing = standing_of(creator=creator, at=at, rules=load_rules(rule_set=in_force))
    same_month = Month.of(standing.at) == Month.of(timezone.now())  # ``at`` is the portal's clock
    return LevelCenter(
        standing=standing,
        upgrade=upgrade_rows(standing),
        hold=hold_rows(standing),
        reward=reward_progress(creator=creator, standing=standing),
        judged_by=level_judged_by(creator=creator, at=standing.at, in_force=in_force if same_month else None),
    )
