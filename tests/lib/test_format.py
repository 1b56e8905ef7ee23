"""One rule for figures (docs/ui.md "Look"): 万 in Chinese, k and M in English, from 10,000 up; a value,
its threshold and its gap in one unit; bars and money never rounded; exact digits near the bar."""

from decimal import Decimal
from fractions import Fraction

import pytest
from django.utils import translation

from lib.format import Figures, bars, exact, figure, figures, money, moneys, round_count, side_by_side


def both(fn, *args):
    with translation.override("zh-hans"):
        zh = fn(*args)
    with translation.override("en"):
        en = fn(*args)
    return zh, en


# --- a lone figure -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "zh", "en"),
    [
        (9_999, "9,999", "9,999"),
        (10_000, "1万", "10k"),
        (99_999, "9.9万", "99.9k"),  # cut: never "10万" before the creator has 100,000
        (100_000, "10万", "100k"),
        (286_000, "28.6万", "286k"),
        (999_999, "99.9万", "999.9k"),
        (1_000_000, "100万", "1M"),
        (1_234_567, "123.4万", "1.2M"),
        (123_456_789, "1.2亿", "123.4M"),
        (12_345_678_901, "123.4亿", "12,345.6M"),
        (0, "0", "0"),
        (-12_345, "-1.2万", "-12.3k"),
        (Fraction(9_135, 2), "4,567.5", "4,567.5"),
        (Fraction(20_001, 2), "1万", "10k"),
        (None, "—", "—"),
    ],
)
def test_a_lone_figure_is_short_from_10000_and_cut_to_one_decimal(value, zh, en):
    assert both(figure, value) == (zh, en)


def test_exact_gives_every_digit_for_a_title():
    assert exact(99_999) == "99,999"
    assert exact(Fraction(50_001, 5)) == "10,000.20"
    assert exact(None) == "—"


# --- a value against its threshold ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "threshold", "distance", "zh", "en"),
    [
        # The rows: one unit for the three, the largest of them decides.
        (72_258, 100_000, -27_743, ("7.2万", "10万", "2.8万"), ("72.3k", "100k", "27.7k")),
        (368_399, 300_000, 68_398, ("36.8万", "30万", "6.8万"), ("368.4k", "300k", "68.4k")),
        (132_000, 80_000, 51_999, ("13.2万", "8万", "5.2万"), ("132k", "80k", "52k")),
        # A small value against a big bar is written in the bar's unit.
        (8_120, 100_000, -91_881, ("0.8万", "10万", "9.2万"), ("8.1k", "100k", "91.9k")),
        (0, 100_000, -100_001, ("0", "10万", "10万"), ("0", "100k", "100k")),
        # Below 10,000 everything is exact.
        (2, 6, -4, ("2", "6", "4"), ("2", "6", "4")),
        # English switches to M only when the threshold reads exactly in it.
        (1_234_567, 500_000, 734_566, ("123.5万", "50万", "73.5万"), ("1.2M", "0.5M", "0.7M")),
        (1_234_567, 150_000, 1_084_566, ("123.5万", "15万", "108.5万"), ("1,234.6k", "150k", "1,084.6k")),
    ],
)
def test_value_threshold_and_gap_share_one_unit(value, threshold, distance, zh, en):
    zh_row, en_row = both(figures, value, threshold, distance)
    assert (zh_row.value, zh_row.threshold, zh_row.distance) == zh
    assert (en_row.value, en_row.threshold, en_row.distance) == en


@pytest.mark.parametrize(
    ("value", "threshold", "distance", "row"),
    [
        (9_999, 10_000, -1, ("9,999", "10,000", "1")),
        (10_000, 10_000, 0, ("10,000", "10,000", "0")),
        (99_999, 100_000, -1, ("99,999", "100,000", "1")),
        (99_950, 100_000, -51, ("99,950", "100,000", "51")),  # rounds to 10万: it must not read "10万 / > 10万"
        (100_000, 100_000, 0, ("100,000", "100,000", "0")),
        (1_000_000, 1_000_000, 0, ("1,000,000", "1,000,000", "0")),
        # A mean shows as many decimals as it takes to stay on its side of the bar.
        (Fraction(49_998, 5), 10_000, -1, ("9,999.6", "10,000", "1")),
        (Fraction(250_001, 25), 10_000, 0, ("10,000.04", "10,000", "0")),
        # A bar without an exact short form is quoted in digits, and the row with it.
        (72_258, 12_345, 59_913, ("72,258", "12,345", "59,913")),
    ],
)
def test_near_the_bar_the_row_is_exact_in_both_languages(value, threshold, distance, row):
    for shown in both(figures, value, threshold, distance):
        assert (shown.value, shown.threshold, shown.distance) == row
        assert not shown.short


def test_within_one_step_of_the_bar_the_row_is_exact_and_a_whole_step_away_it_is_short():
    with translation.override("zh-hans"):  # 万 with one decimal is precise to 1,000
        assert figures(99_001, 100_000, -999) == Figures("99,001", "100,000", "999", False)
        assert figures(100_500, 100_000, 499) == Figures("100,500", "100,000", "499", False)
        assert figures(99_000, 100_000, -1_001) == Figures("9.9万", "10万", "0.1万", True)
        assert figures(101_000, 100_000, 999) == Figures("10.1万", "10万", "0.1万", True)
    with translation.override("en"):  # k with one decimal is precise to 100
        assert figures(99_950, 100_000, -51) == Figures("99,950", "100,000", "51", False)
        assert figures(99_900, 100_000, -101) == Figures("99.9k", "100k", "0.1k", True)
        assert figures(100_500, 100_000, 499) == Figures("100.5k", "100k", "0.5k", True)


@pytest.mark.parametrize("value", range(90_000, 110_001, 50))
@pytest.mark.parametrize("strict", [False, True])
def test_a_short_row_never_reads_as_on_the_bar_or_with_nothing_missing(value, strict):
    """Around 10万 in steps of 50, for ≥ and >: a short row's value never reads as the bar, and a gap or
    margin other than zero never reads 0 — so "10万 / ≥ 10万 · 未达成" cannot appear."""
    distance = value - 100_000 - (1 if strict else 0)  # as levels.rules.margin gives it
    for shown in both(figures, value, 100_000, distance):
        if shown.short:
            assert shown.value != shown.threshold
            assert shown.distance != "0" or distance == 0
        else:
            assert shown.value == exact(value)


def test_a_zero_or_missing_gap():
    with translation.override("zh-hans"):
        assert figures(300_000, 100_000, 0).distance == "0"
        assert figures(300_000, 100_000).distance == ""
        assert figures(72_258, 100_000, -27_743).distance == figures(72_258, 100_000, 27_743).distance


# --- bars and money ------------------------------------------------------------------------------------


def test_a_bar_is_short_only_when_exact():
    assert both(round_count, 100_000) == ("10万", "100k")
    assert both(round_count, 10_000) == ("1万", "10k")
    assert both(round_count, 15_000) == ("1.5万", "15k")
    assert both(round_count, 12_500) == ("12,500", "12.5k")
    assert both(round_count, 12_345) == ("12,345", "12,345")
    assert both(round_count, 9_999) == ("9,999", "9,999")
    assert both(round_count, 1_000_000) == ("100万", "1M")


def test_bars_in_one_row_are_short_only_when_all_of_them_can_be():
    assert both(bars, 300_000, 550_000) == (["30万", "55万"], ["300k", "550k"])
    assert both(bars, 300_000, 12_345) == (["300,000", "12,345"], ["300,000", "12,345"])


@pytest.mark.parametrize(
    ("amount", "zh", "en"),
    [
        (5_000, "¥5,000", "¥5,000"),
        (7_000, "¥7,000", "¥7,000"),
        (9_999, "¥9,999", "¥9,999"),
        (10_000, "¥1万", "¥10k"),
        (70_000, "¥7万", "¥70k"),
        (99_999, "¥99,999", "¥99,999"),  # money is never rounded
        (130_000, "¥13万", "¥130k"),
        (1_000_000, "¥100万", "¥1M"),
        (Decimal("50.00"), "¥50", "¥50"),
        (Decimal("12.50"), "¥12.50", "¥12.50"),
    ],
)
def test_money(amount, zh, en):
    assert both(money, amount) == (zh, en)


def test_amounts_in_one_row_share_a_unit():
    with translation.override("zh-hans"):
        assert moneys(24_000, 23_000) == ["¥2.4万", "¥2.3万"]
        assert moneys(24_000, 23_500) == ["¥24,000", "¥23,500"]
        assert moneys("150.00", "200.00") == ["¥150", "¥200"]


# --- small measures side by side -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("values", "percent", "texts"),
    [
        ((85, 90), False, ["85", "90"]),  # whole: no decimals
        ((85.0, 90), False, ["85", "90"]),
        ((4.35, 4.5), False, ["4.4", "4.5"]),  # one decimal, rounded to the nearest
        ((4.41, 4.44), False, ["4.41", "4.44"]),  # as many as it takes to tell them apart
        ((4.5, 4.5), False, ["4.5", "4.5"]),
        ((0.0345, 0.05), True, ["3.5%", "5.0%"]),
        ((0.0012, 0.0015), True, ["0.12%", "0.15%"]),  # two significant digits for the smallest
        ((0.00121, 0.00124), True, ["0.121%", "0.124%"]),
        ((0.0012, 0.05), True, ["0.12%", "5.00%"]),
        ((0.000012, 0), False, ["0.0000", "0.0000"]),  # four decimals at most
        ((0.3, 0.2, 0.15), True, ["30%", "20%", "15%"]),  # float noise (0.3 × 100) does not show
        ((12_345.5, 12_000), False, ["12,345.5", "12,000.0"]),
        ((-1.25, 0), False, ["-1.3", "0.0"]),
    ],
)
def test_side_by_side_share_their_decimals_and_keep_different_values_apart(values, percent, texts):
    assert side_by_side(*values, percent=percent) == texts
