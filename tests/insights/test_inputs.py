"""The index's raw figures measured from the stored activity (docs/program.md §4), at the edges of their
windows: content published in [T − 30 days, T), counted orders completed in [T − 90 days, T), follower
figures of D, D − 7 and D − 15 (the nearest earlier figure for a missing day, the first figure before
the first), and followers for fan quality (a figure within the 15 days, else the profile's)."""

from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from django.db import connection

from creators.models import Content, Creator, CreditDaily, FansDaily, Order
from insights.inputs import Inputs, figures_sql
from lib.periods import TZ

from .support import creator

pytestmark = pytest.mark.django_db

T = datetime(2026, 12, 1, 5, 0, tzinfo=TZ)  # the 05:00 run of 2026-12-01
D = date(2026, 12, 1)
SECOND = timedelta(seconds=1)


def measure(who: Creator, at: datetime = T) -> Inputs:
    """The figures a chunk stages for ``who``, read back (the chunk's own statement)."""
    sql, params = figures_sql(first_id=who.pk, last_id=who.pk, at=at)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        (pk, *figures), *others = cursor.fetchall()
    assert (pk, others) == (who.pk, [])
    return Inputs(*figures)


def post(who: Creator, published_at: datetime, plays: int, **counters) -> Content:
    return Content.objects.create(
        external_id=f"{who.external_id}-{Content.objects.count()}",
        creator=who,
        kind="video",
        published_at=published_at,
        effective_plays=plays,
        **counters,
    )


def order(who: Creator, completed_at: datetime, *, kind: str = "standard", status: str = "completed", **figures):
    return Order.objects.create(
        external_id=f"{who.external_id}-o{Order.objects.count()}",
        creator=who,
        kind=kind,
        status=status,
        created_at=completed_at - timedelta(days=3),
        completed_at=completed_at if status == "completed" else None,
        **figures,
    )


def fans(who: Creator, **by_days_back: int) -> None:
    """Follower figures: ``d15=1000`` is 1,000 followers on D − 15."""
    for key, value in by_days_back.items():
        FansDaily.objects.create(creator=who, date=D - timedelta(days=int(key[1:])), fans=value)


# --- content -----------------------------------------------------------------------------------------


def test_the_content_window_starts_exactly_30_days_before_t_and_ends_before_t():
    who = creator(fans=1000)
    post(who, T - timedelta(days=30), 100)  # the window's first instant: counted
    post(who, T - timedelta(days=30) - SECOND, 20)  # a second earlier: only in the total
    post(who, T - SECOND, 3)
    post(who, T, 4000)  # published at T: not yet
    figures = measure(who)
    assert (figures.plays_30d, figures.plays_total) == (103, 123)


def test_rates_are_per_play_of_the_windows_content_and_completion_is_weighted_by_plays():
    who = creator(fans=200)
    post(who, T - timedelta(days=2), 1000, likes=30, comments=10, shares=10, component_clicks=40, conversions=5,
         completion_rate=0.5)  # fmt: skip
    post(who, T - timedelta(days=3), 3000, likes=150, completion_rate=0.1)
    post(who, T - timedelta(days=4), 1000)  # completion rate not known: left out of the mean
    post(who, T - timedelta(days=40), 9000, likes=9000, completion_rate=1.0)  # outside the window
    figures = measure(who)
    assert figures.plays_30d == 5000
    assert figures.interaction_rate == 200 / 5000
    assert figures.completion_rate == pytest.approx((0.5 * 1000 + 0.1 * 3000) / 4000)
    assert (figures.clicks_per_play, figures.conversions_per_play) == (40 / 5000, 5 / 5000)
    assert figures.fan_quality == 200 / 200  # interactions per follower


def test_no_content_in_the_window_leaves_reach_conversion_and_fan_quality_empty():
    who = creator(fans=500)
    post(who, T - timedelta(days=45), 700, likes=70)
    figures = measure(who)
    assert figures.plays_total == 700
    assert (figures.plays_30d, figures.interaction_rate, figures.completion_rate) == (None, None, None)
    assert (figures.clicks_per_play, figures.conversions_per_play, figures.fan_quality) == (None, None, None)


def test_content_with_no_plays_counts_its_zero_plays_but_has_no_rates():
    who = creator(fans=0)
    post(who, T - timedelta(days=1), 0, completion_rate=0.4)
    figures = measure(who)
    assert (figures.plays_30d, figures.interaction_rate, figures.completion_rate, figures.fan_quality) == (
        0,
        None,
        None,
        None,  # no followers either
    )


def test_a_creator_without_any_content_has_a_zero_total():
    assert measure(creator()).plays_total == 0


# --- cooperation and value ----------------------------------------------------------------------------


def test_credit_is_the_latest_daily_figure_up_to_d_else_the_profiles():
    who = creator(credit_score=55)
    assert measure(who).credit_score == 55
    CreditDaily.objects.create(creator=who, date=D - timedelta(days=9), score=70)
    CreditDaily.objects.create(creator=who, date=D, score=72)
    CreditDaily.objects.create(creator=who, date=D + timedelta(days=1), score=10)  # after D
    assert measure(who).credit_score == 72


def test_order_rating_and_cpm_read_counted_orders_of_the_90_days_before_t():
    who = creator()
    order(who, T - timedelta(days=90), rating=5, amount=Decimal("300"), plays=10_000)  # first instant: counted
    order(who, T - timedelta(days=1), rating=3, amount=Decimal("100"), plays=30_000)
    order(who, T - timedelta(days=2), rating=1)  # no amount and plays: rated, not priced
    order(who, T - timedelta(days=90) - SECOND, rating=1, amount=Decimal("9999"), plays=1)
    order(who, T - timedelta(days=3), kind="mass", rating=1, amount=Decimal("9999"), plays=1)
    order(who, T - timedelta(days=3), status="cancelled", rating=1)
    order(who, T, rating=1, amount=Decimal("9999"), plays=1)  # completed at T: not yet
    figures = measure(who)
    assert figures.order_rating == pytest.approx((5 + 3 + 1) / 3)
    assert figures.cpm == pytest.approx(400 / 40_000 * 1000)  # ¥10 per thousand plays


def test_no_counted_order_leaves_rating_and_cpm_empty():
    who = creator()
    order(who, T - timedelta(days=3), kind="minigame", rating=4, amount=Decimal("50"), plays=100)
    figures = measure(who)
    assert (figures.order_rating, figures.cpm) == (None, None)


# --- growth --------------------------------------------------------------------------------------------


def test_the_gain_is_fans_on_d_minus_fans_on_d_minus_15_and_the_trend_compares_the_halves():
    who = creator()
    fans(who, d16=0, d15=1000, d7=1400, d0=2100)
    figures = measure(who)
    assert figures.fans_gain_15d == 1100
    # 700 in the last 7 days (100 a day) against 400 in the 8 before (50 a day).
    assert figures.fans_trend == pytest.approx(700 / 7 - 400 / 8)


def test_a_missing_day_reads_the_nearest_earlier_figure():
    who = creator()
    fans(who, d20=1000, d9=1200, d1=1500)
    figures = measure(who)
    # D reads D − 1, D − 7 reads D − 9, D − 15 reads D − 20.
    assert (figures.fans_gain_15d, figures.fans_trend) == (500, pytest.approx(300 / 7 - 200 / 8))


def test_before_the_first_figure_growth_counts_from_the_first_figure():
    who = creator()
    fans(who, d14=1000, d0=1700)
    figures = measure(who)
    assert figures.fans_gain_15d == 700
    assert figures.fans_trend == pytest.approx(700 / 7)


def test_growth_needs_a_figure_within_the_15_days():
    stale, fresh = creator(), creator()
    fans(stale, d30=100, d15=500)  # nothing since D − 15: no data
    fans(fresh, d30=100, d14=500)
    assert (measure(stale).fans_gain_15d, measure(stale).fans_trend) == (None, None)
    assert measure(fresh).fans_gain_15d == 400


def test_figures_after_d_are_not_read():
    who = creator(fans=999)
    fans(who, d15=100, d0=200)
    FansDaily.objects.create(creator=who, date=D + timedelta(days=1), fans=5000)
    post(who, T - timedelta(days=1), 100, likes=20)
    figures = measure(who)
    assert (figures.fans_gain_15d, figures.fan_quality) == (100, 20 / 200)


def test_fan_quality_reads_the_profiles_followers_without_a_figure_within_the_15_days():
    who, stale = creator(fans=400), creator(fans=800)
    fans(stale, d20=50)
    for each in (who, stale):
        post(each, T - timedelta(days=1), 100, likes=20, comments=10, shares=10)
    assert (measure(who).fan_quality, measure(stale).fan_quality) == (40 / 400, 40 / 800)
