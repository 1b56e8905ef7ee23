"""``levels.rules``' comparison helpers: ``margin`` (the gap and spare the pages show) agrees with
``compare`` (the verdict the engine uses) for both comparisons, on whole numbers and exact means."""

from fractions import Fraction

import pytest

from levels.models import Comparison
from levels.rules import compare, margin

VALUES = [*range(95, 106), Fraction(199_999, 2_000), Fraction(200_001, 2_000), Fraction(100), Fraction(301, 3)]


@pytest.mark.parametrize("comparison", [Comparison.GTE, Comparison.GT])
def test_margin_is_non_negative_exactly_when_the_value_passes(comparison):
    for value in VALUES:
        assert (margin(comparison, 100, value) >= 0) == compare(comparison, 100, value), value


@pytest.mark.parametrize(
    ("comparison", "value", "expected"),
    [
        (Comparison.GTE, 100, 0),  # ≥ keeps the bar itself: met, nothing to spare
        (Comparison.GT, 100, -1),  # > needs one more
        (Comparison.GT, 101, 0),
        (Comparison.GTE, 103, 3),
        (Comparison.GT, 103, 2),
        (Comparison.GTE, Fraction(199_999, 2_000), -1),  # 99.9995: one whole unit short of ≥ 100
        (Comparison.GT, Fraction(200_001, 2_000), 0),  # 100.0005 > 100, but losing 1 fails
        (Comparison.GT, 97, -4),
    ],
)
def test_margin_counts_whole_units_to_or_from_the_bar(comparison, value, expected):
    assert margin(comparison, 100, value) == expected
