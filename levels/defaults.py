"""The program's default rule set (docs/program.md §1–§2) as plain data, importing nothing.

Migration ``0002_seed_rule_set`` seeds the first ``RuleSet`` from these values, and the demo data
generator (``demo.plan``) shapes its creators against them, so the two cannot drift apart. Operators
change the rules by activating a new rule set, never by editing this module: the migration has run
once, and an edit here would only change what a fresh database starts with.
"""

WINDOW_DAYS = 30  # the assessment window [at − 30 days, at)
TASKS_MIN_FANS = 10_000  # the fans part of "tasks enabled" (LV1)
LARGE_CREATOR_FANS = 100_000  # from here on quote, assistant and spread tasks are required

# (level, code, comparison, threshold) in display order; docs/program.md §1. Comparisons are the values of
# ``levels.models.Comparison``.
LEVEL_REQUIREMENTS: tuple[tuple[int, str, str, int | None], ...] = (
    (1, "profile_complete", "required", None),
    (1, "task_hall_viewed", "required", None),
    (1, "tasks_enabled", "required", None),
    (1, "quote_set", "required", None),
    (1, "assistant_viewed", "required", None),
    (1, "douyin_bound", "required", None),
    (1, "courses_completed", "gte", 3),
    (1, "posts_30d", "gte", 5),
    (2, "courses_completed", "gte", 5),
    (2, "posts_30d", "gte", 8),
    (2, "avg_plays_30d", "gt", 10_000),
    (2, "submissions_30d", "gte", 1),
    (3, "courses_completed", "gte", 8),
    (3, "orders_30d", "gte", 1),
    (3, "posts_30d", "gte", 20),
    (3, "avg_plays_30d", "gt", 50_000),
    (3, "fans", "gt", 300_000),
    (3, "likes_30d", "gt", 10_000),
    (3, "credit_score", "gte", 50),
    (4, "courses_completed", "gte", 10),
    (4, "orders_30d", "gte", 3),
    (4, "posts_30d", "gte", 30),
    (4, "avg_plays_30d", "gt", 100_000),
    (4, "fans", "gt", 500_000),
    (4, "likes_30d", "gt", 30_000),
    (4, "credit_score", "gte", 75),
)

# level → (orders in cycle ≥, short-video or live average effective plays >); docs/program.md §2.
REWARD_REQUIREMENTS: dict[int, tuple[int, int]] = {1: (3, 5_000), 2: (3, 20_000), 3: (6, 80_000), 4: (6, 150_000)}
