"""One creator's index and exposure as the business assistant reads them (insights.selectors)."""

from datetime import date, timedelta

import pytest

from insights.models import Surface
from insights.selectors import impressions_by_surface, index_history, latest_index
from tests.index_builders import holding, impression, index_days, index_row

pytestmark = pytest.mark.django_db

DAY = date(2026, 11, 30)


def test_latest_index_is_the_last_day_up_to_the_given_one():
    me = holding(2)
    index_days(me, DAY + timedelta(days=1), [50.0, None, 60.0])  # 11-29, (11-30 missing), 12-01
    assert latest_index(creator=me, on_or_before=DAY).date == DAY - timedelta(days=1)
    assert latest_index(creator=me, on_or_before=DAY - timedelta(days=2)) is None
    assert latest_index(creator=holding(2), on_or_before=DAY) is None


def test_history_is_the_days_ending_with_the_last_one_and_only_the_creator_s():
    me, other = holding(2), holding(2)
    index_days(me, DAY, [float(n) for n in range(40)])
    index_row(other, DAY - timedelta(days=3), composite=99.0)

    history = index_history(creator=me, last=DAY, days=30)

    assert sorted(history) == [DAY - timedelta(days=n) for n in range(29, -1, -1)]
    assert history[DAY].composite == 39.0


def test_impressions_are_summed_per_surface_over_the_days_given():
    me = holding(1)
    impression(me, DAY, Surface.SQUARE, 5)
    impression(me, DAY - timedelta(days=29), Surface.SQUARE, 7)
    impression(me, DAY - timedelta(days=30), Surface.SQUARE, 1_000)  # before the first day
    impression(me, DAY + timedelta(days=1), Surface.DAILY_BOARD, 1_000)  # after the last
    impression(me, DAY, Surface.BUSINESS_BOARD, 3)
    impression(holding(1), DAY, Surface.SQUARE_SLOT, 1_000)  # someone else's

    counts = impressions_by_surface(creator=me, first=DAY - timedelta(days=29), last=DAY)

    assert counts == {"square": 12, "square_slot": 0, "business_board": 3, "daily_board": 0}
