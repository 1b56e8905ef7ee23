"""Operators may lift sign-in locks (``axes.delete_accessattempt``) and both groups may see them in the
admin (``axes.view_accessattempt``); ``groups_sync`` gives each group exactly its permissions again."""

from django.db import migrations

from console.permissions import groups_sync


class Migration(migrations.Migration):
    dependencies = [
        ("console", "0003_groups_rule_versions"),
        ("axes", "0010_accessattemptexpiration"),
    ]

    operations = [migrations.RunPython(groups_sync, migrations.RunPython.noop)]
