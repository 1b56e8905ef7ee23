"""Rule sets become versions with an effective month (``levels.versions``). The active rule set becomes the
first version, in force from 2000-01 — before any month the program's data can have, so every past run and
assessment is still judged by it (its creation month would leave the months before it without rules)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

FIRST_MONTH = "2000-01"  # the same month 0002's seed gives the first version


def active_to_first_version(apps, schema_editor):
    apps.get_model("levels", "RuleSet").objects.filter(is_active=True).update(effective_month=FIRST_MONTH)


def first_version_to_active(apps, schema_editor):
    apps.get_model("levels", "RuleSet").objects.filter(effective_month=FIRST_MONTH).update(is_active=True)


class Migration(migrations.Migration):
    dependencies = [
        ("levels", "0007_run_failures_and_level_overrides"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="ruleset",
            name="effective_month",
            field=models.CharField(
                blank=True,
                help_text="YYYY-MM;空 = 草稿,从不生效",
                max_length=7,
                null=True,
                unique=True,
                verbose_name="生效月份",
            ),
        ),
        migrations.AddField(
            model_name="ruleset",
            name="created_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.RunPython(active_to_first_version, first_version_to_active),
        migrations.RemoveConstraint(model_name="ruleset", name="one_active_rule_set"),
        migrations.RemoveField(model_name="ruleset", name="is_active"),
        migrations.AlterModelOptions(
            name="ruleset",
            options={
                "ordering": ["effective_month"],
                "verbose_name": "等级规则集",
                "verbose_name_plural": "等级规则集",
            },
        ),
    ]
