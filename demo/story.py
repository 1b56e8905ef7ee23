"""``c-1001``, the portal's ``creator`` login: data written to tell one story that exercises every page.

LV3 for months (fans crossed the LV3 bar ≈130 days ago), at risk now on posts (no post since the month
began, 17 in the window against ≥ 20) with likes just over the LV3 bar, orders where the mass and
mini-game ones matter, guarantee-task entries above and below the threshold, a partly finished course —
data that exercises every benefit state later.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from itertools import pairwise

from .catalogue import Task, open_tasks
from .clock import EDGE, WINDOW, between
from .emit import CreatorLines
from .items import Ctx, Item, content_items, natural_likes, set_likes, write_content, write_entry, write_order
from .plan import bar

FIRST_ID = 1001
DEMO_CREATOR_ID = f"c-{FIRST_ID}"
# (days from ``at``, fans): the story's fans curve, crossing the LV3 bar (> 300,000) at day −130.
FANS_POINTS = ((-200, 232_000), (-130, 301_500), (-30, 352_000), (0, 368_400))
LV3_CROSSED = -130


def _days(n: int) -> timedelta:
    return timedelta(days=n)


def _fans_on(d: int) -> int:
    for (d0, f0), (d1, f1) in pairwise(FANS_POINTS):
        if d0 <= d <= d1:
            return round(f0 + (f1 - f0) * (d - d0) / (d1 - d0))
    raise ValueError(d)


def demo_creator_lines(rng: random.Random, ctx: Ctx) -> list[str]:
    """The lines of ``c-1001`` (see the module docstring)."""
    out = CreatorLines(DEMO_CREATOR_ID)
    _profile(out, rng, ctx)
    old, pre, now, special, ids = _content(out, rng, ctx)
    _orders(out, rng, ctx)
    _courses(out, ctx.at)
    _entries(out, rng, ctx, old + pre + now, special, ids, now[1])
    for name, back in (("task_hall_viewed", (400, 200, 60, 7, 1)), ("assistant_viewed", (380, 30, 2))):
        for b in back:
            out.event(name, ctx.at - _days(b) + timedelta(hours=rng.randint(1, 12)))
    return out.lines


def _profile(out: CreatorLines, rng: random.Random, ctx: Ctx) -> None:
    """The creator line, weekly fans back to 200 days ago and daily for the last 15, three credit figures."""
    out.creator(
        nickname="桃桃爱旅行",
        fans=_fans_on(0),
        credit_score=84,
        douyin_bound=True,
        intro="杭州旅行美食博主, 用镜头记录每一座城, 周末去哪儿看我就够了。品牌合作请通过巨量星图下单。",
        region="浙江·杭州",
        industries=["旅行", "美食"],
        task_types=["submission", "spread"],
        quotes={"video_1_20s": 9000, "video_21_60s": 16000, "video_60s_plus": 24000},
        joined_at=ctx.at - _days(420) + timedelta(hours=3),
    )
    for d in [*range(-200, -14, 7), *range(-14, 1)]:
        value = _fans_on(d) if d in (LV3_CROSSED, 0) else round(_fans_on(d) * rng.uniform(0.998, 1.002))
        if d == LV3_CROSSED:
            value = bar("fans", 3) + 800  # just over the LV3 bar: the upgrade from LV2
        out.fans(ctx.day + _days(d), value)
    for d, score in ((-200, 80), (-60, 86), (-12, 84)):
        out.credit(ctx.day + _days(d), score)


def _content(
    out: CreatorLines, rng: random.Random, ctx: Ctx
) -> tuple[list[Item], list[Item], list[Item], dict[int, Task], dict[int, str]]:
    """~6 posts a week for 200 days; nothing since the month began (the reference time), so the window
    holds 17 posts (< 20) while the reference window held ≥ 20. Likes in the window just over the LV3 bar.
    Returns the old, "pre" and window items, the three guarantee-task ones (id(item) -> task), and
    id(item) -> content id."""
    at, ref = ctx.at, ctx.ref
    history_hi = ref - WINDOW - EDGE
    n_hist = (history_hi - (at - _days(200))).days * 6 // 7
    # Older posts play better, so the last quarter's video mean clears LV3's reward bar (> 80,000).
    old = content_items(rng, n_hist, at - _days(200), history_hi, 110_000 * n_hist, 0.1)
    n_pre = max(4, (at - ref).days * 6 // 7)
    pre = content_items(rng, n_pre, ref - WINDOW + EDGE, at - WINDOW - EDGE, 90_000 * n_pre, 0.1)
    now = content_items(rng, 17, at - WINDOW + EDGE, ref - EDGE, 72_000 * 17 + rng.randint(0, 17 * 500), 0.12)
    natural_likes(rng, old + pre, 0.015)
    set_likes(rng, now, bar("likes", 3) + rng.randint(150, 600))

    # Guarantee-task entries: one above its task's threshold, one below, one open (not yet settled).
    def pick(items: list[Item], task: Task) -> Item:
        fits = [it for it in items if task.opens <= it.published < task.closes - _days(1)]
        return ([it for it in fits if it.kind == "video"] or fits or items)[-1]

    by_code = {t.code: t for t in ctx.tasks}
    over = pick(old, by_code["task-03"])
    over.plays = max(over.plays, 28_640)
    under = pick(old + pre, by_code["task-07"])
    under.plays, under.likes = 6_210, 95
    current = pick(now, by_code["task-10"])
    current.plays = max(current.plays, 24_300)  # over the threshold: the card can be used here
    special = {id(over): by_code["task-03"], id(under): by_code["task-07"], id(current): by_code["task-10"]}
    return old, pre, now, special, write_content(out, rng, FIRST_ID, old + pre + now, "旅行")


def _orders(out: CreatorLines, rng: random.Random, ctx: Ctx) -> None:
    """A standard order every ~12 days (≥ 6 a quarter); two that count now (≥ 1 for LV3, < 3 for LV4) and
    two that a naive count would add, making it look like LV4's ≥ 3."""
    at, ref = ctx.at, ctx.ref
    k = 0

    def order(kind: str, status: str, when: datetime, amount: int) -> None:
        nonlocal k
        k += 1
        plays = round(95_000 * rng.uniform(0.6, 1.8))
        write_order(out, rng, FIRST_ID, k, kind=kind, status=status, when=when, amount=amount, plays=plays)

    d = -198 + rng.randint(0, 5)
    while at + _days(d) < ref - WINDOW - EDGE:
        order("standard", "completed", at + _days(d) + timedelta(hours=rng.randint(9, 20)), rng.choice((9000, 16000)))
        d += rng.randint(9, 14)
    order("standard", "completed", between(rng, ref - WINDOW + EDGE, at - WINDOW - EDGE), 16000)
    for _ in range(2):
        order("standard", "completed", between(rng, at - WINDOW + EDGE, ref - EDGE), 9000)
    order("mass", "completed", between(rng, at - WINDOW + EDGE, at - EDGE), 380)
    order("minigame", "completed", between(rng, at - WINDOW + EDGE, at - EDGE), 1200)
    order("standard", "in_progress", at - _days(3), 16000)
    order("standard", "cancelled", at - _days(20), 9000)


def _courses(out: CreatorLines, at: datetime) -> None:
    """9 completed (≥ 8 for LV3, one short of LV4's 10), one half done, one barely started."""
    for i, code in enumerate(("course-01", "course-02", "course-03", "course-04", "course-06", "course-07")):
        out.course_progress(code, 1.0, at - _days(300 - 20 * i))
    out.course_progress("course-08", 0.85, at - _days(175))
    out.course_progress("course-11", 1.0, at - _days(165))
    out.course_progress("course-09", 1.0, at - _days(45))
    out.course_progress("course-10", 0.45, at - _days(5))
    out.course_progress("course-05", 0.2, at - _days(90))


def _entries(
    out: CreatorLines,
    rng: random.Random,
    ctx: Ctx,
    items: list[Item],
    special: dict[int, Task],
    ids: dict[int, str],
    second_now: Item,
) -> None:
    """Roughly every fifth post since tasks opened, plus the three guarantee-task ones."""
    others = [it for it in items if id(it) not in special and it.published >= ctx.at - _days(125)]
    chosen = [*special, *(id(it) for it in others[::5]), id(second_now)]
    by_id = {id(it): it for it in items}
    k = 0
    for key in sorted(dict.fromkeys(chosen), key=lambda x: by_id[x].published):  # stable: no set order
        it = by_id[key]
        submitted = it.published + timedelta(minutes=rng.randint(20, 90))
        task = special.get(key)
        if task is None and (tasks := open_tasks(ctx.tasks, submitted, guarantee=False)):
            task = rng.choice(tasks)
        if task:
            k += 1
            write_entry(out, rng, FIRST_ID, k, task=task, content_id=ids[key], submitted=submitted, plays=it.plays)
