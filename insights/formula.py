"""The Xingtu index's formula (docs/program.md §4), defined once: the windows its figures are measured
over, which figures (``DailyIndex`` columns) make up each sub-index and which way they count, and the
composite's weights (``settings.XINGTU_INDEX_WEIGHTS``). The job (``insights.services``) and every page
that states the formula read it from here.

Each sub-index of a creator on day D is a percentile rank among the creators with data for it that day.
The percentile of a value among N values is the midrank: (values below it + ½ × values equal to it) / N,
so ties share a rank, a creator alone (or a whole tie) gets ½, and the best of N distinct values gets 1 − 1/(2N).

1. every component figure is ranked so among the creators that have it (for a lower-is-better figure,
   "below" means higher);
2. the sub-index's score is the mean of the creator's component percentiles (the components they have);
3. the sub-index is 100 × the percentile of that score among the creators with a score.

The composite is the weighted mean of the sub-indices the creator has: Σ wᵢ·sᵢ / Σ wᵢ over them; null
only when the creator has none.
"""

from dataclasses import dataclass

from django.conf import settings

from .models import SubIndex

# Content published in [T − 30 days, T): reach, fan quality, conversion (the level rules' window).
CONTENT_DAYS = 30
# Counted orders (completed, neither 全民任务 nor 小游戏任务) completed in [T − 90 days, T): rating, CPM.
ORDER_DAYS = 90
# Follower figures: the gain from D − 15 to D, and its trend: the last 7 days against the 8 before.
FANS_DAYS = 15
FANS_RECENT_DAYS = 7

# Score ties: component ranks are means of fractions, so two equal scores may differ in the last bits of a
# float; scores are compared rounded to this many parts of 1.
SCORE_RESOLUTION = 10**9


@dataclass(frozen=True)
class Component:
    """One figure of a sub-index: a ``DailyIndex`` column, and whether a lower value ranks higher."""

    field: str
    lower_is_better: bool = False


# The cooperation sub-index is also meant to subtract cheating flags; ingest v1 carries none, so that
# term is 0 until the data platform sends them.
COMPONENTS: dict[str, tuple[Component, ...]] = {
    SubIndex.REACH.value: (Component("plays_30d"), Component("interaction_rate"), Component("completion_rate")),
    SubIndex.COOPERATION.value: (Component("credit_score"), Component("order_rating")),
    SubIndex.GROWTH.value: (Component("fans_gain_15d"), Component("fans_trend")),
    SubIndex.VALUE.value: (Component("cpm", lower_is_better=True), Component("fan_quality")),
    SubIndex.CONVERSION.value: (Component("clicks_per_play"), Component("conversions_per_play")),
}


def weights() -> dict[str, float]:
    """Each sub-index's weight in the composite, in drawing order (``SubIndex``)."""
    return {code: float(settings.XINGTU_INDEX_WEIGHTS[code]) for code in SubIndex.values}


def weights_problems(configured: object) -> list[str]:
    """What is wrong with a ``XINGTU_INDEX_WEIGHTS`` value (empty: nothing): exactly the five sub-indices,
    each a number from 0 to 1, adding up to 1."""
    if not isinstance(configured, dict):
        return ["must be an object mapping each sub-index to its weight"]
    problems = []
    if set(configured) != set(SubIndex.values):
        problems.append(f"must name exactly {', '.join(SubIndex.values)}; got {', '.join(map(str, configured))}")
    values = [v for v in configured.values() if isinstance(v, int | float) and not isinstance(v, bool)]
    if len(values) != len(configured) or any(not 0 <= v <= 1 for v in values):
        problems.append("every weight must be a number from 0 to 1")
    elif abs(sum(values) - 1) > 1e-6:
        problems.append(f"the weights must add up to 1, not {sum(values):g}")
    return problems
