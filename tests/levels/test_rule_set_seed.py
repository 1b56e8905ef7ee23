"""The seeded rule set must equal docs/program.md §1–§2. The tables below are written out again from
docs/program.md on purpose, not imported from ``levels.defaults`` (which the migration seeds from): an edit of
either the defaults or the spec's table is caught here."""

import pytest

from levels.models import LevelRequirement, RewardRequirement, RuleSet

pytestmark = pytest.mark.django_db

# docs/program.md §1, column by column: None = "required" (a yes/no requirement).
PROGRAM_MD_LEVELS = {
    1: {
        "profile_complete": None,
        "task_hall_viewed": None,
        "tasks_enabled": None,
        "quote_set": None,
        "assistant_viewed": None,
        "douyin_bound": None,
        "courses_completed": ("≥", 3),
        "posts_30d": ("≥", 5),
    },
    2: {
        "courses_completed": ("≥", 5),
        "posts_30d": ("≥", 8),
        "avg_plays_30d": (">", 10_000),
        "submissions_30d": ("≥", 1),
    },
    3: {
        "courses_completed": ("≥", 8),
        "posts_30d": ("≥", 20),
        "avg_plays_30d": (">", 50_000),
        "orders_30d": ("≥", 1),
        "fans": (">", 300_000),
        "likes_30d": (">", 10_000),
        "credit_score": ("≥", 50),
    },
    4: {
        "courses_completed": ("≥", 10),
        "posts_30d": ("≥", 30),
        "avg_plays_30d": (">", 100_000),
        "orders_30d": ("≥", 3),
        "fans": (">", 500_000),
        "likes_30d": (">", 30_000),
        "credit_score": ("≥", 75),
    },
}
PROGRAM_MD_REWARDS = {1: (3, 5_000), 2: (3, 20_000), 3: (6, 80_000), 4: (6, 150_000)}
SYMBOL = {"gte": "≥", "gt": ">"}


def test_one_version_in_force_from_2000_with_programs_parameters():
    active = RuleSet.objects.get()
    assert active.effective_month == "2000-01"
    assert (active.window_days, active.tasks_min_fans, active.large_creator_fans) == (30, 10_000, 100_000)


def test_level_requirements_equal_program_md():
    seeded: dict[int, dict] = {}
    for row in LevelRequirement.objects.filter(rule_set__effective_month="2000-01"):
        value = None if row.comparison == "required" else (SYMBOL[row.comparison], row.threshold)
        seeded.setdefault(row.level, {})[row.code] = value
    assert seeded == PROGRAM_MD_LEVELS


def test_reward_requirements_equal_program_md():
    seeded = {
        r.level: (r.min_orders, r.min_avg_plays)
        for r in RewardRequirement.objects.filter(rule_set__effective_month="2000-01")
    }
    assert seeded == PROGRAM_MD_REWARDS
