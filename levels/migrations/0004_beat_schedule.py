"""Register the beat schedule with django-celery-beat: every entry of ``levels.schedule.BEAT``.

The schedule itself is defined in ``levels/schedule.py``; ``beat_schedule_sync`` is idempotent, so a
later change to the schedule ships as a migration that runs it again.
"""

from django.db import migrations

from levels.schedule import beat_schedule_remove, beat_schedule_sync


class Migration(migrations.Migration):
    dependencies = [
        ("levels", "0003_job_run_key"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(beat_schedule_sync, beat_schedule_remove)]
