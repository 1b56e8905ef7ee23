from django.db import migrations, models


def register(apps, schema_editor):
    """Every day at 05:30: settle the entries of closed guarantee tasks (program.md §3)."""
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    crontab, _ = CrontabSchedule.objects.get_or_create(
        minute="30", hour="5", day_of_month="*", month_of_year="*", day_of_week="*", timezone="Asia/Shanghai"
    )
    PeriodicTask.objects.update_or_create(
        name="settle_entries",
        defaults={"task": "levels.tasks.job_due", "crontab": crontab, "args": '["settle_entries"]', "enabled": True},
    )


def unregister(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name="settle_entries").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("levels", "0004_beat_schedule"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [
        migrations.RunPython(register, unregister),
        migrations.AlterField(
            model_name="jobrun",
            name="job",
            field=models.CharField(
                choices=[
                    ("assess_monthly", "月度等级评估"),
                    ("assess_upgrade", "每日升级检查"),
                    ("assess_rewards", "奖励任务评估"),
                    ("close_period", "权益期结算"),
                    ("expire_cards", "保底卡过期"),
                    ("compute_index", "星图指数"),
                    ("warn_at_risk", "保级提醒"),
                    ("settle_entries", "保底任务结算"),
                ],
                max_length=20,
            ),
        ),
    ]
