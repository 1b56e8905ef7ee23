"""Figures read the way the reader's language counts: 万 in Chinese, k and M in English."""

from fractions import Fraction

import pytest
from django.utils import translation

from lib.format import figure, money, round_count


@pytest.mark.parametrize(
    ("value", "zh", "en"),
    [
        (286_000, "28.6万", "286k"),
        (300_000, "30万", "300k"),
        (1_234_567, "123.5万", "1.2M"),
        (99_999, "99,999", "99,999"),
        (Fraction(20_001, 2), "10,000.5", "10,000.5"),
        (None, "—", "—"),
    ],
)
def test_figure(value, zh, en):
    with translation.override("zh-hans"):
        assert figure(value) == zh
    with translation.override("en"):
        assert figure(value) == en


def test_round_count_names_round_thresholds_and_keeps_others_exact():
    with translation.override("zh-hans"):
        assert (round_count(100_000), round_count(10_000), round_count(12_345)) == ("10万", "1万", "12,345")
    with translation.override("en"):
        assert (round_count(100_000), round_count(10_000)) == ("100k", "10k")


def test_money():
    assert money(70_000) == "¥70,000"
