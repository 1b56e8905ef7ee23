"""A run whose tasks the broker did not take waits for it (``JobRun.awaiting_broker_since``), and beat's
``dispatch_waiting_runs`` entry sends such runs anew every two minutes, written by running
``beat_schedule_sync`` again (it adds the missing entry and leaves the others as they are)."""

from django.db import migrations, models

from levels.schedule import beat_schedule_sync


def remove_entry(apps, schema_editor) -> None:
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name="dispatch_waiting_runs").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("levels", "0012_assessment_without_foreign_key_checks"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [
        migrations.AddField(
            model_name="jobrun",
            name="awaiting_broker_since",
            field=models.DateTimeField(blank=True, help_text="任务队列不可用、运行等待发送的起始时间", null=True),
        ),
        migrations.RunPython(beat_schedule_sync, remove_entry),
    ]
