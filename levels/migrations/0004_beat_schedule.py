"""Register every scheduled job of interfaces §2 with django-celery-beat (crontabs in Asia/Shanghai).

This is the one place the beat schedule is defined. Each entry calls ``levels.tasks.job_due(job)``,
which works out the period due at that moment; the job-run table makes a duplicate trigger a no-op
and the hourly reconciler catches up a run beat missed.
"""

import json

from django.db import migrations

TASKS = [
    # (name, task, job argument or None, minute, hour, day_of_month, month_of_year)
    # every day at 00:10: guarantee cards past expires_at → expired
    ("expire_cards", "levels.tasks.job_due", "expire_cards", "10", "0", "*", "*"),
    # 01:00 on the 1st of every month: close the previous month (DOU+ compensation, overdue recommendations)
    ("close_period", "levels.tasks.job_due", "close_period", "0", "1", "1", "*"),
    # 02:00 on the 1st of every month: monthly level assessment and the new period's grants
    ("assess_levels monthly", "levels.tasks.job_due", "assess_monthly", "0", "2", "1", "*"),
    # 03:00 on the 1st of January, April, July and October: reward assessment of the previous quarter
    ("assess_rewards", "levels.tasks.job_due", "assess_rewards", "0", "3", "1", "1,4,7,10"),
    # every day at 04:00: upgrade check (only upward moves)
    ("assess_levels upgrade", "levels.tasks.job_due", "assess_upgrade", "0", "4", "*", "*"),
    # every day at 09:00: warn creators whose level is at risk this month
    ("warn_at_risk", "levels.tasks.job_due", "warn_at_risk", "0", "9", "*", "*"),
    # every hour at :30: run any due period that is missing or stuck, exactly once
    ("reconcile_jobs", "levels.tasks.reconcile", None, "30", "*", "*", "*"),
]


def register(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    for name, task, job, minute, hour, day_of_month, month_of_year in TASKS:
        crontab, _ = CrontabSchedule.objects.get_or_create(
            minute=minute,
            hour=hour,
            day_of_month=day_of_month,
            month_of_year=month_of_year,
            day_of_week="*",
            timezone="Asia/Shanghai",
        )
        PeriodicTask.objects.update_or_create(
            name=name,
            defaults={"task": task, "crontab": crontab, "args": json.dumps([job] if job else []), "enabled": True},
        )


def unregister(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name__in=[t[0] for t in TASKS]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("levels", "0003_job_run_key"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(register, unregister)]
