"""The benefit catalogue of docs/program.md §3 as seed data (editable later in the admin/console)."""

from decimal import Decimal

from django.db import migrations

# code, name, delivery, description (FAQ Q6–Q15 in short), extra fields
BENEFITS = [
    ("identity_tag", "达人专享身份标签", "auto", "在达人主页与达人广场展示等级身份标签,系统自动派发。", {}),
    (
        "square_diamond_fixed",
        "达人广场固定钻展位曝光",
        "auto",
        "达人广场是客户挑选达人下单的页面;固定钻展位让你被更多客户看到,曝光效果可在经营助手查看。",
        {},
    ),
    (
        "square_ad_slot",
        "达人广场广告位曝光",
        "auto",
        "在达人广场广告位轮播展示,排序受等级、排序时间和近期活跃度影响。",
        {},
    ),
    (
        "square_ad_slot_fixed",
        "达人广场固定广告位曝光",
        "auto",
        "在达人广场固定广告位展示,排序受等级、排序时间和近期活跃度影响。",
        {},
    ),
    (
        "extra_dispatch",
        "优质投稿任务额外派发",
        "auto",
        "客户圈选之外,平台把优质投稿任务额外派发给你;每30天未派发够次数的,每缺一次补发20 DOU+。",
        {"dou_plus_per_missing": 20},
    ),
    ("diamond_slot", "钻展位(客户侧页面)", "auto", "在客户侧巨量星图页面的钻展位展示你的达人卡片。", {}),
    (
        "featured_case",
        "学院精选案例优先上线权",
        "claim",
        "领取后填写“案例推荐内容”,审核通过即在星图学院“精选案例”上线,每位达人可上线1条。",
        {},
    ),
    (
        "leaderboard_priority",
        "商业价值影响力达人榜单优先上榜权",
        "auto",
        "在商业影响力榜单和每日热榜中优先上榜,具体名次按等级和近期活跃度。",
        {},
    ),
    ("case_promotion", "商业案例行业外放", "auto", "小助手定向向客户推荐、公众号达人专访、星图抖音官方账号推荐。", {}),
    (
        "client_recommendation",
        "1对1精准客户推荐",
        "operator",
        "官方运营同学与你建立联系,针对你的特点向客户1对1推荐。",
        {},
    ),
    (
        "guarantee_card",
        "投稿任务收益保底卡",
        "issued",
        "参加保底投稿任务时使用,播放量达到任务要求即可获得保底收入;每张¥50,有效期180天,由星图小助手发放。",
        {"unit_amount": Decimal("50.00"), "valid_days": 180},
    ),
    ("ops_community", "官方1v1运营指导社群", "claim", "加入官方运营指导社群,获得1对1运营指导。", {}),
    ("annual_gala_guest", "巨量星图年终盛典特邀嘉宾", "claim", "受邀出席巨量星图年终盛典。", {}),
    ("academy_lecturer", "巨量星图学院荣誉特聘讲师", "claim", "受聘为星图学院荣誉讲师,分享你的经验。", {}),
    ("fanxing_priority", "繁星计划优先加入权", "claim", "达成奖励任务后可优先加入繁星计划。", {}),
]

# (code, level → (quantity, value note)) for basic benefits; docs/program.md §3 table.
BASIC = {
    "identity_tag": ("level", {1: 1, 2: 1, 3: 1, 4: 1}),
    "square_diamond_fixed": ("level", {1: 1}),
    "square_ad_slot": ("level", {2: 1}),
    "square_ad_slot_fixed": ("level", {3: 1, 4: 1}),
    "extra_dispatch": ("period", {1: 4, 2: 8}),
    "diamond_slot": ("level", {2: 1, 3: 1, 4: 1}),
    "featured_case": ("once", {2: 1, 3: 1, 4: 1}),
    "leaderboard_priority": ("level", {3: 1, 4: 1}),
    "case_promotion": ("level", {3: 1, 4: 1}),
    "client_recommendation": ("period", {3: 1, 4: 3}),
    "guarantee_card": ("period", {3: 3, 4: 4}),
    "ops_community": ("level", {4: 1}),
    "annual_gala_guest": ("level", {4: 1}),
    "academy_lecturer": ("level", {4: 1}),
}
VALUE_NOTES = {
    ("diamond_slot", 2): "价值¥5,000",
    ("diamond_slot", 3): "价值¥10,000 黄金钻展位",
    ("diamond_slot", 4): "价值¥30,000 组合钻展位",
    ("case_promotion", 3): "价值¥30,000以上",
    ("case_promotion", 4): "价值¥80,000以上",
}
# Reward benefits, cadence "cycle": level → {code: quantity}.
REWARD = {
    1: {"fanxing_priority": 1},
    2: {"fanxing_priority": 1, "guarantee_card": 2},
    3: {"client_recommendation": 2, "guarantee_card": 4, "fanxing_priority": 1},
    4: {"client_recommendation": 5, "fanxing_priority": 1, "guarantee_card": 5},
}
LEVEL_VALUES = {1: 5_000, 2: 20_000, 3: 70_000, 4: 130_000}


def seed(apps, schema_editor):
    Benefit = apps.get_model("benefits", "Benefit")
    LevelBenefit = apps.get_model("benefits", "LevelBenefit")
    LevelPackage = apps.get_model("benefits", "LevelPackage")
    if Benefit.objects.exists():
        return
    by_code = {}
    for position, (code, name, delivery, description, extra) in enumerate(BENEFITS):
        by_code[code] = Benefit.objects.create(
            code=code, name=name, delivery=delivery, description=description, position=position, **extra
        )
    rows = [
        LevelBenefit(
            level=level,
            benefit=by_code[code],
            kind="basic",
            cadence=cadence,
            quantity=quantity,
            value_note=VALUE_NOTES.get((code, level), ""),
        )
        for code, (cadence, per_level) in BASIC.items()
        for level, quantity in per_level.items()
    ]
    rows += [
        LevelBenefit(level=level, benefit=by_code[code], kind="reward", cadence="cycle", quantity=quantity)
        for level, benefits in REWARD.items()
        for code, quantity in benefits.items()
    ]
    LevelBenefit.objects.bulk_create(rows)
    LevelPackage.objects.bulk_create(LevelPackage(level=lv, value_yuan=v) for lv, v in LEVEL_VALUES.items())


class Migration(migrations.Migration):
    dependencies = [("benefits", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
