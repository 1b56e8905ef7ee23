"""The daily Xingtu index job (``compute_index``, beat 05:00): its name among the runs' jobs, and its beat
entry, written by running ``beat_schedule_sync`` again (a database migrated before the job existed has
every other entry already; a new one got this one from 0004)."""

from django.db import migrations, models

from levels.schedule import beat_schedule_sync


def remove_entry(apps, schema_editor) -> None:
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name="compute_index").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("levels", "0010_full_width_labels"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [
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
                    ("warn_at_risk", "保级提醒"),
                    ("settle_entries", "保底任务结算"),
                    ("compute_index", "星图指数"),
                ],
                max_length=20,
            ),
        ),
        migrations.RunPython(beat_schedule_sync, remove_entry),
    ]
