"""A requirement row writes its value, threshold and gap in one unit (docs/ui.md "Look"), exact near the bar."""

from fractions import Fraction

import pytest
from django.utils import translation

from levels.models import Comparison
from levels.rules import Requirement
from portal.presenters.rows import requirement_row

AVG_PLAYS = Requirement(2, "avg_plays_30d", Comparison.GT, 100_000)
FANS = Requirement(3, "fans", Comparison.GT, 300_000)
POSTS = Requirement(1, "posts_30d", Comparison.GTE, 5)


def shown(row) -> tuple[str, str, str]:
    return row.value, row.target, row.gap or row.margin


def test_an_unmet_row_reads_in_one_unit_with_the_exact_figures_in_its_title():
    row = requirement_row(requirement=AVG_PLAYS, value=Fraction(72_258), met=False)
    assert shown(row) == ("7.2万", "> 10万", "还差 2.8万")
    assert row.exact == "72,258 / > 100,000"


def test_a_met_row_with_its_margin_in_the_same_unit():
    row = requirement_row(requirement=FANS, value=368_399, met=True)
    assert shown(row) == ("36.8万", "> 30万", "余 6.8万")


def test_a_small_value_against_a_big_bar_takes_the_bars_unit():
    row = requirement_row(requirement=FANS, value=80_000, met=False)
    assert shown(row) == ("8万", "> 30万", "还差 22万")


@pytest.mark.parametrize(
    ("value", "met", "expected"),
    [
        (299_950, False, ("299,950", "> 300,000", "还差 51")),
        (300_000, False, ("300,000", "> 300,000", "还差 1")),  # on a strict bar: one more is needed
        (300_001, True, ("300,001", "> 300,000", "刚好达标")),
        (300_999, True, ("300,999", "> 300,000", "余 998")),
    ],
)
def test_near_the_bar_the_row_is_exact(value, met, expected):
    assert shown(requirement_row(requirement=FANS, value=value, met=met)) == expected


def test_a_mean_just_under_the_bar_keeps_the_decimal_that_shows_it():
    row = requirement_row(requirement=AVG_PLAYS, value=Fraction(999_996, 10), met=False)
    assert shown(row) == ("99,999.6", "> 100,000", "还差 1")


def test_counts_keep_their_unit_word():
    assert shown(requirement_row(requirement=POSTS, value=2, met=False)) == ("2", "≥ 5", "还差 3 条")


def test_english_rows_use_k_consistently():
    with translation.override("en"):
        row = requirement_row(requirement=AVG_PLAYS, value=Fraction(72_258), met=False)
        assert (row.value, row.target) == ("72.3k", "> 100k")
        assert row.gap == "27.7k to go"


def test_a_row_drawn_before_is_drawn_again_in_the_readers_language_and_url_prefix():
    """Rows are kept per process by what they are drawn from; the language and the URL prefix are part of it."""
    from django.urls import set_script_prefix

    from portal.presenters.rows import row_item

    courses = Requirement(2, "courses_completed", Comparison.GTE, 3)
    with translation.override("zh-hans"):
        chinese = requirement_row(requirement=courses, value=1, met=False)
        chinese_html = row_item(chinese)
    with translation.override("en"):
        english = requirement_row(requirement=courses, value=1, met=False)
        english_html = row_item(english)
    assert (chinese.gap, chinese.action_text) == ("还差 2 门", "去学习")
    assert english.action_text == "Study" and "to go" in english.gap
    assert "去学习" in chinese_html and "Study" in english_html and "去学习" not in english_html
    with translation.override("zh-hans"):
        assert requirement_row(requirement=courses, value=1, met=False) is chinese  # kept
        set_script_prefix("/xt/")
        try:
            prefixed = requirement_row(requirement=courses, value=1, met=False)
        finally:
            set_script_prefix("/")
    assert (chinese.action_url, prefixed.action_url) == ("/academy/", "/xt/academy/")
