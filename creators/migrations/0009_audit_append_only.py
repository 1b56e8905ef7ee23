"""Audit rows become append-only in PostgreSQL: ``creators.append_only`` says what the trigger refuses
and allows. Nothing is done on SQLite."""

from django.db import migrations

from creators.append_only import CREATE, DROP


def _on_postgresql(sql: str):
    def run(apps, schema_editor) -> None:
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql, params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [("creators", "0008_full_width_labels")]

    operations = [migrations.RunPython(_on_postgresql(CREATE), _on_postgresql(DROP), elidable=False)]
