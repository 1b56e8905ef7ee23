"""The medians of a creator's peers (levels.peers over lib.sql.medians): the creators holding the same level,
on the same day, each figure over the peers who have it — one query whatever their number."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from levels.peers import peer_medians
from tests.index_builders import holding, index_row

pytestmark = pytest.mark.django_db

DAY = date(2026, 11, 30)
FIELDS = ("fans_gain_15d", "interaction_rate", "cpm")


def test_odd_count_takes_the_middle_even_count_averages_the_two_middle_values():
    for gain in (300, 100, 200):
        index_row(holding(2), DAY, fans_gain_15d=gain)
    for rate in (0.04, 0.01, 0.03, 0.02):
        index_row(holding(2), DAY, interaction_rate=rate)

    medians = peer_medians(level=2, day=DAY, fields=FIELDS)

    assert medians["fans_gain_15d"] == 200
    assert medians["interaction_rate"] == pytest.approx(0.025)


def test_missing_figures_are_left_out_not_counted_as_zero():
    index_row(holding(3), DAY, fans_gain_15d=-50, cpm=None)
    index_row(holding(3), DAY, fans_gain_15d=None, cpm=40.0)
    index_row(holding(3), DAY, fans_gain_15d=10, cpm=None)

    medians = peer_medians(level=3, day=DAY, fields=FIELDS)

    assert medians == {"fans_gain_15d": -20, "interaction_rate": None, "cpm": 40.0}


def test_only_the_same_level_on_the_same_day_counts():
    index_row(holding(3), DAY, fans_gain_15d=1_000)
    index_row(holding(2), DAY, fans_gain_15d=5)  # another level
    index_row(holding(3), DAY - timedelta(days=1), fans_gain_15d=9_999)  # another day
    index_row(holding(3), DAY, fans_gain_15d=3_000)

    assert peer_medians(level=3, day=DAY, fields=FIELDS)["fans_gain_15d"] == 2_000


def test_level_zero_is_the_creators_without_a_level_row_or_holding_zero():
    index_row(holding(0), DAY, fans_gain_15d=10)
    zero = holding(1)
    zero.level_held.level = 0
    zero.level_held.save()
    index_row(zero, DAY, fans_gain_15d=30)
    index_row(holding(1), DAY, fans_gain_15d=99_999)

    assert peer_medians(level=0, day=DAY, fields=FIELDS)["fans_gain_15d"] == 20


def test_no_peer_with_data_gives_none():
    assert peer_medians(level=4, day=DAY, fields=FIELDS) == dict.fromkeys(FIELDS)


def test_one_query_whatever_the_number_of_peers():
    for n in range(40):
        index_row(holding(2), DAY, fans_gain_15d=n, interaction_rate=n / 100, cpm=n)
    with CaptureQueriesContext(connection) as captured:
        medians = peer_medians(level=2, day=DAY, fields=FIELDS)
    assert len(captured) == 1
    assert medians == {"fans_gain_15d": 19.5, "interaction_rate": pytest.approx(0.195), "cpm": 19.5}
