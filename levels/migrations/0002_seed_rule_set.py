"""The rule set of docs/program.md §1–§2 as seed data (the values live in ``levels.defaults``). Operators change
it later (a new version from a later month); this migration only ever creates the first one."""

from django.db import migrations

from levels.defaults import (
    LARGE_CREATOR_FANS,
    LEVEL_REQUIREMENTS,
    REWARD_REQUIREMENTS,
    TASKS_MIN_FANS,
    WINDOW_DAYS,
)

# The first version is in force for every month the data can have (migration 0008 gives it the same month).
FIRST_MONTH = "2000-01"


def _in_force(RuleSet) -> dict:
    """How the first rule set is marked in force: here (this migration's ``is_active``) and when the tests
    run ``seed`` again with the current models, where 0008 replaced it by ``effective_month``."""
    fields = {f.name for f in RuleSet._meta.fields}
    return {"effective_month": FIRST_MONTH} if "effective_month" in fields else {"is_active": True}


def seed(apps, schema_editor):
    RuleSet = apps.get_model("levels", "RuleSet")
    if RuleSet.objects.exists():
        return
    rule_set = RuleSet.objects.create(
        name="巨量星图达人等级 2021 (program.md)",
        **_in_force(RuleSet),
        window_days=WINDOW_DAYS,
        tasks_min_fans=TASKS_MIN_FANS,
        large_creator_fans=LARGE_CREATOR_FANS,
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
