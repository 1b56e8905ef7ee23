"""The catalogue in English (docs/i18n.md): each benefit's English name and description and each level line's
English value note, by catalogue code. The Chinese names and descriptions seeded by 0002 are rewritten in
full-width punctuation, the descriptions without the figures their own fields hold (a card's amount and
validity, the DOU+ per missing dispatch), so that an operator who changes a figure leaves no sentence saying
the old one.

Idempotent (the test suite runs it again after a flush): an English text is written only where none is set,
a Chinese name or description only where it is still the one 0002 wrote, so operators' edits are kept."""

from django.db import migrations

# code → (English name, English description, (description seeded by 0002, its rewrite) or None)
BENEFITS = {
    "identity_tag": (
        "Exclusive creator identity tag",
        "Your level's identity tag on your creator page and in the Creator Square, delivered automatically.",
        (
            "在达人主页与达人广场展示等级身份标签,系统自动派发。",
            "在达人主页与达人广场展示等级身份标签，系统自动派发。",
        ),
    ),
    "square_diamond_fixed": (
        "Fixed diamond slot in the Creator Square",
        "The Creator Square is where clients pick creators to order from; a fixed diamond slot puts you in front "
        "of more of them. The Business Assistant shows the exposure it brings.",
        (
            "达人广场是客户挑选达人下单的页面;固定钻展位让你被更多客户看到,曝光效果可在经营助手查看。",
            "达人广场是客户挑选达人下单的页面；固定钻展位让你被更多客户看到，曝光效果可在经营助手查看。",
        ),
    ),
    "square_ad_slot": (
        "Ad slot in the Creator Square",
        "Shown in rotation in a Creator Square ad slot; the order depends on level, sort time and recent activity.",
        (
            "在达人广场广告位轮播展示,排序受等级、排序时间和近期活跃度影响。",
            "在达人广场广告位轮播展示，排序受等级、排序时间和近期活跃度影响。",
        ),
    ),
    "square_ad_slot_fixed": (
        "Fixed ad slot in the Creator Square",
        "Shown in a fixed Creator Square ad slot; the order depends on level, sort time and recent activity.",
        (
            "在达人广场固定广告位展示,排序受等级、排序时间和近期活跃度影响。",
            "在达人广场固定广告位展示，排序受等级、排序时间和近期活跃度影响。",
        ),
    ),
    "extra_dispatch": (
        "Extra dispatch of quality submission tasks",
        "Beyond clients' own picks, the platform dispatches quality submission tasks to you; for every dispatch "
        "short in a period you are compensated in DOU+.",
        (
            "客户圈选之外,平台把优质投稿任务额外派发给你;每30天未派发够次数的,每缺一次补发20 DOU+。",
            "客户圈选之外，平台把优质投稿任务额外派发给你；每期未派发够次数的，按缺少的次数补发 DOU+。",
        ),
    ),
    "diamond_slot": (
        "Diamond slot (client pages)",
        "Your creator card in a diamond slot on Xingtu's client-facing pages.",
        None,
    ),
    "featured_case": (
        "Priority listing in the Academy's featured cases",
        "Claim it, then write your case; once approved it goes live in Xingtu Academy's Featured cases. "
        "One case per creator.",
        (
            "领取后填写“案例推荐内容”,审核通过即在星图学院“精选案例”上线,每位达人可上线1条。",
            "领取后填写“案例推荐内容”，审核通过即在星图学院“精选案例”上线，每位达人可上线 1 条。",
        ),
    ),
    "leaderboard_priority": (
        "Priority on the commercial influence leaderboards",
        "Priority placement on the commercial influence and daily trending leaderboards; the rank follows level "
        "and recent activity.",
        (
            "在商业影响力榜单和每日热榜中优先上榜,具体名次按等级和近期活跃度。",
            "在商业影响力榜单和每日热榜中优先上榜，具体名次按等级和近期活跃度。",
        ),
    ),
    "case_promotion": (
        "Industry promotion of your brand cases",
        "Targeted recommendations to clients by the assistant, creator interviews on the official account and "
        "features on Xingtu's official Douyin account.",
        None,
    ),
    "client_recommendation": (
        "1-on-1 client recommendation",
        "An official operator gets in touch and recommends you to clients one-on-one, based on your strengths.",
        (
            "官方运营同学与你建立联系,针对你的特点向客户1对1推荐。",
            "官方运营同学与你建立联系，针对你的特点向客户1对1推荐。",
        ),
    ),
    "guarantee_card": (
        "Submission task guarantee card",
        "Use it when you join a guarantee submission task: reach the task's plays and you earn the guaranteed "
        "income. Issued by Xingtu Assistant.",
        (
            "参加保底投稿任务时使用,播放量达到任务要求即可获得保底收入;每张¥50,有效期180天,由星图小助手发放。",
            "参加保底投稿任务时使用，播放量达到任务要求即可获得保底收入；由星图小助手发放。",
        ),
    ),
    "ops_community": (
        "Official 1-on-1 coaching community",
        "Join the official coaching community for 1-on-1 guidance from operators.",
        (
            "加入官方运营指导社群,获得1对1运营指导。",
            "加入官方运营指导社群，获得1对1运营指导。",
        ),
    ),
    "annual_gala_guest": (
        "Special guest at the Xingtu annual gala",
        "An invitation to Xingtu's year-end gala.",
        None,
    ),
    "academy_lecturer": (
        "Honorary lecturer of Xingtu Academy",
        "Appointed an honorary lecturer of Xingtu Academy to share your experience.",
        (
            "受聘为星图学院荣誉讲师,分享你的经验。",
            "受聘为星图学院荣誉讲师，分享你的经验。",
        ),
    ),
    "fanxing_priority": (
        "Priority entry to the Fanxing program",
        "Join the Fanxing program with priority once you pass the reward tasks.",
        None,
    ),
}

# code → (name seeded by 0002, its rewrite in full-width punctuation)
NAMES = {"diamond_slot": ("钻展位(客户侧页面)", "钻展位（客户侧页面）")}

# (code, level) → English value note, for the basic lines 0002 gave one.
VALUE_NOTES = {
    ("diamond_slot", 2): "Worth ¥5,000",
    ("diamond_slot", 3): "Worth ¥10k · gold diamond slot",
    ("diamond_slot", 4): "Worth ¥30k · combined diamond slots",
    ("case_promotion", 3): "Worth over ¥30k",
    ("case_promotion", 4): "Worth over ¥80k",
}


def english(apps, schema_editor):
    Benefit = apps.get_model("benefits", "Benefit")
    LevelBenefit = apps.get_model("benefits", "LevelBenefit")
    for code, (name_en, description_en, rewrite) in BENEFITS.items():
        Benefit.objects.filter(code=code, name_en="").update(name_en=name_en)
        Benefit.objects.filter(code=code, description_en="").update(description_en=description_en)
        if rewrite:
            seeded, full_width = rewrite
            Benefit.objects.filter(code=code, description=seeded).update(description=full_width)
    for code, (seeded, full_width) in NAMES.items():
        Benefit.objects.filter(code=code, name=seeded).update(name=full_width)
    for (code, level), note in VALUE_NOTES.items():
        LevelBenefit.objects.filter(benefit__code=code, level=level, kind="basic", value_note_en="").exclude(
            value_note=""
        ).update(value_note_en=note)


class Migration(migrations.Migration):
    dependencies = [("benefits", "0006_catalogue_english")]

    operations = [migrations.RunPython(english, migrations.RunPython.noop)]
