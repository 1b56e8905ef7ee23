"""经营助手: the creator's Xingtu index (its 30-day trend, the five sub-indices, the 评分说明 and a tip per
weak sub-index), their figures over the rules' window, and the exposure their card gets on the square and
the leaderboards with the benefits behind it (FAQ Q8, Q12, Q16, Q17; docs/program.md §4).

The engine decides (``insights.tips``: which sub-index is weak, which figure lags; ``levels.peers``: the
peers' medians); this module only lays the answers out and words them."""

import math
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy

from benefits.card_selectors import exposure_of
from benefits.models import BenefitCode, Entitlement
from creators.models import Creator
from creators.selectors import WindowStats, stats_window
from insights.models import DailyIndex, SubIndex, Surface
from insights.selectors import impressions_by_surface, index_history, latest_index
from insights.tips import FIELDS, Lag, Relation, Unit, tips
from levels.peers import peer_medians
from levels.selectors import level_of
from lib.format import exact, figure, figures, side_by_side
from lib.periods import local_date
from lib.svg import Box, Line, Point, Radar, Spoke, line, radar

from .assistant_plays import Bar, plays_chart

TREND_DAYS = 30  # the composite's trend: the latest index day and the 29 before it
EXPOSURE_DAYS = 30  # impressions: today and the 29 days before

TREND_BOX = Box(width=340, height=168, left=30, right=14, top=16, bottom=28)
RADAR_SIZE = (360, 242)  # room beside the radar for two-line labels, English ones included
RADAR_CENTRE, RADAR_RADIUS, RADAR_LINE = Point(180, 130), 88, 15

# What each sub-index measures (docs/program.md §4, FAQ Q17), as the 评分说明 says it.
MEASURES: dict[SubIndex, Promise] = {
    SubIndex.REACH: gettext_lazy("近30天有效播放、互动率（点赞、评论、分享占播放的比例）和完播率：作品的传播能力。"),
    SubIndex.COOPERATION: gettext_lazy("信用分、客户对订单的评价，并扣除作弊情况：合作是否靠谱。"),
    SubIndex.GROWTH: gettext_lazy("近15天有效涨粉及其趋势（后7天与前7天相比）：近期的成长。"),
    SubIndex.VALUE: gettext_lazy("订单CPM（千次播放成本，越低越好）和粉丝质量：商业性价比。"),
    SubIndex.CONVERSION: gettext_lazy("组件（购物车、链接）点击与转化占播放的比例：种草能力。"),
}

# The exposure benefits that put a creator's card on each surface (benefit codes, ``BenefitCode.EXPOSURE``):
# the square's ordering and its slots are raised by the square and slot benefits, the leaderboards give
# ``leaderboard_priority`` holders precedence (docs/program.md §5); the identity tag shows on the square card.
DRIVERS: dict[Surface, tuple[str, ...]] = {
    Surface.SQUARE: (BenefitCode.IDENTITY_TAG, *BenefitCode.SQUARE_SCORE),
    Surface.SQUARE_SLOT: BenefitCode.AD_SLOT,
    Surface.BUSINESS_BOARD: (BenefitCode.LEADERBOARD_PRIORITY,),
    Surface.DAILY_BOARD: (BenefitCode.LEADERBOARD_PRIORITY,),
}


# --- the index ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TrendDay:
    day: date
    value: str  # the composite, as it reads


@dataclass(frozen=True)
class Trend:
    chart: Line
    days: list[TrendDay]  # the days with a composite, oldest first (the chart's points, as text)
    first: date
    last: date
    change: str  # "+5.2" since the first day with a composite; "" with fewer than two

    @property
    def ticks(self) -> list[tuple[str, str]]:
        """The value axis: (y, label) from the bottom up."""
        return [(t.sy, score(t.value)) for t in self.chart.ticks]

    @property
    def marks(self) -> list[tuple[Point, TrendDay]]:
        """Each point drawn with its day and value (for its ``<title>``)."""
        return list(zip(self.chart.drawn, self.days, strict=True))

    @property
    def latest(self) -> tuple[Point, str] | None:
        """The last point drawn and its value, labelled on the chart."""
        drawn = self.chart.drawn
        return (drawn[-1], self.days[-1].value) if drawn else None


@dataclass(frozen=True)
class SubScore:
    code: str
    label: str
    value: str  # "80" or "—"
    missing: bool
    weight: str  # "30%"


@dataclass(frozen=True)
class Term:
    """One sub-index in the 评分说明: its weight in the composite and what it measures."""

    label: str
    weight: str
    measures: Promise


@dataclass(frozen=True)
class Tip:
    sub: str
    score: str
    text: str
    behind: bool


@dataclass(frozen=True)
class Index:
    day: date
    composite: str
    trend: Trend
    subs: list[SubScore]
    radar: Radar
    tips: list[Tip]

    @property
    def axes(self) -> list[tuple[Spoke, SubScore]]:
        return list(zip(self.radar.spokes, self.subs, strict=True))


def score(value: float | None) -> str:
    """An index score: one decimal at most (``71.4``, ``80``)."""
    return figure(None if value is None else round(value, 1))


def signed(value: float) -> str:
    text = score(abs(value))
    return f"+{text}" if value > 0 else f"-{text}" if value < 0 else "0"


def weights() -> list[tuple[SubIndex, str]]:
    """The composite's weights from settings, in drawing order, as percentages (``30%``)."""
    configured = settings.XINGTU_INDEX_WEIGHTS
    texts = side_by_side(*(configured[s.value] for s in SubIndex), percent=True)
    return list(zip(SubIndex, texts, strict=True))


def formula() -> list[Term]:
    return [Term(s.label, weight, MEASURES[s]) for s, weight in weights()]


def trend_of(history: dict[date, DailyIndex], last: date) -> Trend:
    days = [last - timedelta(days=n) for n in range(TREND_DAYS - 1, -1, -1)]
    values = [history[d].composite if d in history else None for d in days]
    known = [(d, v) for d, v in zip(days, values, strict=True) if v is not None]
    change = signed(known[-1][1] - known[0][1]) if len(known) > 1 else ""
    return Trend(line(values, TREND_BOX), [TrendDay(d, score(v)) for d, v in known], days[0], last, change)


def figures_of(item: Lag) -> tuple[str, str]:
    """The creator's figure and the peers' median, written alike (``lib.format``)."""
    unit = item.input.unit
    if unit == Unit.COUNT:  # a median of counts between two (2,500.5) reads whole, rounded half up
        pair = figures(item.value, math.floor(item.median + 0.5))
        return pair.value, pair.threshold
    value, median = side_by_side(item.value, item.median, percent=unit == Unit.RATE)
    if unit == Unit.YUAN:
        return f"¥{value}", f"¥{median}"
    return value, median


TIP_TEXTS = {
    (Relation.BELOW, True): gettext_lazy("%(label)s %(value)s，低于同级达人中位数 %(median)s：%(advice)s"),
    (Relation.ABOVE, True): gettext_lazy("%(label)s %(value)s，高于同级达人中位数 %(median)s：%(advice)s"),
    (Relation.EQUAL, False): gettext_lazy("%(label)s %(value)s，与同级达人中位数持平：%(advice)s"),
    (Relation.ABOVE, False): gettext_lazy("%(label)s %(value)s，已高于同级达人中位数 %(median)s，仍可提升：%(advice)s"),
    (Relation.BELOW, False): gettext_lazy("%(label)s %(value)s，已低于同级达人中位数 %(median)s，仍可提升：%(advice)s"),
}


def tip_of(item: Lag) -> Tip:
    value, median = figures_of(item)
    words = {"label": item.input.label, "value": value, "median": median, "advice": item.input.advice}
    text = TIP_TEXTS[(item.relation, item.behind)] % words
    return Tip(sub=item.sub.label, score=score(item.score), text=text, behind=item.behind)


def index_of(*, creator: Creator, level: int, today: date) -> Index | None:
    """The latest index up to ``today`` with its trend, radar and tips; ``None`` before the first
    ``compute_index``. Three queries."""
    row = latest_index(creator=creator, on_or_before=today)
    if row is None:
        return None
    history = index_history(creator=creator, last=row.date, days=TREND_DAYS)
    medians = peer_medians(level=level, day=row.date, fields=FIELDS)
    shares = weights()
    subs = [
        SubScore(s.value, s.label, score(getattr(row, s.value)), getattr(row, s.value) is None, weight)
        for s, weight in shares
    ]
    chart = radar(
        [getattr(row, s.value) for s in SubIndex],
        centre=RADAR_CENTRE,
        radius=RADAR_RADIUS,
        lines=2,
        line_height=RADAR_LINE,
    )
    return Index(
        day=row.date,
        composite=score(row.composite),
        trend=trend_of(history, row.date),
        subs=subs,
        radar=chart,
        tips=[tip_of(item) for item in tips(row, medians)],
    )


# --- exposure ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SurfaceRow:
    code: str
    label: str
    count: str
    exact: str
    share: str  # the bar's length, 0–100, against the busiest surface
    drivers: list[str]  # names of the benefits held that put the card there


@dataclass(frozen=True)
class Exposure:
    first: date
    last: date
    total: str
    total_exact: str
    rows: list[SurfaceRow]
    benefits: list[Entitlement]

    @property
    def shown(self) -> bool:
        return self.total != "0"


def exposure_for(*, creator: Creator, today: date) -> Exposure:
    """Impressions per surface over the last ``EXPOSURE_DAYS`` days, each with the exposure benefits held
    that drive it, and the benefits themselves. Two queries."""
    first = today - timedelta(days=EXPOSURE_DAYS - 1)
    counts = impressions_by_surface(creator=creator, first=first, last=today)
    held = exposure_of(creator=creator)
    names = {e.benefit.code: e.benefit.display_name for e in held}
    peak = max(counts.values()) or 1
    rows = [
        SurfaceRow(
            code=s.value,
            label=s.label,
            count=figure(counts[s.value]),
            exact=exact(counts[s.value]),
            share=f"{100 * counts[s.value] / peak:.1f}".removesuffix(".0"),
            drivers=[names[code] for code in DRIVERS[s] if code in names],
        )
        for s in Surface
    ]
    total = sum(counts.values())
    return Exposure(first, today, figure(total), exact(total), rows, held)


# --- the page ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AssistantPage:
    level: int
    stats: WindowStats
    days: int
    bars: list[Bar]
    index: Index | None
    formula: list[Term]
    exposure: Exposure


def assistant_page(*, creator: Creator, at: datetime, window_days: int) -> AssistantPage:
    """Everything the page shows at ``at``, in a fixed number of queries whatever the history."""
    today = local_date(at)
    level = level_of(creator=creator)
    stats = stats_window(creator=creator, at=at, days=window_days)
    return AssistantPage(
        level=level,
        stats=stats,
        days=window_days,
        bars=plays_chart(stats.spans),
        index=index_of(creator=creator, level=level, today=today),
        formula=formula(),
        exposure=exposure_for(creator=creator, today=today),
    )
