"""The seeded catalogue in the site's own wording (docs/ui.md "Look", docs/program.md §3):

- "1对1", as the catalogue writes it everywhere else (1对1精准客户推荐, "获得1对1运营指导"): the one
  outlier, 官方1v1运营指导社群, becomes 官方1对1运营指导社群.
- Money from ¥10,000 up in 万: 价值¥10,000 黄金钻展位 → 价值¥1万 黄金钻展位, and so on.

Only rows still holding the seeded text change: an operator's own edit is kept.
"""

from django.db import migrations

NAMES = {"ops_community": ("官方1v1运营指导社群", "官方1对1运营指导社群")}
VALUE_NOTES = {
    ("diamond_slot", 3): ("价值¥10,000 黄金钻展位", "价值¥1万 黄金钻展位"),
    ("diamond_slot", 4): ("价值¥30,000 组合钻展位", "价值¥3万 组合钻展位"),
    ("case_promotion", 3): ("价值¥30,000以上", "价值¥3万以上"),
    ("case_promotion", 4): ("价值¥80,000以上", "价值¥8万以上"),
}


def _reword(apps, *, forward: bool) -> None:
    Benefit = apps.get_model("benefits", "Benefit")
    LevelBenefit = apps.get_model("benefits", "LevelBenefit")
    for code, (old, new) in NAMES.items():
        was, now = (old, new) if forward else (new, old)
        Benefit.objects.filter(code=code, name=was).update(name=now)
    for (code, level), (old, new) in VALUE_NOTES.items():
        was, now = (old, new) if forward else (new, old)
        LevelBenefit.objects.filter(benefit__code=code, level=level, kind="basic", value_note=was).update(
            value_note=now
        )


def forwards(apps, schema_editor):
    _reword(apps, forward=True)


def backwards(apps, schema_editor):
    _reword(apps, forward=False)


class Migration(migrations.Migration):
    dependencies = [("benefits", "0004_case_link_http_only")]

    operations = [migrations.RunPython(forwards, backwards)]
