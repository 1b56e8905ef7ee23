"""The sub-indices as percentile ranks on hand-made figures (docs/program.md §4): the midrank percentile
among the creators with data (ties share it, a creator alone gets 50), lower-is-better figures turned
round, a sub-index's components averaged then ranked again, and the weighted composite over the
sub-indices a creator has."""

import pytest

from insights.models import DailyIndex, IndexStage
from insights.ranking import percentiles
from insights.services import index_publish_day

from .support import BATCH, DAY, index_of, rows

pytestmark = pytest.mark.django_db


def rank() -> dict:
    return index_publish_day(day=DAY, batch=BATCH)


def test_percentiles_are_midranks_among_the_values_present():
    assert percentiles([3, None, 1, 2, 2]) == [7 / 8, None, 1 / 8, 4 / 8, 4 / 8]
    assert percentiles([3, 1], descending=True) == [1 / 4, 3 / 4]
    assert percentiles([None, None]) == [None, None]
    assert percentiles([]) == []


def test_ties_share_the_midrank_and_creators_without_data_get_none():
    low, tie_a, tie_b, high, without = rows(
        {"plays_30d": 10}, {"plays_30d": 20}, {"plays_30d": 20}, {"plays_30d": 30}, {"plays_total": 5}
    )
    rank()
    # Among four: (below + ½ × equal) / 4 — 10: ½/4, 20: (1 + 1)/4 for both, 30: (3 + ½)/4.
    assert [index_of(c, "reach") for c in (low, tie_a, tie_b, high)] == [12.5, 50.0, 50.0, 87.5]
    assert index_of(without, "reach") is None
    assert index_of(without, "composite") is None


def test_a_creator_alone_with_data_gets_50_and_so_does_a_whole_tie():
    alone, *others = rows({"fans_gain_15d": 300}, {"plays_30d": 1}, {"plays_30d": 1})
    rank()
    assert index_of(alone, "growth") == 50.0
    assert [index_of(c, "reach") for c in others] == [50.0, 50.0]
    assert all(index_of(c, "growth") is None for c in others)


def test_a_lower_cpm_ranks_higher():
    cheap, dear = rows({"cpm": 100.0}, {"cpm": 200.0})
    rank()
    assert (index_of(cheap, "value"), index_of(dear, "value")) == (75.0, 25.0)


def test_a_sub_index_ranks_the_mean_of_its_components_percentiles():
    # plays: a ⅙, b 3/6, c 5/6 among three; interaction rate: b ¼, a ¾ among two (c has none).
    a, b, c = rows(
        {"plays_30d": 1, "interaction_rate": 0.3},
        {"plays_30d": 2, "interaction_rate": 0.2},
        {"plays_30d": 3},
    )
    rank()
    # Scores: a (⅙ + ¾)/2 ≈ 0.458, b (½ + ¼)/2 = 0.375, c ⅚: ranked again among three.
    assert [round(index_of(x, "reach"), 4) for x in (a, b, c)] == [50.0, 16.6667, 83.3333]


def test_equal_scores_reached_through_different_components_tie():
    # Component ranks 0–4 of five creators: a (0, 1, 4) and b (1, 4, 0) have the same mean, but their
    # percentiles summed in that order differ in the last bit of a float; c (2, 0, 3) too.
    ranks = [(0, 1, 4), (1, 4, 0), (2, 0, 3), (3, 2, 1), (4, 3, 2)]
    made = rows(*({"plays_30d": p, "interaction_rate": r / 10, "completion_rate": c / 10} for p, r, c in ranks))
    rank()
    # Three tie at the bottom: (0 + ½ × 3) / 5; then (3 + ½) / 5 and (4 + ½) / 5.
    assert [index_of(c, "reach") for c in made] == [30.0, 30.0, 30.0, 70.0, 90.0]


def test_the_composite_is_the_weighted_mean_of_the_sub_indices_a_creator_has(settings):
    settings.XINGTU_INDEX_WEIGHTS = {"reach": 0.5, "cooperation": 0.25, "growth": 0.25, "value": 0, "conversion": 0}
    full, partial = rows(
        {"plays_30d": 2, "credit_score": 60.0, "fans_gain_15d": 10, "cpm": 50.0, "clicks_per_play": 0.1},
        {"plays_30d": 1, "credit_score": 70.0},
    )
    rank()
    full_row, partial_row = (DailyIndex.objects.get(creator=c) for c in (full, partial))
    assert (full_row.reach, full_row.cooperation, full_row.growth) == (75.0, 25.0, 50.0)
    assert full_row.composite == 0.5 * 75 + 0.25 * 25 + 0.25 * 50  # value and conversion weigh nothing
    # No growth: its weight is left out and the others are scaled up to fill the whole.
    assert (partial_row.reach, partial_row.cooperation, partial_row.growth) == (25.0, 75.0, None)
    assert partial_row.composite == pytest.approx((0.5 * 25 + 0.25 * 75) / 0.75)


def test_the_default_weights_are_the_programs(settings):
    assert settings.XINGTU_INDEX_WEIGHTS == {
        "reach": 0.30,
        "cooperation": 0.20,
        "growth": 0.15,
        "value": 0.20,
        "conversion": 0.15,
    }
    one, _two = rows(
        {"plays_30d": 1, "credit_score": 2.0, "fans_gain_15d": 1, "cpm": 1.0, "clicks_per_play": 0.2},
        {"plays_30d": 2, "credit_score": 1.0, "fans_gain_15d": 2, "cpm": 2.0, "clicks_per_play": 0.1},
    )
    rank()
    row = DailyIndex.objects.get(creator=one)
    assert (row.reach, row.cooperation, row.growth, row.value, row.conversion) == (25.0, 75.0, 25.0, 75.0, 75.0)
    assert row.composite == pytest.approx(0.30 * 25 + 0.20 * 75 + 0.15 * 25 + 0.20 * 75 + 0.15 * 75)  # 52.5


def test_only_the_batchs_day_is_published_and_its_staged_rows_are_dropped():
    (today,) = rows({"plays_30d": 5})
    (other_day,) = rows({"plays_30d": 1}, day=DAY.replace(day=2))
    (other_batch,) = rows({"plays_30d": 9}, batch=BATCH + 1)
    assert rank() == {"indexed": 1}
    assert index_of(today, "reach") == 50.0
    assert not DailyIndex.objects.filter(creator__in=[other_day, other_batch]).exists()
    assert sorted(IndexStage.objects.values_list("creator_id", flat=True)) == [other_day.pk, other_batch.pk]


def test_publishing_again_without_new_figures_keeps_the_same_ranks():
    made = rows(*({"plays_30d": n % 4, "credit_score": float(n % 3), "cpm": float(n)} for n in range(9)))
    rank()
    first = list(DailyIndex.objects.order_by("creator_id").values_list("composite", "reach", "cooperation", "value"))
    rank()  # nothing staged any more: the day's rows are its population
    again = list(DailyIndex.objects.order_by("creator_id").values_list("composite", "reach", "cooperation", "value"))
    assert again == first and len(first) == len(made)
