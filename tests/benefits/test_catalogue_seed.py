"""The seeded benefit catalogue must equal docs/program.md §3 (tables written out again here on purpose)."""

from decimal import Decimal

import pytest

from benefits.models import Benefit, LevelBenefit, LevelPackage

pytestmark = pytest.mark.django_db

# docs/program.md §3 basic table: code → (delivery, cadence, {level: quantity}); ✓ = 1.
PROGRAM_MD_BASIC = {
    "identity_tag": ("auto", "level", {1: 1, 2: 1, 3: 1, 4: 1}),
    "square_diamond_fixed": ("auto", "level", {1: 1}),
    "square_ad_slot": ("auto", "level", {2: 1}),
    "square_ad_slot_fixed": ("auto", "level", {3: 1, 4: 1}),
    "extra_dispatch": ("auto", "period", {1: 4, 2: 8}),
    "diamond_slot": ("auto", "level", {2: 1, 3: 1, 4: 1}),
    "featured_case": ("claim", "once", {2: 1, 3: 1, 4: 1}),
    "leaderboard_priority": ("auto", "level", {3: 1, 4: 1}),
    "case_promotion": ("auto", "level", {3: 1, 4: 1}),
    "client_recommendation": ("operator", "period", {3: 1, 4: 3}),
    "guarantee_card": ("issued", "period", {3: 3, 4: 4}),
    "ops_community": ("claim", "level", {4: 1}),
    "annual_gala_guest": ("claim", "level", {4: 1}),
    "academy_lecturer": ("claim", "level", {4: 1}),
}
# docs/program.md §3 reward paragraph (cadence cycle).
PROGRAM_MD_REWARD = {
    1: {"fanxing_priority": 1},
    2: {"fanxing_priority": 1, "guarantee_card": 2},
    3: {"client_recommendation": 2, "guarantee_card": 4, "fanxing_priority": 1},
    4: {"client_recommendation": 5, "fanxing_priority": 1, "guarantee_card": 5},
}


def test_basic_benefits_equal_program_md():
    seeded: dict[str, tuple] = {}
    for row in LevelBenefit.objects.filter(kind="basic").select_related("benefit"):
        delivery, cadence, levels = seeded.setdefault(row.benefit.code, (row.benefit.delivery, row.cadence, {}))
        assert (delivery, cadence) == (row.benefit.delivery, row.cadence)
        levels[row.level] = row.quantity
    assert seeded == PROGRAM_MD_BASIC


def test_reward_benefits_equal_program_md():
    seeded: dict[int, dict] = {}
    for row in LevelBenefit.objects.filter(kind="reward").select_related("benefit"):
        assert row.cadence == "cycle"
        seeded.setdefault(row.level, {})[row.benefit.code] = row.quantity
    assert seeded == PROGRAM_MD_REWARD
    assert Benefit.objects.get(code="fanxing_priority").delivery == "claim"


def test_guarantee_card_and_dispatch_parameters():
    card = Benefit.objects.get(code="guarantee_card")
    assert (card.unit_amount, card.valid_days) == (Decimal("50.00"), 180)
    assert Benefit.objects.get(code="extra_dispatch").dou_plus_per_missing == 20


def test_level_values():
    assert dict(LevelPackage.objects.values_list("level", "value_yuan")) == {
        1: 5_000,
        2: 20_000,
        3: 70_000,
        4: 130_000,
    }
