"""What the creator pages show, read through the apps' selectors and the engine's single-creator path.

Each page gets one plain object (``Standing``, ``LevelCenter``, ``BenefitsPage``) built with a fixed
number of queries, whatever the number of benefits, cards or history rows; templates only lay it out.
"""

import math
from dataclasses import dataclass, field
from datetime import datetime
from fractions import Fraction

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from academy.models import Course
from benefits import selectors as benefit_selectors
from benefits.models import (
    BenefitKind,
    CardStatus,
    CaseStatus,
    Delivery,
    Entitlement,
    EntitlementStatus,
    FeaturedCase,
    GuaranteeCard,
    LevelBenefit,
)
from creators.models import AssistantMessage, Creator
from levels import selectors as level_selectors
from levels.evaluation import evaluate_reward
from levels.metrics import mean, measure_creator_cycle
from levels.models import Comparison, RequirementCode
from levels.rules import Rules, load_rules
from levels.services import Progress, creator_progress
from lib.format import figure
from lib.periods import Cycle, Month, days_left, local

TOP_LEVEL = 4

# --- requirement rows ------------------------------------------------------------------------------

# Where a creator acts on each requirement (None: outside the portal, said in words).
ACTIONS: dict[str, tuple[str | None, object]] = {
    "profile_complete": ("/profile/", gettext_lazy("去完善")),
    "task_hall_viewed": ("/tasks/", gettext_lazy("去任务大厅")),
    "tasks_enabled": ("/profile/", gettext_lazy("去开通")),
    "quote_set": ("/profile/", gettext_lazy("去设置报价")),
    "assistant_viewed": ("/assistant/", gettext_lazy("去查看")),
    "douyin_bound": ("/profile/", gettext_lazy("去绑定")),
    "courses_completed": ("/academy/", gettext_lazy("去学习")),
    "posts_30d": (None, gettext_lazy("去抖音发布")),
    "avg_plays_30d": (None, gettext_lazy("去抖音发布")),
    "submissions_30d": ("/tasks/", gettext_lazy("去投稿")),
    "orders_30d": ("/tasks/", gettext_lazy("去接单")),
    "fans": (None, gettext_lazy("去抖音发布")),
    "likes_30d": (None, gettext_lazy("去抖音发布")),
    "credit_score": (None, gettext_lazy("按时履约")),
    "orders_cycle": ("/tasks/", gettext_lazy("去接单")),
    "video_avg_plays": (None, gettext_lazy("去抖音发布")),
    "live_avg_plays": (None, gettext_lazy("去抖音直播")),
}
UNITS = {
    "courses_completed": gettext_lazy("门"),
    "posts_30d": gettext_lazy("条"),
    "submissions_30d": gettext_lazy("次"),
    "orders_30d": gettext_lazy("单"),
    "orders_cycle": gettext_lazy("单"),
    "credit_score": gettext_lazy("分"),
}


def _hints(rules: Rules) -> dict[str, str]:
    """One muted line under a requirement's name that says how it is counted (program.md §1)."""
    days = rules.window_days
    return {
        "tasks_enabled": _("粉丝 ≥ %(min)s 并开通投稿任务;%(large)s 粉以上还需开通传播任务")
        % {"min": figure(rules.tasks_min_fans), "large": figure(rules.large_creator_fans)},
        "quote_set": _("%(large)s 粉以上需要") % {"large": figure(rules.large_creator_fans)},
        "assistant_viewed": _("%(large)s 粉以上需要") % {"large": figure(rules.large_creator_fans)},
        "courses_completed": _("完成率 %(pct)s%% 以上计为完成") % {"pct": round(Course.COMPLETED_AT * 100)},
        "avg_plays_30d": _("近 %(days)s 天发布作品的平均值") % {"days": days},
        "submissions_30d": _("近 %(days)s 天内") % {"days": days},
        "orders_30d": _("近 %(days)s 天完成,不含全民任务和小游戏任务") % {"days": days},
        "likes_30d": _("近 %(days)s 天发布作品的点赞合计") % {"days": days},
    }


@dataclass(frozen=True)
class Row:
    """One requirement as ui.md draws it: name, measured value, threshold, bar, state, gap, action."""

    code: str
    label: str
    hint: str
    met: bool
    value: str  # "28.6万", or 已完成 / 未完成 for a yes/no requirement
    target: str  # "> 30万"; empty for a yes/no requirement
    exact: str  # the exact figures, for the title attribute
    pct: int
    gap: str  # "还差 1.4万" when unmet
    margin: str  # "余 1" when met with a figure
    tight: bool  # met exactly at the bar: one less and it fails
    action_url: str | None
    action_text: str


def _with_unit(n: int, unit: str) -> str:
    return f"{figure(n)} {unit}" if unit else figure(n)


def _shown(value: Fraction, threshold: int) -> str:
    """A mean to the unit (72,258), with one decimal only where rounding would hide which side of
    the bar it is on (10,000.4 against > 10,000)."""
    if value.denominator == 1:
        return figure(value.numerator)
    if math.floor(value) == threshold or round(value) == threshold:
        return figure(float(value))
    return figure(round(value))


def _symbol(comparison: str) -> str:
    return "≥" if comparison == Comparison.GTE else ">"


def requirement_row(*, code: str, label: str, comparison: str, threshold: int | None, value, hint: str = "") -> Row:
    url, action = ACTIONS.get(code, (None, ""))
    if comparison == Comparison.REQUIRED:
        ok = bool(value)
        return Row(code, label, hint, ok, _("已完成") if ok else _("未完成"), "", "", 100 if ok else 0, "", "", False,
                   url, str(action))  # fmt: skip
    value = value if isinstance(value, Fraction) else Fraction(value)
    ok = value >= threshold if comparison == Comparison.GTE else value > threshold
    unit = str(UNITS.get(code, ""))
    gap = margin = ""
    tight = False
    if ok:
        # How much may be lost while still passing: ≥ keeps the bar itself, > needs one more.
        spare = math.floor(value - threshold) if comparison == Comparison.GTE else math.ceil(value - threshold) - 1
        tight = spare == 0
        margin = _("刚好达标") if tight else _("余 %(n)s") % {"n": _with_unit(spare, unit)}
    else:
        need = math.ceil(threshold - value) if comparison == Comparison.GTE else math.floor(threshold - value) + 1
        gap = _("还差 %(n)s") % {"n": _with_unit(need, unit)}
    pct = 100 if threshold <= 0 else min(100, math.floor(value * 100 / threshold))
    if not ok:
        pct = min(pct, 99)
    exact_value = f"{value.numerator:,}" if value.denominator == 1 else f"{float(value):,.2f}"
    return Row(
        code=code,
        label=label,
        hint=hint,
        met=ok,
        value=_shown(value, threshold),
        target=f"{_symbol(comparison)} {figure(threshold)}",
        exact=f"{exact_value} / {_symbol(comparison)} {threshold:,}",
        pct=pct,
        gap=gap,
        margin=margin,
        tight=tight,
        action_url=url,
        action_text=str(action),
    )


def rows_for(requirements, metrics: dict, rules: Rules) -> list[Row]:
    """Rows for ``requirements``: unmet first (what to do next), then those met exactly at the bar (one
    less and they fail), then the rest, each group in rule order."""
    hints = _hints(rules)
    rows = [
        requirement_row(code=r.code, label=r.label, comparison=r.comparison, threshold=r.threshold,
                        value=metrics[r.code], hint=hints.get(r.code, ""))
        for r in requirements
    ]  # fmt: skip
    return sorted(rows, key=lambda row: (row.met, not row.tight))


# --- where a creator stands --------------------------------------------------------------------------


@dataclass(frozen=True)
class Standing:
    """The answer-first line of every creator page: the level held, what the next one still needs, and
    whether the held one is at risk this month."""

    progress: Progress
    level: int
    next_level: int | None
    missing: int  # requirements of the next level not met now
    at_risk: bool
    risk_missing: int  # requirements of the held level not met now (at risk)
    days_left: int  # until the month's end, when the monthly assessment decides
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
        """Every requirement of a higher level is met: the daily upgrade check (04:00) will move them."""
        return self.qualified > self.level

    @property
    def rules(self) -> Rules:
        return self.progress.rules

    @property
    def metrics(self) -> dict:
        return self.progress.evaluation.metrics

    @property
    def at(self) -> datetime:
        return self.progress.at


def standing_of(*, creator: Creator, at: datetime, rules: Rules | None = None) -> Standing:
    progress = creator_progress(creator=creator, at=at, rules=rules or load_rules())
    level = progress.level
    failed = progress.evaluation.failed
    next_level = level + 1 if level < TOP_LEVEL else None
    return Standing(
        progress=progress,
        level=level,
        next_level=next_level,
        missing=len(failed[next_level]) if next_level else 0,
        at_risk=progress.at_risk,
        risk_missing=len(failed[level]) if level else 0,
        days_left=progress.days_left,
        qualified=progress.evaluation.qualified_level,
        values=benefit_selectors.level_values(),
    )


def upgrade_rows(standing: Standing) -> list[Row]:
    """The next level's checklist: what it adds or raises, plus anything it needs that fails now."""
    if standing.next_level is None:
        return []
    target = standing.next_level
    failing = set(standing.progress.evaluation.failed[target])
    requirements = [r for r in standing.rules.effective(target) if r.level == target or r.code in failing]
    return rows_for(requirements, standing.metrics, standing.rules)


def hold_rows(standing: Standing) -> list[Row]:
    """The held level's requirements with their margins ("余 1")."""
    if standing.level == 0:
        return []
    return rows_for(standing.rules.effective(standing.level), standing.metrics, standing.rules)


def top_gaps(standing: Standing, n: int = 3) -> list[Row]:
    """The first unmet rows to show on the home card: the held level's if at risk, else the next's."""
    rows = hold_rows(standing) if standing.at_risk else upgrade_rows(standing)
    return [row for row in rows if not row.met][:n]


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
    """The current reward cycle so far, judged at the held level (program.md §2); None at level 0."""
    rule = standing.rules.rewards.get(standing.level)
    if rule is None:
        return None
    at = standing.at
    cycle = Cycle.of(at)
    facts = measure_creator_cycle(creator, cycle.start, at)
    orders = requirement_row(
        code="orders_cycle",
        label=_("订单(本周期)"),
        comparison=Comparison.GTE,
        threshold=rule.min_orders,
        value=facts.orders,
        hint=_("不含全民任务和小游戏任务"),
    )
    plays = [
        requirement_row(code=code, label=label, comparison=Comparison.GT, threshold=rule.min_avg_plays,
                        value=mean(total, n), hint=_("%(n)s 条") % {"n": n})
        for code, label, total, n in (
            ("video_avg_plays", _("短视频平均有效播放"), facts.video_plays, facts.videos),
            ("live_avg_plays", _("直播平均有效播放"), facts.live_plays, facts.lives),
        )
    ]  # fmt: skip
    return RewardProgress(
        cycle=cycle,
        level=standing.level,
        days_left=days_left(at, cycle.end),
        orders=orders,
        plays=plays,
        passed=evaluate_reward(facts, standing.level, standing.rules).passed,
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


@dataclass(frozen=True)
class LevelCenter:
    standing: Standing
    upgrade: list[Row]
    hold: list[Row]
    reward: RewardProgress | None

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
    standing = standing_of(creator=creator, at=at)
    return LevelCenter(
        standing=standing,
        upgrade=upgrade_rows(standing),
        hold=hold_rows(standing),
        reward=reward_progress(creator=creator, standing=standing),
    )


# --- 我的权益 --------------------------------------------------------------------------------------------

STATE_WORDS = {
    "claimable": gettext_lazy("可领取"),
    "claimed": gettext_lazy("已领取"),
    "pending": gettext_lazy("待交付"),
    "auto": gettext_lazy("系统自动派发"),
    "issued": gettext_lazy("已发放"),
    "lapsed": gettext_lazy("已失效"),
}
STATE_ORDER = {"claimable": 0, "pending": 1, "claimed": 2, "issued": 3, "auto": 4, "lapsed": 5}


def benefit_state(entitlement: Entitlement) -> str:
    """The state a creator reads (ui.md "State words"): delivered auto benefits of the level are
    系统自动派发; delivered cards, dispatches and recommendations are 已发放."""
    status = entitlement.status
    if status == EntitlementStatus.AVAILABLE:
        return "claimable"
    if status == EntitlementStatus.CLAIMED:
        return "claimed"
    if status == EntitlementStatus.PENDING:
        return "pending"
    if status == EntitlementStatus.LAPSED:
        return "lapsed"
    if entitlement.benefit.delivery == Delivery.AUTO and entitlement.period == "":
        return "auto"
    return "issued"


@dataclass(frozen=True)
class BenefitRow:
    entitlement: Entitlement
    state: str
    value_note: str
    current_period: bool  # the month's or the reward cycle's; False for what is owed from earlier

    @property
    def id(self) -> int:
        return self.entitlement.pk

    @property
    def benefit(self):
        return self.entitlement.benefit

    @property
    def word(self) -> str:
        return str(STATE_WORDS[self.state])

    @property
    def counted(self) -> bool:
        """Owed units a person delivers one by one show as delivered/quantity ("0/3")."""
        benefit = self.entitlement.benefit
        return benefit.delivery == Delivery.OPERATOR or benefit.dou_plus_per_missing is not None

    @property
    def is_card(self) -> bool:
        return self.entitlement.benefit.unit_amount is not None

    @property
    def is_dispatch(self) -> bool:
        return self.entitlement.benefit.dou_plus_per_missing is not None

    @property
    def is_case(self) -> bool:
        return self.entitlement.benefit.code == "featured_case"

    @property
    def case(self) -> FeaturedCase | None:
        """The latest case submitted under this entitlement (prefetched, newest first)."""
        cases = self.entitlement.cases.all()
        return cases[0] if cases else None

    @property
    def case_state(self) -> str:
        case = self.case
        return case.status if case else ""


def benefit_row(entitlement: Entitlement, *, notes: dict, current: set[str]) -> BenefitRow:
    return BenefitRow(
        entitlement=entitlement,
        state=benefit_state(entitlement),
        value_note=notes.get((entitlement.level, entitlement.benefit_id, entitlement.kind), ""),
        current_period=entitlement.period in current,
    )


def _notes(catalogue: list[LevelBenefit]) -> dict:
    return {(r.level, r.benefit_id, r.kind): r.value_note for r in catalogue if r.value_note}


def benefit_row_of(*, creator: Creator, entitlement_id: int, at: datetime) -> BenefitRow:
    """One row of 我的权益 after an action on it (DoesNotExist for another creator's id)."""
    entitlement = benefit_selectors.entitlement_of(creator=creator, entitlement_id=entitlement_id)
    notes = _notes(benefit_selectors.catalogue_rows())
    return benefit_row(entitlement, notes=notes, current=_current_keys(at))


def _current_keys(at: datetime) -> set[str]:
    return {"", Month.of(at).key, Cycle.of(at).previous().key}


@dataclass(frozen=True)
class Offered:
    """A catalogue line shown greyed: what the next level (or the next reward) would give."""

    name: str
    quantity: int
    value_note: str
    description: str
    new: bool  # not part of the current level's set
    more: bool  # part of it, with a larger quantity or a higher value

    @property
    def highlight(self) -> bool:
        return self.new or self.more


@dataclass(frozen=True)
class Card:
    card: GuaranteeCard
    days_left: int | None  # active cards only

    @property
    def soon(self) -> bool:
        return self.days_left is not None and self.days_left <= 30


@dataclass(frozen=True)
class CardGroup:
    cards: list[Card]

    @property
    def first(self) -> Card:
        return self.cards[0]

    @property
    def count(self) -> int:
        return len(self.cards)


@dataclass(frozen=True)
class Wallet:
    cards: list[Card]

    @property
    def active(self) -> list[Card]:
        return [c for c in self.cards if c.card.status == CardStatus.ACTIVE]

    @property
    def active_groups(self) -> list["CardGroup"]:
        """Active cards issued together expire together: one line per expiry day and amount, with ×N."""
        groups: dict[tuple, list[Card]] = {}
        for card in self.active:
            groups.setdefault((local(card.card.expires_at).date(), card.card.amount), []).append(card)
        return [CardGroup(cards) for cards in groups.values()]

    @property
    def history(self) -> list[Card]:
        return [c for c in self.cards if c.card.status != CardStatus.ACTIVE]

    @property
    def nearest(self) -> datetime | None:
        active = self.active
        return local(active[0].card.expires_at) if active else None

    @property
    def active_value(self):
        return sum((c.card.amount for c in self.active), 0)


@dataclass(frozen=True)
class Dispatch:
    """This period's 优质投稿任务额外派发: quota, dispatched so far, DOU+ compensation so far."""

    row: BenefitRow | None
    dou_plus: int

    @property
    def quota(self) -> int:
        return self.row.entitlement.quantity if self.row else 0

    @property
    def dispatched(self) -> int:
        return self.row.entitlement.delivered if self.row else 0

    @property
    def missing(self) -> int:
        return max(0, self.quota - self.dispatched)

    @property
    def pct(self) -> int:
        return min(100, self.dispatched * 100 // self.quota) if self.quota else 0

    @property
    def per_missing(self) -> int:
        return (self.row.benefit.dou_plus_per_missing or 0) if self.row else 0


@dataclass(frozen=True)
class BenefitsPage:
    standing: Standing
    month: Month
    cycle: Cycle  # the reward cycle in progress
    basic: list[BenefitRow]
    reward: list[BenefitRow]
    reward_offers: list[Offered]  # what passing ``cycle`` would give, at the held level
    next_offers: list[Offered]
    wallet: Wallet
    card_terms: benefit_selectors.CardTerms | None
    dispatch: Dispatch | None
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def next_gains(self) -> list[Offered]:
        return [o for o in self.next_offers if o.highlight]

    @property
    def next_kept(self) -> list[Offered]:
        return [o for o in self.next_offers if not o.highlight]


def _sorted(rows: list[BenefitRow]) -> list[BenefitRow]:
    return sorted(rows, key=lambda r: (STATE_ORDER[r.state], r.benefit.position, r.entitlement.period))


def _offered(rows: list[LevelBenefit], have: dict[int, LevelBenefit]) -> list[Offered]:
    """Catalogue lines to show greyed: new ones first, then those that grow, then the rest."""
    offers = []
    for r in rows:
        mine = have.get(r.benefit_id)
        more = mine is not None and (r.quantity > mine.quantity or r.value_note != mine.value_note)
        offers.append(Offered(r.benefit.name, r.quantity, r.value_note, r.benefit.description, mine is None, more))
    return sorted(offers, key=lambda o: (not o.new, not o.more))


def benefits_page(*, creator: Creator, at: datetime) -> BenefitsPage:
    standing = standing_of(creator=creator, at=at)
    month, cycle = Month.of(at), Cycle.of(at)
    catalogue = benefit_selectors.catalogue_rows()
    notes = _notes(catalogue)
    current = _current_keys(at)
    entitlements = benefit_selectors.entitlements_current(
        creator=creator, month_key=month.key, reward_key=cycle.previous().key
    )
    rows = [benefit_row(e, notes=notes, current=current) for e in entitlements]
    basic = _sorted([r for r in rows if r.entitlement.kind == BenefitKind.BASIC])
    reward = _sorted([r for r in rows if r.entitlement.kind == BenefitKind.REWARD])

    level = standing.level
    held = {r.benefit_id: r for r in catalogue if r.level == level and r.kind == BenefitKind.BASIC}
    next_offers = []
    if standing.next_level:
        next_offers = _offered(
            [r for r in catalogue if r.level == standing.next_level and r.kind == BenefitKind.BASIC], held
        )
    reward_offers = _offered([r for r in catalogue if r.level == level and r.kind == BenefitKind.REWARD], {})

    cards = [
        Card(c, days_left(at, c.expires_at) if c.status == CardStatus.ACTIVE else None)
        for c in benefit_selectors.wallet_cards(creator=creator)
    ]
    this_month_dispatch = next((r for r in basic if r.is_dispatch and r.entitlement.period == month.key), None)
    dou_plus = benefit_selectors.dou_plus_total(creator=creator)
    dispatch = Dispatch(this_month_dispatch, dou_plus) if this_month_dispatch or dou_plus else None
    counts = {
        "claimable": sum(r.state == "claimable" for r in rows),
        "pending": sum(r.state == "pending" for r in rows),
    }
    return BenefitsPage(
        standing=standing,
        month=month,
        cycle=cycle,
        basic=basic,
        reward=reward,
        reward_offers=reward_offers,
        next_offers=next_offers,
        wallet=Wallet(cards),
        card_terms=benefit_selectors.card_terms(catalogue=catalogue),
        dispatch=dispatch,
        counts=counts,
    )


# --- home and inbox -------------------------------------------------------------------------------------


def latest_unread(*, creator: Creator, n: int = 3) -> list[AssistantMessage]:
    unread = AssistantMessage.objects.filter(creator=creator, read_at__isnull=True)
    return list(unread.order_by("-created_at", "-id")[:n])


def messages_of(*, creator: Creator):
    return AssistantMessage.objects.filter(creator=creator).order_by("-created_at", "-id")


def unread_count(*, creator: Creator) -> int:
    return AssistantMessage.objects.filter(creator=creator, read_at__isnull=True).count()


def case_state_word(status: str) -> str:
    return str(CaseStatus(status).label) if status else ""
