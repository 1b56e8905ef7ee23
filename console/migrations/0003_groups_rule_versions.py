"""Operators may also create rule-set versions (``levels.add_ruleset``); ``groups_sync`` gives each group
exactly its permissions again."""

from django.db import migrations

from console.permissions import groups_sync


class Migration(migrations.Migration):
    dependencies = [
        ("console", "0002_groups_runs_and_overrides"),
        ("levels", "0008_rule_set_versions"),
    ]

    operations = [migrations.RunPython(groups_sync, migrations.RunPython.noop)]
