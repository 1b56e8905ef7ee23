"""Drop what no code used: the run status "failed", the run's ``error`` text and the "compute_index" job.
The issues that add failure handling and the Xingtu index job bring them back with the code using them."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("levels", "0005_settle_entries_job"),
    ]

    operations = [
        migrations.RemoveField(
            model_name="jobrun",
            name="error",
        ),
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
                ],
                max_length=20,
            ),
        ),
        migrations.AlterField(
            model_name="jobrun",
            name="status",
            field=models.CharField(choices=[("running", "运行中"), ("done", "完成")], default="running", max_length=10),
        ),
    ]
