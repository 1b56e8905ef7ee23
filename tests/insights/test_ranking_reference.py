"""The numpy ranking (``insights.ranking``) against the formula written out in plain Python, on random
populations full of ties and missing figures: the very same floats, not merely close ones."""

import random
from collections import Counter
from itertools import accumulate

import pytest

from insights.formula import COMPONENTS, SCORE_RESOLUTION, weights
from insights.inputs import RAW_FIELDS
from insights.ranking import column, rank_population
from lib.columnar import python_values


def midranks(values: list, descending: bool = False) -> list:
    counts = Counter(v for v in values if v is not None)
    ordered = sorted(counts, reverse=descending)
    equal = [counts[v] for v in ordered]
    at = {v: (2 * up_to - n) / (2 * sum(equal)) for v, up_to, n in zip(ordered, accumulate(equal), equal, strict=True)}
    return [None if v is None else at[v] for v in values]


def reference(population: list[list]) -> list[list]:
    """(composite, *sub-indices) per creator, by the formula's own words (``insights.formula``)."""
    columns = dict(zip(RAW_FIELDS, zip(*population, strict=True), strict=True))
    sub_indices = []
    for components in COMPONENTS.values():
        ranked = [midranks(list(columns[c.field]), c.lower_is_better) for c in components]
        scores = []
        for ranks in zip(*ranked, strict=True):
            present = [r for r in ranks if r is not None]
            total = 0.0
            for r in present:
                total += r
            scores.append(round(SCORE_RESOLUTION * total / len(present)) if present else None)
        sub_indices.append([None if p is None else 100 * p for p in midranks(scores)])
    composites = []
    for values in zip(*sub_indices, strict=True):
        total = weight = 0.0
        for w, v in zip(weights().values(), values, strict=True):
            if v is not None:
                total += w * v
                weight += w
        composites.append(total / weight if weight else None)
    return [composites, *sub_indices]


@pytest.mark.parametrize("seed", range(8))
def test_numpy_ranks_equal_the_formula_in_plain_python(seed: int, settings) -> None:
    rng = random.Random(seed)
    if seed % 2:  # weights with a zero, so that some creators' sub-indices present all weigh nothing
        settings.XINGTU_INDEX_WEIGHTS = {"reach": 0.4, "cooperation": 0.3, "growth": 0.3, "value": 0, "conversion": 0}
    size = rng.choice([1, 2, 7, 300])

    def figure(field: str):
        if rng.random() < 0.3:
            return None
        if field in ("plays_total", "plays_30d", "fans_gain_15d"):
            return rng.randint(-5, 5) * 10 ** rng.randint(0, 12)  # few distinct values: many ties
        return rng.choice([0.0, 0.1, 1 / 3, 2.5, rng.random()])

    population = [[figure(field) for field in RAW_FIELDS] for _ in range(size)]
    ranked = rank_population([column(values) for values in zip(*population, strict=True)])
    assert [python_values(values) for values in ranked] == reference(population)
