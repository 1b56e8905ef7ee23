"""The rule set of program.md §1–§2 as seed data. Operators edit it later (a new rule set, activated);
this migration only ever creates the first one."""

from django.db import migrations

# (level, code, comparison, threshold) in display order; program.md §1.
LEVEL_REQUIREMENTS = [
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
]

# level → (orders in cycle ≥, short-video or live average effective plays >); program.md §2.
REWARD_REQUIREMENTS = {1: (3, 5_000), 2: (3, 20_000), 3: (6, 80_000), 4: (6, 150_000)}


def seed(apps, schema_editor):
    RuleSet = apps.get_model("levels", "RuleSet")
    if RuleSet.objects.exists():
        return
    rule_set = RuleSet.objects.create(
        name="巨量星图达人等级 2021 (program.md)",
        is_active=True,
        window_days=30,
        tasks_min_fans=10_000,
        large_creator_fans=100_000,
        note="Seeded from program.md §1–§2.",
    )
    apps.get_model("levels", "LevelRequirement").objects.bulk_create(
        apps.get_model("levels", "LevelRequirement")(
            rule_set=rule_set, level=level, code=code, comparison=comparison, threshold=threshold, position=i
        )
        for i, (level, code, comparison, threshold) in enumerate(LEVEL_REQUIREMENTS)
    )
    apps.get_model("levels", "RewardRequirement").objects.bulk_create(
        apps.get_model("levels", "RewardRequirement")(
            rule_set=rule_set, level=level, min_orders=orders, min_avg_plays=plays
        )
        for level, (orders, plays) in REWARD_REQUIREMENTS.items()
    )


class Migration(migrations.Migration):
    dependencies = [("levels", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
