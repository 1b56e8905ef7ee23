"""Operators may also start job runs and override a creator's level; viewers may read both
(``console.permissions``; ``groups_sync`` gives each group exactly its permissions again)."""

from django.db import migrations

from console.permissions import groups_sync


class Migration(migrations.Migration):
    dependencies = [
        ("console", "0001_groups"),
        ("levels", "0007_run_failures_and_level_overrides"),
    ]

    operations = [migrations.RunPython(groups_sync, migrations.RunPython.noop)]
