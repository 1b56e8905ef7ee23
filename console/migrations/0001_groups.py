"""The console's groups and their permissions (``console.permissions``, the one definition)."""

from django.db import migrations

from console.permissions import groups_sync


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("creators", "0005_audit_reason_request_and_console_messages"),
        ("academy", "0002_drop_redundant_indexes"),
        ("benefits", "0003_manual_cards_and_recommendation_channel"),
        ("levels", "0006_job_run_drop_failed_error_compute_index"),
    ]

    operations = [migrations.RunPython(groups_sync, migrations.RunPython.noop)]
