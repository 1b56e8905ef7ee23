"""The static catalogue of the demo: 星图学院 courses with their lessons, and the brands' submission tasks
with open and close dates relative to the demo's instant. ``seed_demo`` writes them with the ORM; the
generator's creators study the courses and enter the tasks."""

import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from .clock import TZ, local_instant
from .english import TASKS_EN, task_description_en

COURSES: tuple[tuple[str, str, str, tuple[str, ...]], ...] = (
    (
        "course-01",
        "星图平台入门",
        "认识巨量星图，完成入驻、资料与账号绑定，学会逛任务大厅。",
        ("认识巨量星图", "达人入驻与资料完善", "绑定抖音账号与开通任务", "任务大厅怎么逛"),
    ),
    (
        "course-02",
        "投稿任务实战",
        "从选题到结算，一次讲清投稿任务的完整流程。",
        ("投稿任务是什么", "读懂任务要求与结算规则", "从选题到成片的投稿流程", "保底任务与保底卡使用"),
    ),
    (
        "course-03",
        "报价策略与订单转化",
        "合理报价，提高商单转化与复购。",
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
        "找准定位，做垂直内容，稳定涨粉。",
        ("找准账号定位", "人设与内容垂直度", "粉丝运营与互动"),
    ),
    (
        "course-09",
        "商业内容种草技巧",
        "种草内容的底层逻辑与行业案例拆解。",
        ("种草内容的底层逻辑", "组件挂载与转化", "案例拆解：美妆与美食", "案例拆解：数码与汽车"),
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
class Task:
    """A submission task's window and guarantee threshold, as the generator sees it."""

    code: str
    opens: datetime
    closes: datetime
    threshold: int | None


def task_windows(at: datetime) -> tuple[Task, ...]:
    day = datetime.combine(at.date(), datetime.min.time(), tzinfo=TZ)
    return tuple(
        Task(code, day + timedelta(days=o, hours=10), day + timedelta(days=c, hours=22), threshold)
        for code, _brand, _title, threshold, o, c in TASKS
    )


def open_tasks(tasks: tuple[Task, ...], at: datetime, guarantee: bool | None = None) -> list[Task]:
    """The tasks open at ``at``; only guarantee tasks (True), only others (False) or all (None)."""
    return [
        t for t in tasks if t.opens <= at < t.closes and (guarantee is None or (t.threshold is not None) == guarantee)
    ]


def task_rows(at: datetime) -> list[dict[str, Any]]:
    """The submission tasks as model field values, dates relative to ``at``."""
    at = local_instant(at)
    rows = []
    for (code, brand, title, threshold, *_), window in zip(TASKS, task_windows(at), strict=True):
        description = f"{brand}投稿任务：围绕「{title}」创作原创短视频，带话题 #{brand}# 发布后提交作品。"
        if threshold:
            description += f" 保底任务：有效播放量达到 {threshold:,} 可使用保底卡获得保底收益。"
        rows.append(
            {
                "code": code,
                "brand": brand,
                "title": title,
                "title_en": TASKS_EN[code],
                "description": description,
                "content_kind": "video",  # every brief asks for 原创短视频 (docs/program.md §3)
                "description_en": task_description_en(brand, TASKS_EN[code], threshold),
                "is_guarantee": threshold is not None,
                "guarantee_threshold": threshold,
                "opens_at": window.opens,
                "closes_at": window.closes,
            }
        )
    return rows
