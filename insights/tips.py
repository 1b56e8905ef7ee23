"""Which sub-indices of a creator's Xingtu index are weak, and which of the raw figures behind each stands
worst against the creator's peers (docs/program.md §4): the rules of the business assistant's tips. Pure
functions over a ``DailyIndex`` row and the peers' medians; the page writes the sentences.

The raw figures each sub-index ranks are those of docs/program.md §4: reach — 30-day effective plays,
interactions per play, completion rate; cooperation — credit score, order rating; growth — 15-day
follower gain; value — order CPM (lower is better), fan quality; conversion — component clicks and
conversions per play.
"""

import math
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from .models import DailyIndex, SubIndex

WEAK_BELOW = 50.0  # a sub-index under the middle of the creators with data counts as weak
MAX_TIPS = 2  # the weakest sub-index always gets a tip; the next weakest too when it is weak


class Unit(StrEnum):
    """How a raw figure reads: a count of things, a share of one, a score, or yuan."""

    COUNT = "count"
    RATE = "rate"
    SCORE = "score"
    YUAN = "yuan"


class Relation(StrEnum):
    """A creator's figure against their peers' median, as numbers (not as better or worse)."""

    BELOW = "below"
    EQUAL = "equal"
    ABOVE = "above"


@dataclass(frozen=True)
class Input:
    """One raw figure of ``DailyIndex`` that a sub-index ranks."""

    field: str
    unit: Unit
    advice: Promise  # what a creator can do to raise it
    lower_is_better: bool = False

    @property
    def label(self) -> str:
        return DailyIndex._meta.get_field(self.field).verbose_name


INPUTS: dict[SubIndex, tuple[Input, ...]] = {
    SubIndex.REACH: (
        Input("plays_30d", Unit.COUNT, _("固定发布节奏，选在粉丝活跃的时段发布，提高作品的有效播放。")),
        Input("interaction_rate", Unit.RATE, _("在作品里抛出问题或话题，及时回复评论，带动点赞、评论和分享。")),
        Input("completion_rate", Unit.RATE, _("开头 3 秒内点明看点，删去铺垫，控制时长，让更多人看完。")),
    ),
    SubIndex.COOPERATION: (
        Input("credit_score", Unit.SCORE, _("按时履约，遵守平台规范，避免违规扣分，信用分会逐步回升。")),
        Input("order_rating", Unit.SCORE, _("接单前与客户确认需求和脚本，按约定时间交付，争取客户好评。")),
    ),
    SubIndex.GROWTH: (
        Input("fans_gain_15d", Unit.COUNT, _("保持稳定更新，在作品结尾引导关注，参与热门话题带来新粉丝。")),
    ),
    SubIndex.VALUE: (
        Input(
            "cpm", Unit.YUAN, _("报价与作品播放量相匹配，提高订单作品的播放，降低千次播放成本。"), lower_is_better=True
        ),
        Input("fan_quality", Unit.SCORE, _("深耕垂直领域的内容，吸引真实、活跃的目标粉丝。")),
    ),
    SubIndex.CONVERSION: (
        Input("clicks_per_play", Unit.RATE, _("在作品中挂载购物车或链接组件，并在内容里自然引导点击。")),
        Input("conversions_per_play", Unit.RATE, _("选择与粉丝需求匹配的商品，讲清卖点和使用场景，提升转化。")),
    ),
}
FIELDS: tuple[str, ...] = tuple(i.field for inputs in INPUTS.values() for i in inputs)


def weakest(row: DailyIndex) -> list[SubIndex]:
    """The sub-indices with a value, weakest first (ties in drawing order): the candidates for a tip."""
    scored = [(getattr(row, s.value), n, s) for n, s in enumerate(SubIndex) if getattr(row, s.value) is not None]
    return [s for _value, _n, s in sorted(scored)]


@dataclass(frozen=True)
class Lag:
    """A raw figure of the creator against the median of their peers."""

    sub: SubIndex
    score: float  # the sub-index
    input: Input
    value: float
    median: float
    relation: Relation
    behind: bool  # worse than the median (below it, or above it where lower is better)


def _standing(value: float, median: float, lower_is_better: bool) -> float:
    """How far ahead of the median the creator is, relative to it (negative: behind)."""
    if median == 0:
        ahead = 0.0 if value == 0 else math.copysign(math.inf, value)
    else:
        ahead = (value - median) / abs(median)
    return -ahead if lower_is_better else ahead


def lag(sub: SubIndex, row: DailyIndex, medians: Mapping[str, float | None]) -> Lag | None:
    """Of ``sub``'s raw figures that the creator and their peers both have, the one where the creator
    stands worst against the median (ties: the catalogue's order); ``None`` when none can be compared."""
    best: tuple[float, Lag] | None = None
    for item in INPUTS[sub]:
        value, median = getattr(row, item.field), medians.get(item.field)
        if value is None or median is None:
            continue
        standing = _standing(value, median, item.lower_is_better)
        relation = Relation.BELOW if value < median else Relation.ABOVE if value > median else Relation.EQUAL
        found = Lag(sub, getattr(row, sub.value), item, value, median, relation, standing < 0)
        if best is None or standing < best[0]:
            best = (standing, found)
    return None if best is None else best[1]


def tips(row: DailyIndex, medians: Mapping[str, float | None]) -> list[Lag]:
    """One lagging figure per weak sub-index: the weakest sub-index that can be compared, and the next
    one too when it is under ``WEAK_BELOW``, ``MAX_TIPS`` at most."""
    found: list[Lag] = []
    for sub in weakest(row):
        if len(found) == MAX_TIPS or (found and getattr(row, sub.value) >= WEAK_BELOW):
            break
        item = lag(sub, row, medians)
        if item is not None:
            found.append(item)
    return found
