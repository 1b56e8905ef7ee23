"""Operators may also erase a creator's personal data on request (``creators.delete_creator``);
``groups_sync`` gives each group exactly its permissions again."""

from django.db import migrations

from console.permissions import groups_sync


class Migration(migrations.Migration):
    dependencies = [
        ("console", "0004_groups_signin_unlock"),
        ("creators", "0010_creator_erasure"),
    ]

    operations = [migrations.RunPython(groups_sync, migrations.RunPython.noop)]
