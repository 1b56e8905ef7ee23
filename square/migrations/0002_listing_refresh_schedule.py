"""Register the square's refresh with django-celery-beat (``square.listing.REFRESH_CRON``, Asia/Shanghai):
the first run after midnight scores the new day's listing; a new index day re-ranks the leaderboards."""

import json

from django.db import migrations

from lib.periods import TZ
from square.listing import REFRESH_CRON, REFRESH_ENTRY, REFRESH_TASK


def schedule_add(apps, schema_editor) -> None:
    minute, hour = REFRESH_CRON
    crontab, _ = apps.get_model("django_celery_beat", "CrontabSchedule").objects.get_or_create(
        minute=minute, hour=hour, day_of_month="*", month_of_year="*", day_of_week="*", timezone=TZ.key
    )
    apps.get_model("django_celery_beat", "PeriodicTask").objects.update_or_create(
        name=REFRESH_ENTRY, defaults={"task": REFRESH_TASK, "crontab": crontab, "args": json.dumps([]), "enabled": True}
    )


def schedule_remove(apps, schema_editor) -> None:
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=REFRESH_ENTRY).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("square", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(schedule_add, schedule_remove)]
