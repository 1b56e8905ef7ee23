"""Which sub-indices get a tip and which raw figure each tip names (insights.tips): the weakest sub-index,
the next one only when it is weak too, and in each the figure furthest behind the peers' median."""

from datetime import date

from insights.models import DailyIndex, SubIndex
from insights.tips import FIELDS, INPUTS, WEAK_BELOW, Relation, lag, tips, weakest

MEDIANS = {
    "plays_30d": 100_000,
    "interaction_rate": 0.05,
    "completion_rate": 0.30,
    "credit_score": 80,
    "order_rating": 4.5,
    "fans_gain_15d": 3_400,
    "cpm": 30.0,
    "fan_quality": 0.6,
    "clicks_per_play": 0.02,
    "conversions_per_play": 0.004,
}


def row(**values) -> DailyIndex:
    """A day's index built in memory: sub-indices default to 60, raw figures to the medians."""
    subs = dict.fromkeys(SubIndex.values, 60.0)
    return DailyIndex(date=date(2026, 11, 30), **{**subs, **MEDIANS, **values})


def test_every_raw_figure_belongs_to_one_sub_index_and_exists_on_the_row():
    assert len(FIELDS) == len(set(FIELDS)) == 10
    assert set(INPUTS) == set(SubIndex)
    for field in FIELDS:
        DailyIndex._meta.get_field(field)


def test_weakest_first_ties_in_drawing_order_missing_left_out():
    r = row(reach=70, cooperation=20, growth=20, value=None, conversion=90)
    assert weakest(r) == [SubIndex.COOPERATION, SubIndex.GROWTH, SubIndex.REACH, SubIndex.CONVERSION]


def test_the_weakest_and_the_next_when_it_is_under_the_middle():
    r = row(reach=80, cooperation=45, growth=12, value=WEAK_BELOW - 0.1, conversion=30, fans_gain_15d=1_200)
    assert [t.sub for t in tips(r, MEDIANS)] == [SubIndex.GROWTH, SubIndex.CONVERSION]


def test_only_the_weakest_when_the_next_is_not_weak():
    r = row(reach=80, cooperation=WEAK_BELOW, growth=42, value=70, conversion=90)
    assert [t.sub for t in tips(r, MEDIANS)] == [SubIndex.GROWTH]


def test_a_strong_creator_still_hears_about_their_weakest():
    r = row(reach=95, cooperation=88, growth=91, value=97, conversion=99)
    assert [t.sub for t in tips(r, MEDIANS)] == [SubIndex.COOPERATION]


def test_growth_names_the_follower_gain_against_the_median():
    item = lag(SubIndex.GROWTH, row(growth=12, fans_gain_15d=1_200), MEDIANS)
    assert (item.input.field, item.value, item.median) == ("fans_gain_15d", 1_200, 3_400)
    assert item.relation == Relation.BELOW and item.behind


def test_within_a_sub_index_the_figure_furthest_behind_is_named():
    # plays 10 % below the median, completion rate a third below: the completion rate is the tip.
    r = row(reach=10, plays_30d=90_000, interaction_rate=0.06, completion_rate=0.20)
    assert lag(SubIndex.REACH, r, MEDIANS).input.field == "completion_rate"


def test_a_higher_cpm_is_behind():
    item = lag(SubIndex.VALUE, row(cpm=45.0, fan_quality=0.65), MEDIANS)
    assert (item.input.field, item.relation, item.behind) == ("cpm", Relation.ABOVE, True)


def test_a_lower_cpm_is_ahead():
    item = lag(SubIndex.VALUE, row(cpm=20.0, fan_quality=0.9), MEDIANS)
    assert item.input.field == "cpm" and item.relation == Relation.BELOW and not item.behind


def test_a_figure_on_the_median_is_not_behind():
    item = lag(SubIndex.GROWTH, row(), MEDIANS)
    assert item.relation == Relation.EQUAL and not item.behind


def test_a_zero_median_compares_by_sign():
    medians = {**MEDIANS, "fans_gain_15d": 0}
    assert lag(SubIndex.GROWTH, row(fans_gain_15d=-5), medians).behind
    assert not lag(SubIndex.GROWTH, row(fans_gain_15d=5), medians).behind
    assert lag(SubIndex.GROWTH, row(fans_gain_15d=0), medians).relation == Relation.EQUAL


def test_figures_without_a_creator_value_or_a_median_are_skipped():
    r = row(reach=5, plays_30d=None, completion_rate=0.01)
    assert lag(SubIndex.REACH, r, {**MEDIANS, "completion_rate": None}).input.field == "interaction_rate"
    assert lag(SubIndex.GROWTH, row(fans_gain_15d=None), MEDIANS) is None


def test_a_sub_index_that_cannot_be_compared_gives_way_to_the_next():
    r = row(growth=5, conversion=20, fans_gain_15d=None)
    assert [t.sub for t in tips(r, MEDIANS)] == [SubIndex.CONVERSION]


def test_no_sub_index_no_tip():
    assert tips(row(**dict.fromkeys(SubIndex.values)), MEDIANS) == []
