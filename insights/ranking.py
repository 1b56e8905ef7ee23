"""Ranking one day's population: the five sub-indices and the composite of every creator from their raw
figures, as ``insights.formula`` defines them. Plain Python over columns of figures (one sort per figure),
the same on every database; ``insights.services`` reads the day's figures and writes the results.
"""

from collections import Counter
from collections.abc import Sequence
from itertools import accumulate

from .formula import COMPONENTS, SCORE_RESOLUTION, weights
from .inputs import RAW_FIELDS

Figure = float | int | None
# Each sub-index's components, as (position among ``RAW_FIELDS``, lower is better).
_COLUMNS = {
    code: [(RAW_FIELDS.index(c.field), c.lower_is_better) for c in components]
    for code, components in COMPONENTS.items()
}


def percentiles(values: Sequence[Figure], *, descending: bool = False) -> list[float | None]:
    """Each value's midrank percentile among the values present, as a fraction: (values below it + ½ ×
    values equal to it) / values present — "below" meaning greater with ``descending`` — and None for a
    missing value. Equal values get the very same float."""
    counts = Counter([v for v in values if v is not None])
    ordered = sorted(counts, reverse=descending)
    equal = [counts[v] for v in ordered]
    twice_total = 2 * sum(equal)
    # With ``up_to`` = values below + equal: 2 × below + equal = 2 × up_to − equal, in integers.
    at = {v: (2 * up_to - n) / twice_total for v, up_to, n in zip(ordered, accumulate(equal), equal, strict=True)}
    return [None if v is None else at[v] for v in values]


def _scores(ranked: Sequence[Sequence[float | None]], size: int) -> list[int | None]:
    """Per creator, the mean of the component ranks present, rounded to ``SCORE_RESOLUTION`` so that
    equal means reached by different sums tie; None when none is present. Column by column: this runs
    over the whole population."""
    totals, counts = [0.0] * size, [0] * size
    for column in ranked:
        for i, rank in enumerate(column):
            if rank is not None:
                totals[i] += rank
                counts[i] += 1
    return [round(SCORE_RESOLUTION * t / c) if c else None for t, c in zip(totals, counts, strict=True)]


def _composites(sub_indices: Sequence[Sequence[float | None]], size: int) -> list[float | None]:
    """Per creator, the weighted mean of the sub-indices present (Σ wᵢ·sᵢ / Σ wᵢ); None when none is,
    or when those present all weigh nothing."""
    sums, weights_present = [0.0] * size, [0.0] * size
    for weight, column in zip(weights().values(), sub_indices, strict=True):
        for i, value in enumerate(column):
            if value is not None:
                sums[i] += weight * value
                weights_present[i] += weight
    return [s / w if w else None for s, w in zip(sums, weights_present, strict=True)]


def rank_population(figures: Sequence[Sequence[Figure]]) -> list[tuple[float | None, ...]]:
    """For each creator's raw figures (in ``RAW_FIELDS`` order), their (composite, reach, cooperation,
    growth, value, conversion): each sub-index 0–100, None without data; the composite the weighted mean
    of the sub-indices present, None with none."""
    size = len(figures)
    columns = list(zip(*figures, strict=True)) if figures else [() for _ in RAW_FIELDS]
    sub_indices = []
    for components in _COLUMNS.values():
        scores = _scores([percentiles(columns[i], descending=lower) for i, lower in components], size)
        sub_indices.append([None if p is None else 100 * p for p in percentiles(scores)])
    return list(zip(_composites(sub_indices, size), *sub_indices, strict=True))
