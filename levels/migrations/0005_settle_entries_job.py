"""The settle_entries job. Its beat entry is written by 0004 with the rest of ``levels.schedule``; a
database that applied this migration before it lost its own ``RunPython`` already has the entry."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("levels", "0004_beat_schedule")]

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
                    ("compute_index", "星图指数"),
                    ("warn_at_risk", "保级提醒"),
                    ("settle_entries", "保底任务结算"),
                ],
                max_length=20,
            ),
        ),
    ]
