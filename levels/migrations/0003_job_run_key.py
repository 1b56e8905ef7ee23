from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("levels", "0002_seed_rule_set")]

    operations = [
        migrations.RemoveField(model_name="creatorlevel", name="assessed_at"),
        migrations.AddField(
            model_name="jobrun",
            name="creator_ids",
            field=models.JSONField(blank=True, help_text="仅评估这些达人(空 = 全部)", null=True),
        ),
        migrations.RemoveConstraint(model_name="jobrun", name="job_run_unique_period"),
        migrations.AddField(
            model_name="jobrun",
            name="key",
            field=models.CharField(default="", help_text="去重键: 同一 (job, key) 只运行一次", max_length=40),
            preserve_default=False,
        ),
        migrations.AlterField(
            model_name="jobrun",
            name="period",
            field=models.CharField(help_text="自然周期: 2026-12, 2026Q4 或 2026-12-05", max_length=20),
        ),
        migrations.AddConstraint(
            model_name="jobrun",
            constraint=models.UniqueConstraint(fields=("job", "key"), name="job_run_unique_key"),
        ),
        migrations.AddIndex(
            model_name="jobrun",
            index=models.Index(fields=["job", "period"], name="job_run_period"),
        ),
    ]
