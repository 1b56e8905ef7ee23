"""Register the daily retention run with django-celery-beat (``levels.retention.PRUNE_CRON``,
Asia/Shanghai), as square/0002 registers the square's refresh."""

import json

from django.db import migrations

from levels.retention import PRUNE_CRON, PRUNE_ENTRY, PRUNE_TASK
from lib.periods import TZ


def schedule_add(apps, schema_editor) -> None:
    minute, hour = PRUNE_CRON
    crontab, _ = apps.get_model("django_celery_beat", "CrontabSchedule").objects.get_or_create(
        minute=minute, hour=hour, day_of_month="*", month_of_year="*", day_of_week="*", timezone=TZ.key
    )
    apps.get_model("django_celery_beat", "PeriodicTask").objects.update_or_create(
        name=PRUNE_ENTRY, defaults={"task": PRUNE_TASK, "crontab": crontab, "args": json.dumps([]), "enabled": True}
    )


def schedule_remove(apps, schema_editor) -> None:
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=PRUNE_ENTRY).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("levels", "0013_run_awaiting_broker"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(schedule_add, schedule_remove)]
