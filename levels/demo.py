"""Demo data for the default run and for benchmarks (interfaces.md §5).

Pure functions: they take a seed and an instant ``at`` and yield JSON Lines in the ingest format
(interfaces.md §1). Nothing here touches the database and no global random state is used — every creator
draws from its own ``random.Random`` seeded with ``(seed, index)`` — so the same ``seed`` and ``at`` give
byte-identical lines, and ``--creators 40`` is the first 40 creators of ``--creators 300``.
``seed_demo`` creates the static catalogue (``COURSES``, ``task_rows``) with the ORM and streams
``generate_lines`` into the ingest.

Creators are spread over LV0–LV4 *by their data*, shaped against the default rule set (program.md §1,
copied in ``RULES`` below): each creator gets a target tier, meets every requirement of levels 1..tier
with some margin and fails at least one requirement of tier+1 (the set ``fail_next``). Some creators are
shaped on purpose:

- ``near_miss``: fails exactly one tier+1 requirement by a hair (fans 290,000–300,000 against > 300,000,
  7 posts against ≥ 8, mean plays exactly 10,000 against > 10,000, 2 courses against ≥ 3).
- ``just_made``: one requirement of its own tier is met exactly at the bar (20 posts, credit 50,
  fans 300,001–310,000).
- ``at_risk``: met its tier at ``reference_time(at)`` (the last monthly assessment, or 15 days ago) but
  fails one requirement of that tier at ``at`` (posts slowed down, the only submission or order fell out
  of the window, fans or credit dropped). Assessing at the reference time then at ``at`` shows them at
  risk (or downgraded).
- ``c-1001`` is the portal's ``creator`` login: LV3 for months (fans crossed 300,000 ≈130 days ago),
  at risk now on posts (no post since the month began, 17 in the window against ≥ 20) with likes just
  over the 10,000 bar, orders where the mass and mini-game ones matter, guarantee-task entries above and
  below the threshold, a partly finished course — data that exercises every benefit state later.
"""

from __future__ import annotations

import json
import math
import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from itertools import pairwise
from typing import Any

# Asia/Shanghai has had no DST since 1991: every timestamp is written with a fixed +08:00.
TZ = timezone(timedelta(hours=8), "Asia/Shanghai")
DAY = timedelta(days=1)
WINDOW = timedelta(days=30)  # program.md §1: the assessment window [at − 30 days, at)
EDGE = timedelta(hours=3)  # keep shaped items this far from any window edge

FIRST_ID = 1001
DEMO_CREATOR_ID = f"c-{FIRST_ID}"
TIER_WEIGHTS = (20, 30, 25, 15, 10)  # LV0 … LV4, in percent

# program.md §1, the default rule set: metric -> level -> (comparison, bar). ``fans`` at LV1 is the fans
# part of ``tasks_enabled``; the yes/no LV1 requirements are handled separately.
RULES: dict[str, dict[int, tuple[str, int]]] = {
    "courses": {1: (">=", 3), 2: (">=", 5), 3: (">=", 8), 4: (">=", 10)},
    "posts": {1: (">=", 5), 2: (">=", 8), 3: (">=", 20), 4: (">=", 30)},
    "avg_plays": {2: (">", 10_000), 3: (">", 50_000), 4: (">", 100_000)},
    "submissions": {2: (">=", 1)},
    "orders": {3: (">=", 1), 4: (">=", 3)},
    "fans": {1: (">=", 10_000), 3: (">", 300_000), 4: (">", 500_000)},
    "likes": {3: (">", 10_000), 4: (">", 30_000)},
    "credit": {3: (">=", 50), 4: (">=", 75)},
}
LARGE_CREATOR_FANS = 100_000  # quote, assistant and spread tasks are required from here on
FLOOR = {"courses": 0, "posts": 0, "avg_plays": 400, "submissions": 0, "orders": 0, "fans": 300, "likes": 0}
FLOOR["credit"] = 30
CEIL = {"courses": 12, "posts": 36, "avg_plays": 600_000, "submissions": 4, "orders": 6, "fans": 3_000_000}
CEIL |= {"likes": 10**12, "credit": 100}
NATURAL_CREDIT = (55, 100)  # credit when no level constrains it


def _min_pass(metric: str, level: int) -> int:
    comparison, bar = RULES[metric][level]
    return bar + 1 if comparison == ">" else bar


def _highest_at_most(metric: str, level: int) -> int | None:
    levels = [lv for lv in RULES[metric] if lv <= level]
    return max(levels) if levels else None


def _band(metric: str, passes: int | None) -> tuple[int, int]:
    """Values that pass the metric's requirement at level ``passes`` (None: none) and fail the next one."""
    lo = _min_pass(metric, passes) if passes else FLOOR[metric]
    above = [lv for lv in RULES[metric] if passes is None or lv > passes]
    hi = _min_pass(metric, min(above)) - 1 if above else CEIL[metric]
    return lo, hi


# --- Static catalogue --------------------------------------------------------------------------------

COURSES: tuple[tuple[str, str, str, tuple[str, ...]], ...] = (
    (
        "course-01",
        "星图平台入门",
        "认识巨量星图, 完成入驻、资料与账号绑定, 学会逛任务大厅。",
        ("认识巨量星图", "达人入驻与资料完善", "绑定抖音账号与开通任务", "任务大厅怎么逛"),
    ),
    (
        "course-02",
        "投稿任务实战",
        "从选题到结算, 一次讲清投稿任务的完整流程。",
        ("投稿任务是什么", "读懂任务要求与结算规则", "从选题到成片的投稿流程", "保底任务与保底卡使用"),
    ),
    (
        "course-03",
        "报价策略与订单转化",
        "合理报价, 提高商单转化与复购。",
        ("如何设置合理报价", "1-20s 与 21-60s 报价差异", "从沟通到成单", "订单交付与客户评价", "复购客户维护"),
    ),
    (
        "course-04",
        "短视频脚本创作",
        "写出有完播、有转化的商业短视频脚本。",
        ("黄金3秒开头", "脚本结构与分镜", "口播与剧情类脚本", "植入不生硬的商业表达"),
    ),
    (
        "course-05",
        "直播带货基础",
        "搭建直播间、选品排品、控节奏、做复盘。",
        ("直播间搭建与设备", "选品与排品", "话术与节奏", "直播数据复盘"),
    ),
    (
        "course-06",
        "数据复盘与经营助手",
        "读懂经营助手里的每一个数字。",
        ("经营助手数据看板", "有效播放量与完播率", "星图指数的五个维度"),
    ),
    (
        "course-07",
        "品牌合作规范与信用分",
        "商单合作规范、信用分构成与申诉。",
        ("商单合作规范", "信用分的构成与扣分项", "违约处理与申诉"),
    ),
    (
        "course-08",
        "涨粉与账号定位",
        "找准定位, 做垂直内容, 稳定涨粉。",
        ("找准账号定位", "人设与内容垂直度", "粉丝运营与互动"),
    ),
    (
        "course-09",
        "商业内容种草技巧",
        "种草内容的底层逻辑与行业案例拆解。",
        ("种草内容的底层逻辑", "组件挂载与转化", "案例拆解: 美妆与美食", "案例拆解: 数码与汽车"),
    ),
    (
        "course-10",
        "拍摄与剪辑进阶",
        "用一部手机拍出质感。",
        ("手机拍摄构图与布光", "剪映常用技巧", "字幕、音乐与节奏", "封面与标题"),
    ),
    (
        "course-11",
        "达人等级与权益解读",
        "等级规则、奖励任务和每一项权益怎么用。",
        ("等级规则与基础任务", "奖励任务与权益领取", "保底卡与DOU+补偿"),
    ),
    (
        "course-12",
        "行业案例精讲",
        "六个行业的优秀商单案例。",
        ("母婴行业", "旅行与本地生活", "游戏行业", "家居与服饰", "汽车行业", "教育行业"),
    ),
)
COURSE_CODES = tuple(code for code, *_ in COURSES)


def lesson_duration(course_code: str, position: int) -> int:
    """A lesson's length in seconds, 5–25 minutes, fixed per lesson."""
    return random.Random(f"{course_code}/{position}").randrange(300, 1500, 30)


# code, brand, title, guarantee threshold (None: not a guarantee task), opens / closes in days from `at`.
# The windows overlap so that some task is open at any moment of the last 130 days.
TASKS: tuple[tuple[str, str, str, int | None, int, int], ...] = (
    ("task-01", "完美日记", "夏日持妆挑战 · 晒出你的通勤妆", None, -130, -70),
    ("task-02", "元气森林", "0糖气泡水 · 解暑创意短视频", None, -120, -50),
    ("task-03", "飞鹤", "新手爸妈育儿好物分享", 10_000, -110, -45),
    ("task-04", "小米", "新品手机开箱测评", None, -100, -30),
    ("task-05", "携程", "带着家人去旅行 · 周末微度假", None, -90, -15),
    ("task-06", "良品铺子", "办公室零食测评", None, -75, -5),
    ("task-07", "比亚迪", "新能源车主的用车日常", 20_000, -60, -2),
    ("task-08", "安踏", "跑起来 · 城市夜跑打卡", None, -50, 10),
    ("task-09", "美团", "本地探店 · 吃喝玩乐攻略", None, -40, 20),
    ("task-10", "作业帮", "假期学习规划分享", 10_000, -30, 15),
    ("task-11", "花西子", "东方美妆 · 国风仿妆", None, -25, 25),
    ("task-12", "网易游戏", "新赛季开黑名场面", None, -20, 30),
    ("task-13", "宜家", "小户型收纳改造计划", 50_000, -15, 30),
    ("task-14", "皇家宠物食品", "毛孩子的一天", None, -10, 40),
    ("task-15", "蜜雪冰城", "夏日新品测评", 10_000, 5, 45),
)


@dataclass(frozen=True)
class _Task:
    code: str
    opens: datetime
    closes: datetime
    threshold: int | None


def _task_windows(at: datetime) -> tuple[_Task, ...]:
    day = datetime.combine(at.date(), datetime.min.time(), tzinfo=TZ)
    return tuple(
        _Task(code, day + timedelta(days=o, hours=10), day + timedelta(days=c, hours=22), threshold)
        for code, _brand, _title, threshold, o, c in TASKS
    )


def task_rows(at: datetime) -> list[dict[str, Any]]:
    """The submission tasks as model field values, dates relative to ``at``."""
    at = local_instant(at)
    rows = []
    for (code, brand, title, threshold, *_), window in zip(TASKS, _task_windows(at), strict=True):
        description = f"{brand}投稿任务: 围绕「{title}」创作原创短视频, 带话题 #{brand}# 发布后提交作品。"
        if threshold:
            description += f" 保底任务: 有效播放量达到 {threshold:,} 可使用保底卡获得保底收益。"
        rows.append(
            {
                "code": code,
                "brand": brand,
                "title": title,
                "description": description,
                "is_guarantee": threshold is not None,
                "guarantee_threshold": threshold,
                "opens_at": window.opens,
                "closes_at": window.closes,
            }
        )
    return rows


# --- Believable names ----------------------------------------------------------------------------

INDUSTRIES = ("美妆", "美食", "母婴", "数码", "汽车", "旅行", "家居", "服饰", "游戏", "教育", "健康", "宠物")
REGIONS = (
    "北京", "上海", "天津", "重庆", "广东·广州", "广东·深圳", "浙江·杭州", "浙江·宁波", "江苏·南京",
    "江苏·苏州", "四川·成都", "湖北·武汉", "湖南·长沙", "陕西·西安", "福建·厦门", "福建·福州",
    "山东·青岛", "山东·济南", "河南·郑州", "云南·昆明", "辽宁·大连", "黑龙江·哈尔滨", "安徽·合肥",
    "江西·南昌", "广西·南宁", "海南·三亚", "贵州·贵阳", "河北·石家庄", "山西·太原", "吉林·长春",
)  # fmt: skip
NAME_HEADS = (
    "小", "阿", "大", "甜甜", "胖胖", "可乐", "橙子", "桃桃", "木木", "团团", "七七", "糖糖", "老王", "李姐",
    "周周", "鹿鹿", "安安", "小鱼", "米粒", "豆豆", "一颗", "兔子", "阿杰", "大熊", "小北", "南南", "阿May",
    "Coco", "十一", "叶子", "西瓜", "果冻", "老陈", "张小", "林林", "包子", "芒果", "星星", "阿飞", "小满",
)  # fmt: skip
NAME_TAILS = {
    "美妆": ("的化妆间", "美妆日记", "爱化妆", "的护肤笔记", "彩妆研究所"),
    "美食": ("的厨房", "爱吃肉", "探店记", "家常菜", "寻味记"),
    "母婴": ("妈妈", "育儿记", "带娃日常", "和宝宝", "辣妈日记"),
    "数码": ("说数码", "测评室", "玩机", "科技范", "数码控"),
    "汽车": ("说车", "玩车日记", "聊车", "的车库", "试驾记"),
    "旅行": ("去旅行", "在路上", "旅行日记", "看世界", "环游记"),
    "家居": ("的小家", "收纳术", "家居改造", "爱生活", "好物分享"),
    "服饰": ("穿搭日记", "的衣橱", "每日穿搭", "OOTD", "搭配师"),
    "游戏": ("游戏解说", "开黑", "电竞", "玩游戏", "打野"),
    "教育": ("老师", "学堂", "讲英语", "学习法", "教你学"),
    "健康": ("健身日记", "养生堂", "跑步去", "减脂记", "练瑜伽"),
    "宠物": ("和猫", "的狗子", "铲屎官", "萌宠日记", "家的喵"),
}
NAME_ENDS = ("", "", "", "", "", "呀", "酱", "同学", "本人", "ya")
TAGLINES = {
    "美妆": ("分享真实上脸的平价好物", "手残党也能学会的日常妆"),
    "美食": ("一人食也要好好吃饭", "带你吃遍街头巷尾"),
    "母婴": ("新手妈妈的科学育儿笔记", "分享亲测好用的母婴好物"),
    "数码": ("只做真实不吹的测评", "帮你把钱花在刀刃上"),
    "汽车": ("从车主视角聊用车成本", "新能源车深度体验"),
    "旅行": ("周末去哪儿, 看我就够了", "用镜头记录每一座城"),
    "家居": ("小户型也能住出大空间", "租房改造与收纳技巧"),
    "服饰": ("158小个子的显高穿搭", "一周通勤不重样"),
    "游戏": ("手游攻略与名场面集锦", "陪你一起上分"),
    "教育": ("十年一线教师, 讲透学习方法", "轻松学英语, 每天五分钟"),
    "健康": ("科学减脂不挨饿", "上班族的居家健身计划"),
    "宠物": ("两只猫一只狗的热闹生活", "科学养宠, 拒绝智商税"),
}


def _nickname(rng: random.Random, industry: str) -> str:
    return rng.choice(NAME_HEADS) + rng.choice(NAME_TAILS[industry]) + rng.choice(NAME_ENDS)


def _intro(rng: random.Random, region: str, industries: list[str]) -> str:
    city = region.split("·")[-1]
    main = industries[0]
    text = f"{city}{main}博主, {rng.choice(TAGLINES[main])}。"
    if len(industries) > 1:
        text += f"也聊{'、'.join(industries[1:])}。"
    return text + rng.choice(("商务合作请走星图。", "品牌合作请通过巨量星图下单。", "合作请私信或星图下单。"))


# --- Time helpers -----------------------------------------------------------------------------------


def local_instant(at: datetime) -> datetime:
    """``at`` in +08:00, to the whole second (a naive value is read as Asia/Shanghai)."""
    if at.tzinfo is None:
        at = at.replace(tzinfo=TZ)
    return at.astimezone(TZ).replace(microsecond=0)


def reference_time(at: datetime) -> datetime:
    """The instant ``at_risk`` creators met their tier at: the monthly assessment of ``at``'s month
    (02:00 on the 1st) when that is 5–25 days before ``at``, else 15 days before ``at``. Either way the
    two windows overlap by ≥ 5 days and each has ≥ 5 days of its own."""
    at = local_instant(at)
    month = at.replace(day=1, hour=2, minute=0, second=0)
    if timedelta(days=5) <= at - month <= timedelta(days=25):
        return month
    return at - timedelta(days=15)


def _hundreds(x: float) -> int:
    return int(round(x, -2))


def _ts(dt: datetime) -> str:
    return dt.isoformat()


def _between(rng: random.Random, lo: datetime, hi: datetime) -> datetime:
    span = int((hi - lo).total_seconds())
    return lo + timedelta(seconds=rng.randrange(span)) if span > 0 else lo


def _times(rng: random.Random, n: int, lo: datetime, hi: datetime) -> list[datetime]:
    return sorted(_between(rng, lo, hi) for _ in range(n))


def _loguniform(rng: random.Random, lo: float, hi: float) -> int:
    lo, hi = max(lo, 1), max(hi, 1)
    return round(math.exp(rng.uniform(math.log(lo), math.log(hi))))


def _split(rng: random.Random, total: int, n: int, sigma: float = 0.6) -> list[int]:
    """``total`` split into ``n`` non-negative parts that add up exactly."""
    if n == 0:
        return []
    weights = [rng.lognormvariate(0, sigma) for _ in range(n)]
    scale = total / sum(weights)
    parts = [int(w * scale) for w in weights]
    parts[weights.index(max(weights))] += total - sum(parts)
    return parts


_encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


def line_type(line: str) -> str:
    """The ``type`` of a line produced here (it is always the first key)."""
    return line[9 : line.index('"', 9)]


# --- Shaping a creator --------------------------------------------------------------------------------


@dataclass
class _Plan:
    """What a creator's data must show at ``at`` (program.md §1 metrics)."""

    tier: int
    mode: str = "normal"  # normal | near_miss | just_made | at_risk
    risk: str | None = None
    fail_next: set[str] = field(default_factory=set)
    values: dict[str, int] = field(default_factory=dict)
    avg_spec: tuple[str, int, int] = ("band", 400, 10_000)  # band lo hi | below bar 0 | above bar 0
    likes_spec: tuple[str, int, int] = ("band", 0, 10_000)
    credit_band: tuple[int, int] = NATURAL_CREDIT
    profile_complete: bool = True
    task_hall: bool = True
    douyin_bound: bool = True
    types_off: str = ""  # "none": no task type enabled; "no_spread": a 10w+ creator without spread tasks
    no_quote: bool = False
    no_assistant: bool = False


LV1_FLAGS = ("posts", "fans", "courses", "task_hall", "profile", "douyin", "types", "quote", "assistant")
LV1_FLAG_WEIGHTS = (30, 22, 18, 10, 5, 5, 4, 3, 3)
NEXT_METRICS = {t: [m for m in RULES if t + 1 in RULES[m]] for t in range(4)}


def _plan(rng: random.Random, tier: int) -> _Plan:
    plan = _Plan(tier=tier)
    draw = rng.random()
    if tier >= 1 and draw < 0.08:
        plan.mode = "at_risk"
    elif tier < 4 and draw < 0.18:
        plan.mode = "near_miss"
    elif tier >= 1 and draw < 0.28:
        plan.mode = "just_made"
    edge_metric = ""
    if plan.mode == "just_made":
        edge_metric = rng.choice([m for m in RULES if _highest_at_most(m, tier)])

    # 1. Which requirements of tier+1 fail.
    if tier < 4:
        nxt = NEXT_METRICS[tier]
        if plan.mode == "near_miss":
            edge_metric = rng.choice(["posts", "fans", "courses"] if tier == 0 else nxt)
            plan.fail_next = {edge_metric}
        else:
            if plan.mode == "just_made" and tier + 1 in RULES[edge_metric]:
                plan.fail_next = {edge_metric}
            if not plan.fail_next and tier == 0:
                _fail_lv1(rng, plan)
            elif not plan.fail_next:
                size = rng.choices((1, 2, 3), (50, 30, 20))[0]
                plan.fail_next = set(rng.sample(nxt, min(size, len(nxt))))
    if plan.mode == "at_risk":
        choices = [("posts", 40)]
        choices += [("submissions", 15)] if tier >= 2 else []
        choices += [("orders", 15), ("fans", 15), ("credit", 15)] if tier >= 3 else []
        plan.risk = rng.choices([c for c, _ in choices], [w for _, w in choices])[0]
        if tier < 4 and tier + 1 in RULES[plan.risk]:
            plan.fail_next.add(plan.risk)

    # 2. A value per metric: in the band that passes tier (and tier+1 unless it must fail there).
    for metric in RULES:
        if metric in plan.fail_next or tier + 1 not in RULES[metric]:
            passes = _highest_at_most(metric, tier)
        else:
            passes = tier + 1
        if metric == "fans" and (plan.no_quote or plan.no_assistant or plan.types_off == "no_spread"):
            lo, hi = LARGE_CREATOR_FANS, _min_pass("fans", 3) - 1
        elif metric == "credit" and passes is None and metric not in plan.fail_next:
            lo, hi = NATURAL_CREDIT
        else:
            lo, hi = _band(metric, passes)
        if metric == "credit":
            plan.credit_band = (lo, hi)
        if metric == "avg_plays":
            plan.avg_spec = ("band", lo, hi)
        elif metric == "likes":
            plan.likes_spec = ("band", lo, hi)
        else:
            plan.values[metric] = _sample(rng, metric, lo, hi)

    # 3. Edges: a hair below tier+1's bar, or exactly at tier's own bar.
    if plan.mode == "near_miss":
        _set_edge(rng, plan, edge_metric, tier + 1, below=True)
    elif plan.mode == "just_made":
        _set_edge(rng, plan, edge_metric, _highest_at_most(edge_metric, tier), below=False)
    elif plan.mode == "at_risk":
        _set_risk(rng, plan)
    return plan


def _fail_lv1(rng: random.Random, plan: _Plan) -> None:
    """LV0: pick which LV1 requirements fail (program.md §1 LV1 column)."""
    size = rng.choices((1, 2, 3), (60, 25, 15))[0]
    flags = set()
    while len(flags) < size:
        flags.add(rng.choices(LV1_FLAGS, LV1_FLAG_WEIGHTS)[0])
    if "fans" in flags:  # under 10,000 fans: quote and assistant are not required anyway
        flags -= {"quote", "assistant"}
    plan.fail_next = flags & {"posts", "fans", "courses"}
    plan.profile_complete = "profile" not in flags
    plan.task_hall = "task_hall" not in flags
    plan.douyin_bound = "douyin" not in flags
    plan.no_quote = "quote" in flags
    plan.no_assistant = "assistant" in flags
    if "types" in flags:
        # Either nothing enabled, or a 10w+ creator with submission tasks but no spread tasks.
        large = "fans" not in flags and (plan.no_quote or plan.no_assistant or rng.random() < 0.4)
        plan.types_off = "no_spread" if large else "none"


def _sample(rng: random.Random, metric: str, lo: int, hi: int) -> int:
    if metric == "fans":
        return min(max(_loguniform(rng, lo * 1.04, hi * 0.96), lo), hi)
    if metric == "credit":
        margin = min(2, (hi - lo) // 4)
        return rng.randint(lo + margin, hi - margin)
    return rng.randint(lo, hi)


def _set_edge(rng: random.Random, plan: _Plan, metric: str, level: int, *, below: bool) -> None:
    bar = RULES[metric][level][1]
    if metric == "avg_plays":
        plan.avg_spec = ("below" if below else "above", bar, 0)
    elif metric == "likes":
        plan.likes_spec = ("below" if below else "above", bar, 0)
    elif metric == "fans":
        step = rng.randint(0, max(1, bar // 30))
        plan.values["fans"] = _min_pass("fans", level) - 1 - step if below else _min_pass("fans", level) + step
    else:
        plan.values[metric] = _min_pass(metric, level) - 1 if below else _min_pass(metric, level)


def _set_risk(rng: random.Random, plan: _Plan) -> None:
    """Now one requirement of the tier fails; the reference-time data (laid out later) passes it."""
    risk, tier = plan.risk, plan.tier
    need = _min_pass(risk, max(lv for lv in RULES[risk] if lv <= tier))
    if risk == "posts":
        plan.values["posts"] = need - rng.randint(1, 2)
    elif risk in ("submissions", "orders"):
        plan.values[risk] = need - 1
    elif risk == "fans":
        plan.values["fans"] = need - 1 - rng.randint(0, need // 60)
    elif risk == "credit":
        plan.values["credit"] = need - rng.randint(1, 6)
        plan.credit_band = (need, min(100, need + 15))  # what earlier figures showed


# --- Laying the plan out as activity ------------------------------------------------------------------


@dataclass(frozen=True)
class _Ctx:
    at: datetime
    ref: datetime
    day: date
    ref_day: date
    tasks: tuple[_Task, ...]

    @classmethod
    def of(cls, at: datetime) -> _Ctx:
        at = local_instant(at)
        ref = reference_time(at)
        return cls(at, ref, at.date(), ref.date(), _task_windows(at))


class _Out:
    """Collects one creator's lines in the order the ingest needs (the creator first)."""

    def __init__(self, cid: str) -> None:
        self.cid = cid
        self.lines: list[str] = []

    def add(self, type_: str, /, **fields: Any) -> None:
        self.lines.append(_encode({"type": type_, **fields}))

    def attached(self, type_: str, /, **fields: Any) -> None:
        self.add(type_, creator=self.cid, **fields)

    # The high-volume types are written directly: their values are ASCII ids, numbers and timestamps,
    # so no escaping is needed, and this halves the generator's time at 100,000 creators.
    def fans(self, day: date, fans: int) -> None:
        self.lines.append(f'{{"type":"fans","creator":"{self.cid}","date":"{day.isoformat()}","fans":{fans}}}')

    def credit(self, day: date, score: int) -> None:
        self.lines.append(f'{{"type":"credit","creator":"{self.cid}","date":"{day.isoformat()}","score":{score}}}')

    def progress(self, course: str, completion: float, at: datetime) -> None:
        self.lines.append(
            f'{{"type":"course_progress","creator":"{self.cid}","course":"{course}",'
            f'"completion":{completion!r},"at":"{at.isoformat()}"}}'
        )

    def event(self, name: str, at: datetime) -> None:
        self.lines.append(f'{{"type":"event","creator":"{self.cid}","name":"{name}","at":"{at.isoformat()}"}}')


@dataclass
class _Item:
    published: datetime
    kind: str
    plays: int
    likes: int = 0


def _content(rng: random.Random, n: int, lo: datetime, hi: datetime, total: int, live_share: float) -> list[_Item]:
    kinds = ["live" if rng.random() < live_share else "video" for _ in range(n)]
    return [
        _Item(t, kind, plays)
        for t, kind, plays in zip(_times(rng, n, lo, hi), kinds, _split(rng, total, n), strict=True)
    ]


def _set_likes(rng: random.Random, items: list[_Item], total: int) -> None:
    weights = [it.plays * rng.uniform(0.6, 1.4) + 1 for it in items]
    if not items:
        return
    scale = total / sum(weights)
    for it, w in zip(items, weights, strict=True):
        it.likes = int(w * scale)
    items[weights.index(max(weights))].likes += total - sum(it.likes for it in items)


def _natural_likes(rng: random.Random, items: list[_Item], rate: float) -> None:
    for it in items:
        it.likes = int(it.plays * rate * rng.uniform(0.6, 1.4))


def _plays_total(rng: random.Random, n: int, spec: tuple[str, int, int]) -> int:
    """Total plays of ``n`` window items so their mean lands where the spec says (mean > bar is strict)."""
    if n == 0:
        return 0
    how, a, b = spec
    if how == "below":  # mean ≤ bar, sometimes exactly the bar
        return a * n - (0 if rng.random() < 0.25 else rng.randint(1, max(1, n * a // 200)))
    if how == "above":
        return a * n + rng.randint(1, max(1, n * a // 200))
    avg = _loguniform(rng, a * 1.05, b * 0.95)
    return min(max(avg * n, (a - 1) * n + 1), b * n)


def _likes_total(rng: random.Random, natural: int, spec: tuple[str, int, int]) -> int:
    how, a, b = spec
    if how == "below":
        return a - (0 if rng.random() < 0.25 else rng.randint(1, a // 40))
    if how == "above":
        return a + 1 + rng.randint(0, a // 40)
    lo = a + a // 20 if a > FLOOR["likes"] else a
    hi = b - b // 20
    return min(max(natural, lo), hi)


def _emit_content(out: _Out, rng: random.Random, num: int, items: list[_Item]) -> dict[int, str]:
    """Content lines, oldest first; returns id(item) -> content id."""
    ids = {}
    items.sort(key=lambda it: it.published)
    for k, it in enumerate(items, 1):
        cid = f"ct-{num}-{k:03d}"
        ids[id(it)] = cid
        clicks = int(it.plays * rng.uniform(0, 0.004))
        rate = round(rng.uniform(0.12, 0.65) if it.kind == "video" else rng.uniform(0.05, 0.35), 3)
        out.lines.append(
            f'{{"type":"content","id":"{cid}","creator":"{out.cid}","kind":"{it.kind}",'
            f'"published_at":"{it.published.isoformat()}","effective_plays":{it.plays},"likes":{it.likes},'
            f'"comments":{int(it.likes * rng.uniform(0.02, 0.12))},"shares":{int(it.likes * rng.uniform(0.01, 0.08))},'
            f'"completion_rate":{rate!r},"component_clicks":{clicks},'
            f'"conversions":{int(clicks * rng.uniform(0.02, 0.15))}}}'
        )
    return ids


def _open_tasks(ctx: _Ctx, at: datetime, guarantee: bool | None = None) -> list[_Task]:
    return [
        t
        for t in ctx.tasks
        if t.opens <= at < t.closes and (guarantee is None or (t.threshold is not None) == guarantee)
    ]


def _entry(
    out: _Out, rng: random.Random, ref: str, num: int, k: int, task: _Task, submitted: datetime, plays: int
) -> None:
    rate = rng.uniform(0.001, 0.004) if task.threshold else rng.uniform(0.002, 0.008)
    out.attached(
        "submission",
        id=f"sb-{num}-{k:02d}",
        task=task.code,
        submitted_at=_ts(submitted),
        content=ref,
        effective_plays=plays,
        earnings=round(plays * rate, 2),
    )


def _order(
    out: _Out,
    rng: random.Random,
    num: int,
    k: int,
    kind: str,
    status: str,
    when: datetime,
    amount: int,
    plays: int,
) -> None:
    """An order finished (or, if not completed, created) at ``when``."""
    fields: dict[str, Any] = {"id": f"od-{num}-{k:02d}", "kind": kind, "status": status}
    if status == "completed":
        fields["created_at"] = _ts(when - timedelta(days=rng.randint(2, 20), hours=rng.randint(0, 12)))
        fields["completed_at"] = _ts(when)
    else:
        fields["created_at"] = _ts(when)
    fields["amount"] = amount
    if status == "completed":
        fields["plays"] = plays
        fields["rating"] = round(rng.uniform(3.8, 5.0) if rng.random() < 0.8 else rng.uniform(2.5, 4.0), 1)
    out.attached("order", **fields)


def _creator_lines(index: int, seed: int, ctx: _Ctx) -> list[str]:
    rng = random.Random(f"xt-demo/{seed}/{index}")
    if index == 0:
        return _demo_creator_lines(rng, ctx)
    tier = (index - 1) % 5 if index <= 10 else rng.choices(range(5), TIER_WEIGHTS)[0]
    return _shaped_creator_lines(rng, FIRST_ID + index, _plan(rng, tier), ctx)


def _shaped_creator_lines(rng: random.Random, num: int, plan: _Plan, ctx: _Ctx) -> list[str]:
    at, ref, tier, v = ctx.at, ctx.ref, plan.tier, plan.values
    out = _Out(f"c-{num}")
    risky = plan.mode == "at_risk"
    joined = at - timedelta(days=rng.randint(60, 200 + 200 * tier), seconds=rng.randrange(86_400))

    # Profile.
    industries = rng.sample(INDUSTRIES, rng.choices((1, 2, 3), (55, 35, 10))[0])
    region = rng.choice(REGIONS)
    fans = v["fans"]
    large = fans >= LARGE_CREATOR_FANS
    task_types = ["submission", "spread"] if large else ["submission"] if fans >= 10_000 else []
    if fans < 10_000 and rng.random() < 0.3:
        task_types = ["submission"]
    if plan.types_off:
        task_types = ["submission"] if plan.types_off == "no_spread" else []
    profile = {
        "id": out.cid,
        "nickname": _nickname(rng, industries[0]),
        "fans": fans,
        "credit_score": v["credit"],
        "douyin_bound": plan.douyin_bound,
        "intro": _intro(rng, region, industries),
        "region": region,
        "industries": industries,
        "task_types": task_types,
    }
    if not plan.profile_complete:
        missing = rng.choice(("intro", "region", "industries"))
        profile[missing] = [] if missing == "industries" else ""
    if large and not plan.no_quote:
        base = max(1000, _hundreds(fans * rng.uniform(0.015, 0.04)))
        quotes = {"video_1_20s": base, "video_21_60s": _hundreds(base * rng.uniform(1.5, 1.9))}
        if rng.random() < 0.5:
            quotes["video_60s_plus"] = _hundreds(base * rng.uniform(2.2, 2.8))
        profile["quotes"] = quotes
    profile["joined_at"] = _ts(joined)
    out.add("creator", **profile)

    # Fans: 15 daily figures; a fans-at-risk creator's reach back to before the reference day.
    first = ctx.day - timedelta(days=14)
    if plan.risk == "fans":
        first = min(first, ctx.ref_day - timedelta(days=2))
        high = _min_pass("fans", tier) + rng.randint(fans // 100, fans // 25)
        days = (ctx.day - first).days
        drop_days = (ctx.day - ctx.ref_day).days
        for d in range(days + 1):
            day = first + timedelta(days=d)
            if day <= ctx.ref_day:
                value = high - (ctx.ref_day - day).days * rng.randint(0, 300)
            else:
                value = high - round((high - fans) * (day - ctx.ref_day).days / drop_days)
            out.fans(day, value)
    else:
        # At-risk creators grow slowly, so the reference day's figure stays in their tier's band.
        growth = rng.uniform(-0.0005, 0.001 if risky else 0.004)
        noise = 0.0005 if risky else 0.0015
        series = [fans]
        for _ in range(14):
            series.append(max(0, round(series[-1] / (1 + growth + rng.uniform(-noise, noise)))))
        for d, value in enumerate(reversed(series)):
            out.fans(first + timedelta(days=d), value)

    # Credit: an earlier figure (before the reference time) in the band the creator was in, then the
    # current one.
    lo, hi = plan.credit_band
    out.credit(ctx.day - timedelta(days=rng.randint(35, 90)), rng.randint(lo, hi))
    if plan.risk == "credit":
        last = ctx.ref_day + timedelta(days=rng.randint(1, (ctx.day - ctx.ref_day).days))
    else:
        last = ctx.day - timedelta(days=rng.randint(1, 10))
    out.credit(last, v["credit"])

    # Content. Window items in [at − 30d, at) — for at-risk creators only in the part that the reference
    # window shares, so the reference assessment sees them too; "pre" items only the reference window sees.
    now_lo, now_hi = at - WINDOW + EDGE, (ref if risky else at) - EDGE
    pre_lo, pre_hi = ref - WINDOW + EDGE, at - WINDOW - EDGE
    old_lo, old_hi = at - timedelta(days=100), (ref if risky else at) - WINDOW - EDGE
    live_share = 0.1 if tier <= 1 else 0.2
    n = v["posts"]
    total = _plays_total(rng, n, plan.avg_spec)
    avg = total / n if n else _loguniform(rng, 800, 9000)
    now = _content(rng, n, now_lo, now_hi, total, live_share)
    rate = rng.uniform(0.008, 0.05)
    _natural_likes(rng, now, rate)
    likes = _likes_total(rng, sum(it.likes for it in now), plan.likes_spec)
    _set_likes(rng, now, min(likes, sum(it.plays for it in now) // 5) if likes > 0 else 0)
    pre: list[_Item] = []
    if plan.risk == "posts":
        extra = _min_pass("posts", _highest_at_most("posts", tier)) - n + rng.randint(1, 3)
        pre = _content(rng, extra, pre_lo, pre_hi, round(avg * extra), live_share)
    elif plan.risk == "submissions":
        pre = _content(rng, rng.randint(1, 2), pre_lo, pre_hi, round(avg * 2), 0)
    n_old = rng.randint(*((1, 4), (2, 6), (3, 7), (3, 8), (3, 6))[tier])
    old = _content(rng, n_old, old_lo, old_hi, round(avg * n_old * rng.uniform(0.6, 1.3)), live_share)
    _natural_likes(rng, pre + old, rate)
    ids = _emit_content(out, rng, num, now + pre + old)

    # Orders: the ones that count (completed standard in the window), and the ones that must not.
    k = 0
    amount = max(500, _hundreds(fans * rng.uniform(0.01, 0.05)))

    def order(kind: str, status: str, when: datetime, price: int) -> None:
        nonlocal k
        k += 1
        _order(out, rng, num, k, kind, status, when, price, round(avg * rng.uniform(0.5, 2.0)))

    for _ in range(v["orders"]):
        order("standard", "completed", _between(rng, now_lo, now_hi), amount)
    if plan.risk == "orders":
        for _ in range(rng.randint(1, 2)):
            order("standard", "completed", _between(rng, pre_lo, pre_hi), amount)
    for _ in range(rng.randint(0, tier + 1) if tier else 0):
        order("standard", "completed", _between(rng, at - timedelta(days=100), pre_hi), amount)
    # Mass and mini-game orders never count; creators short of orders often have enough of them.
    short = "orders" in plan.fail_next
    if fans >= 10_000 and (rng.random() < 0.35 or (short and rng.random() < 0.6)):
        for _ in range(rng.randint(1, 3)):
            order("mass", "completed", _between(rng, at - WINDOW + EDGE, at - EDGE), rng.randint(50, 800))
    if fans >= 10_000 and (rng.random() < 0.15 or (short and rng.random() < 0.4)):
        for _ in range(rng.randint(1, 2)):
            order("minigame", "completed", _between(rng, at - WINDOW + EDGE, at - EDGE), rng.randint(100, 2000))
    if tier >= 1 and rng.random() < 0.15:
        order("standard", "cancelled", _between(rng, at - WINDOW, at - EDGE), amount)
    if tier >= 1 and rng.random() < 0.2:
        order("standard", "in_progress", _between(rng, at - timedelta(days=10), at - EDGE), amount)

    # Courses: completed ones (≥ 0.80, sometimes exactly) before the reference time, a few in progress.
    courses = rng.sample(COURSE_CODES, len(COURSE_CODES))
    done = v["courses"]
    in_progress = rng.choices((0, 1, 2), (50, 35, 15))[0]
    if plan.mode == "near_miss" and "courses" in plan.fail_next:
        in_progress = max(1, in_progress)  # the near miss: one more course almost finished
    study_lo = joined + DAY
    for i, code in enumerate(courses[: done + in_progress]):
        if i < done:
            completion = rng.choice((1.0, 1.0, 1.0, 0.8, round(rng.uniform(0.8, 0.99), 2)))
            when = _between(rng, study_lo, at - timedelta(days=35))
        else:
            completion = round(rng.uniform(0.75, 0.79) if i == done else rng.uniform(0.1, 0.79), 2)
            when = _between(rng, max(study_lo, at - timedelta(days=60)), at - EDGE)
        out.progress(code, completion, when)

    # Submission entries: in the window on window items, on "pre" items for the submissions risk, and
    # some older ones.
    k = 0
    chosen = rng.sample(now, min(v["submissions"], len(now))) + pre[: 2 if plan.risk == "submissions" else 0]
    chosen += rng.sample(old, min(len(old), rng.randint(0, 2) if tier else 0))
    for it in chosen:
        submitted = it.published + timedelta(seconds=rng.randint(300, 3600))
        tasks = _open_tasks(ctx, submitted)
        if tasks:
            k += 1
            plays = round(it.plays * rng.uniform(0.6, 1.0))
            _entry(out, rng, ids[id(it)], num, k, rng.choice(tasks), submitted, plays)

    # Portal events: the first visit long before the reference time, then now and then.
    seen = set()
    for name, wanted in (
        ("task_hall_viewed", plan.task_hall),
        ("assistant_viewed", (large and not plan.no_assistant) or (not large and rng.random() < 0.3)),
    ):
        if not wanted:
            continue
        times = [_between(rng, study_lo, at - timedelta(days=35))]
        times += _times(rng, rng.randint(0, 2), at - timedelta(days=60), at - EDGE)
        for t in times:
            if (name, t) not in seen:
                seen.add((name, t))
                out.event(name, t)
    return out.lines


def _demo_creator_lines(rng: random.Random, ctx: _Ctx) -> list[str]:
    """c-1001, the ``creator`` login (see the module docstring)."""
    at, ref, num = ctx.at, ctx.ref, FIRST_ID
    out = _Out(DEMO_CREATOR_ID)
    days = lambda n: timedelta(days=n)  # noqa: E731
    fans_points = ((-200, 232_000), (-130, 301_500), (-30, 352_000), (0, 368_400))

    def fans_on(d: int) -> int:
        for (d0, f0), (d1, f1) in pairwise(fans_points):
            if d0 <= d <= d1:
                return round(f0 + (f1 - f0) * (d - d0) / (d1 - d0))
        raise ValueError(d)

    out.add(
        "creator",
        id=DEMO_CREATOR_ID,
        nickname="桃桃爱旅行",
        fans=fans_on(0),
        credit_score=84,
        douyin_bound=True,
        intro="杭州旅行美食博主, 用镜头记录每一座城, 周末去哪儿看我就够了。品牌合作请通过巨量星图下单。",
        region="浙江·杭州",
        industries=["旅行", "美食"],
        task_types=["submission", "spread"],
        quotes={"video_1_20s": 9000, "video_21_60s": 16000, "video_60s_plus": 24000},
        joined_at=_ts(at - days(420) + timedelta(hours=3)),
    )
    # Weekly figures back to 200 days ago, daily for the last 15: fans crossed 300,000 ≈130 days ago.
    for d in [*range(-200, -14, 7), *range(-14, 1)]:
        value = fans_on(d) if d in (-130, 0) else round(fans_on(d) * rng.uniform(0.998, 1.002))
        if d == -130:
            value = 300_800  # just over the LV3 bar: the upgrade from LV2
        out.fans(ctx.day + days(d), value)
    for d, score in ((-200, 80), (-60, 86), (-12, 84)):
        out.credit(ctx.day + days(d), score)

    # Content: ~6 a week for 200 days; nothing since the month began (the reference time), so the window
    # holds 17 posts (< 20) while the reference window held ≥ 20. Likes in the window just over 10,000.
    history_hi = ref - WINDOW - EDGE
    n_hist = (history_hi - (at - days(200))).days * 6 // 7
    # Older posts play better, so the last quarter's video mean clears LV3's reward bar (> 80,000).
    old = _content(rng, n_hist, at - days(200), history_hi, 110_000 * n_hist, 0.1)
    n_pre = max(4, (at - ref).days * 6 // 7)
    pre = _content(rng, n_pre, ref - WINDOW + EDGE, at - WINDOW - EDGE, 90_000 * n_pre, 0.1)
    now = _content(rng, 17, at - WINDOW + EDGE, ref - EDGE, 72_000 * 17 + rng.randint(0, 17 * 500), 0.12)
    _natural_likes(rng, old + pre, 0.015)
    _set_likes(rng, now, 10_000 + rng.randint(150, 600))

    # Guarantee-task entries: one above its task's threshold, one below, one open (not yet settled).
    def pick(items: list[_Item], task: _Task) -> _Item:
        fits = [it for it in items if task.opens <= it.published < task.closes - days(1)]
        return ([it for it in fits if it.kind == "video"] or fits or items)[-1]

    by_code = {t.code: t for t in ctx.tasks}
    over = pick(old, by_code["task-03"])
    over.plays = max(over.plays, 28_640)
    under = pick(old + pre, by_code["task-07"])
    under.plays, under.likes = 6_210, 95
    current = pick(now, by_code["task-10"])
    current.plays = max(current.plays, 24_300)  # over the threshold: the card can be used here
    ids = _emit_content(out, rng, num, old + pre + now)

    k = 0

    def order(kind: str, status: str, when: datetime, amount: int) -> None:
        nonlocal k
        k += 1
        _order(out, rng, num, k, kind, status, when, amount, round(95_000 * rng.uniform(0.6, 1.8)))

    d = -198 + rng.randint(0, 5)
    while at + days(d) < history_hi:  # a standard order every ~12 days: ≥ 6 per quarter
        order("standard", "completed", at + days(d) + timedelta(hours=rng.randint(9, 20)), rng.choice((9000, 16000)))
        d += rng.randint(9, 14)
    order("standard", "completed", _between(rng, ref - WINDOW + EDGE, at - WINDOW - EDGE), 16000)
    for _ in range(2):  # two that count now (≥ 1 for LV3, < 3 for LV4) …
        order("standard", "completed", _between(rng, at - WINDOW + EDGE, ref - EDGE), 9000)
    # … and two that a naive count would add: then it would look like LV4's ≥ 3.
    order("mass", "completed", _between(rng, at - WINDOW + EDGE, at - EDGE), 380)
    order("minigame", "completed", _between(rng, at - WINDOW + EDGE, at - EDGE), 1200)
    order("standard", "in_progress", at - days(3), 16000)
    order("standard", "cancelled", at - days(20), 9000)

    # Courses: 9 completed (≥ 8 for LV3, one short of LV4's 10), one half done, one barely started.
    for i, code in enumerate(("course-01", "course-02", "course-03", "course-04", "course-06", "course-07")):
        out.progress(code, 1.0, at - days(300 - 20 * i))
    out.progress("course-08", 0.85, at - days(175))
    out.progress("course-11", 1.0, at - days(165))
    out.progress("course-09", 1.0, at - days(45))
    out.progress("course-10", 0.45, at - days(5))
    out.progress("course-05", 0.2, at - days(90))

    # Entries: roughly every fifth post since tasks opened, plus the three guarantee-task ones.
    k = 0
    special = {id(over): by_code["task-03"], id(under): by_code["task-07"], id(current): by_code["task-10"]}
    others = [it for it in old + pre + now if id(it) not in special and it.published >= at - days(125)]
    chosen = [*special, *(id(it) for it in others[::5]), id(now[1])]
    items = {id(it): it for it in old + pre + now}
    for key in sorted(dict.fromkeys(chosen), key=lambda x: items[x].published):  # stable: no set order
        it = items[key]
        submitted = it.published + timedelta(minutes=rng.randint(20, 90))
        task = special.get(key)
        if task is None and (open_tasks := _open_tasks(ctx, submitted, guarantee=False)):
            task = rng.choice(open_tasks)
        if task:
            k += 1
            _entry(out, rng, ids[key], num, k, task, submitted, it.plays)

    for name, back in (("task_hall_viewed", (400, 200, 60, 7, 1)), ("assistant_viewed", (380, 30, 2))):
        for b in back:
            out.event(name, at - days(b) + timedelta(hours=rng.randint(1, 12)))
    return out.lines


# --- Public entry points ------------------------------------------------------------------------------


def generate_creators(creators: int, *, seed: int, at: datetime) -> Iterator[list[str]]:
    """Per creator, its lines (the creator line first), ``c-1001`` … in order."""
    ctx = _Ctx.of(at)
    for index in range(creators):
        yield _creator_lines(index, seed, ctx)


def generate_lines(creators: int, *, seed: int, at: datetime) -> Iterator[str]:
    """The whole feed as JSON Lines strings (no trailing newline), streamed."""
    for lines in generate_creators(creators, seed=seed, at=at):
        yield from lines
