"""A planned creator (``plan.Plan``) laid out as the activity that shows it: profile, daily fans and credit,
content, orders, course progress, submission entries and portal events.

The order of the steps is the order of the creator's random draws: changing it changes every creator.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from levels.defaults import LARGE_CREATOR_FANS, TASKS_MIN_FANS

from .catalogue import COURSE_CODES, open_tasks
from .clock import DAY, EDGE, WINDOW, between, hundreds, loguniform, times
from .emit import CreatorLines
from .items import Ctx, Item, content_items, natural_likes, set_likes, write_content, write_entry, write_order
from .names import INDUSTRIES, REGIONS, intro, nickname
from .plan import FLOOR, Plan, highest_at_most, min_pass


class _Layout:
    """One creator being laid out: its draws, its plan, the run's instants and the windows it uses."""

    def __init__(self, rng: random.Random, num: int, plan: Plan, ctx: Ctx) -> None:
        self.rng, self.num, self.plan, self.ctx = rng, num, plan, ctx
        self.out = CreatorLines(f"c-{num}")
        self.risky = plan.mode == "at_risk"
        at, ref = ctx.at, ctx.ref
        self.joined = at - timedelta(days=rng.randint(60, 200 + 200 * plan.tier), seconds=rng.randrange(86_400))
        self.study_lo = self.joined + DAY
        # Window items in [at − 30d, at) — for at-risk creators only in the part that the reference window
        # shares, so the reference assessment sees them too; "pre" items only the reference window sees.
        self.now_lo, self.now_hi = at - WINDOW + EDGE, (ref if self.risky else at) - EDGE
        self.pre_lo, self.pre_hi = ref - WINDOW + EDGE, at - WINDOW - EDGE
        self.old_lo, self.old_hi = at - timedelta(days=100), (ref if self.risky else at) - WINDOW - EDGE
        self.topic = ""  # the creator's main industry, set with the profile
        self.avg = 0.0  # mean plays per post, set with the content
        self.orders = 0

    def order(self, kind: str, status: str, when: datetime, amount: int) -> None:
        self.orders += 1
        plays = round(self.avg * self.rng.uniform(0.5, 2.0))
        write_order(
            self.out, self.rng, self.num, self.orders, kind=kind, status=status, when=when, amount=amount, plays=plays
        )


def shaped_creator_lines(rng: random.Random, num: int, plan: Plan, ctx: Ctx) -> list[str]:
    """The lines of creator ``c-{num}``, whose data shows ``plan``."""
    lay = _Layout(rng, num, plan, ctx)
    large = _profile(lay)
    _fans(lay)
    _credit(lay)
    now, pre, old, ids = _content(lay)
    _orders(lay)
    _courses(lay)
    _entries(lay, now, pre, old, ids)
    _events(lay, large)
    return lay.out.lines


def _profile(lay: _Layout) -> bool:
    """The creator line; returns whether the creator is large (quote, assistant and spread required)."""
    rng, plan = lay.rng, lay.plan
    industries = rng.sample(INDUSTRIES, rng.choices((1, 2, 3), (55, 35, 10))[0])
    lay.topic = industries[0]  # what the creator's posts are about, even if the profile leaves it out
    region = rng.choice(REGIONS)
    fans = plan.values["fans"]
    large = fans >= LARGE_CREATOR_FANS
    task_types = ["submission", "spread"] if large else ["submission"] if fans >= TASKS_MIN_FANS else []
    if fans < TASKS_MIN_FANS and rng.random() < 0.3:
        task_types = ["submission"]
    if plan.types_off:
        task_types = ["submission"] if plan.types_off == "no_spread" else []
    profile = {"nickname": nickname(rng, industries[0]), "intro": intro(rng, region, industries)}
    profile |= {"region": region, "industries": industries}
    if not plan.profile_complete:
        missing = rng.choice(("intro", "region", "industries"))
        profile[missing] = [] if missing == "industries" else ""
    quotes = None
    if large and not plan.no_quote:
        base = max(1000, hundreds(fans * rng.uniform(0.015, 0.04)))
        quotes = {"video_1_20s": base, "video_21_60s": hundreds(base * rng.uniform(1.5, 1.9))}
        if rng.random() < 0.5:
            quotes["video_60s_plus"] = hundreds(base * rng.uniform(2.2, 2.8))
    lay.out.creator(
        fans=fans,
        credit_score=plan.values["credit"],
        douyin_bound=plan.douyin_bound,
        task_types=task_types,
        quotes=quotes,
        joined_at=lay.joined,
        **profile,
    )
    return large


def _fans(lay: _Layout) -> None:
    """15 daily figures; a fans-at-risk creator's reach back to before the reference day."""
    rng, ctx, fans = lay.rng, lay.ctx, lay.plan.values["fans"]
    first = ctx.day - timedelta(days=14)
    if lay.plan.risk == "fans":
        first = min(first, ctx.ref_day - timedelta(days=2))
        high = min_pass("fans", lay.plan.tier) + rng.randint(fans // 100, fans // 25)
        days = (ctx.day - first).days
        drop_days = (ctx.day - ctx.ref_day).days
        for d in range(days + 1):
            day = first + timedelta(days=d)
            if day <= ctx.ref_day:
                value = high - (ctx.ref_day - day).days * rng.randint(0, 300)
            else:
                value = high - round((high - fans) * (day - ctx.ref_day).days / drop_days)
            lay.out.fans(day, value)
        return
    # At-risk creators grow slowly, so the reference day's figure stays in their tier's band.
    growth = rng.uniform(-0.0005, 0.001 if lay.risky else 0.004)
    noise = 0.0005 if lay.risky else 0.0015
    series = [fans]
    for _ in range(14):
        series.append(max(0, round(series[-1] / (1 + growth + rng.uniform(-noise, noise)))))
    for d, value in enumerate(reversed(series)):
        lay.out.fans(first + timedelta(days=d), value)


def _credit(lay: _Layout) -> None:
    """An earlier figure (before the reference time) in the band the creator was in, then the current one."""
    rng, ctx = lay.rng, lay.ctx
    lo, hi = lay.plan.credit_band
    lay.out.credit(ctx.day - timedelta(days=rng.randint(35, 90)), rng.randint(lo, hi))
    if lay.plan.risk == "credit":
        last = ctx.ref_day + timedelta(days=rng.randint(1, (ctx.day - ctx.ref_day).days))
    else:
        last = ctx.day - timedelta(days=rng.randint(1, 10))
    lay.out.credit(last, lay.plan.values["credit"])


def _content(lay: _Layout) -> tuple[list[Item], list[Item], list[Item], dict[int, str]]:
    """Window items, "pre" items (only the reference window sees them) and older ones, written; returns
    the three lists and id(item) -> content id."""
    rng, plan, tier = lay.rng, lay.plan, lay.plan.tier
    live_share = 0.1 if tier <= 1 else 0.2
    n = plan.values["posts"]
    total = _plays_total(rng, n, plan.avg_spec)
    lay.avg = avg = total / n if n else loguniform(rng, 800, 9000)
    now = content_items(rng, n, lay.now_lo, lay.now_hi, total, live_share)
    rate = rng.uniform(0.008, 0.05)
    natural_likes(rng, now, rate)
    likes = _likes_total(rng, sum(it.likes for it in now), plan.likes_spec)
    set_likes(rng, now, min(likes, sum(it.plays for it in now) // 5) if likes > 0 else 0)
    pre: list[Item] = []
    if plan.risk == "posts":
        extra = min_pass("posts", highest_at_most("posts", tier)) - n + rng.randint(1, 3)
        pre = content_items(rng, extra, lay.pre_lo, lay.pre_hi, round(avg * extra), live_share)
    elif plan.risk == "submissions":
        pre = content_items(rng, rng.randint(1, 2), lay.pre_lo, lay.pre_hi, round(avg * 2), 0)
    n_old = rng.randint(*((1, 4), (2, 6), (3, 7), (3, 8), (3, 6))[tier])
    old_total = round(avg * n_old * rng.uniform(0.6, 1.3))
    old = content_items(rng, n_old, lay.old_lo, lay.old_hi, old_total, live_share)
    natural_likes(rng, pre + old, rate)
    return now, pre, old, write_content(lay.out, rng, lay.num, now + pre + old, lay.topic)


def _plays_total(rng: random.Random, n: int, spec: tuple[str, int, int]) -> int:
    """Total plays of ``n`` window items so their mean lands where the spec says (mean > bar is strict)."""
    if n == 0:
        return 0
    how, a, b = spec
    if how == "below":  # mean ≤ bar, sometimes exactly the bar
        return a * n - (0 if rng.random() < 0.25 else rng.randint(1, max(1, n * a // 200)))
    if how == "above":
        return a * n + rng.randint(1, max(1, n * a // 200))
    avg = loguniform(rng, a * 1.05, b * 0.95)
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


def _orders(lay: _Layout) -> None:
    """The orders that count (completed standard ones in the window), and the ones that must not."""
    rng, plan, tier, at = lay.rng, lay.plan, lay.plan.tier, lay.ctx.at
    fans = plan.values["fans"]
    amount = max(500, hundreds(fans * rng.uniform(0.01, 0.05)))
    for _ in range(plan.values["orders"]):
        lay.order("standard", "completed", between(rng, lay.now_lo, lay.now_hi), amount)
    if plan.risk == "orders":
        for _ in range(rng.randint(1, 2)):
            lay.order("standard", "completed", between(rng, lay.pre_lo, lay.pre_hi), amount)
    for _ in range(rng.randint(0, tier + 1) if tier else 0):
        lay.order("standard", "completed", between(rng, at - timedelta(days=100), lay.pre_hi), amount)
    # Mass and mini-game orders never count; creators short of orders often have enough of them.
    short = "orders" in plan.fail_next
    if fans >= TASKS_MIN_FANS and (rng.random() < 0.35 or (short and rng.random() < 0.6)):
        for _ in range(rng.randint(1, 3)):
            lay.order("mass", "completed", between(rng, at - WINDOW + EDGE, at - EDGE), rng.randint(50, 800))
    if fans >= TASKS_MIN_FANS and (rng.random() < 0.15 or (short and rng.random() < 0.4)):
        for _ in range(rng.randint(1, 2)):
            lay.order("minigame", "completed", between(rng, at - WINDOW + EDGE, at - EDGE), rng.randint(100, 2000))
    if tier >= 1 and rng.random() < 0.15:
        lay.order("standard", "cancelled", between(rng, at - WINDOW, at - EDGE), amount)
    if tier >= 1 and rng.random() < 0.2:
        lay.order("standard", "in_progress", between(rng, at - timedelta(days=10), at - EDGE), amount)


def _courses(lay: _Layout) -> None:
    """Completed courses (≥ 0.80, sometimes exactly) before the reference time, a few in progress."""
    rng, plan, at = lay.rng, lay.plan, lay.ctx.at
    courses = rng.sample(COURSE_CODES, len(COURSE_CODES))
    done = plan.values["courses"]
    in_progress = rng.choices((0, 1, 2), (50, 35, 15))[0]
    if plan.mode == "near_miss" and "courses" in plan.fail_next:
        in_progress = max(1, in_progress)  # the near miss: one more course almost finished
    for i, code in enumerate(courses[: done + in_progress]):
        if i < done:
            completion = rng.choice((1.0, 1.0, 1.0, 0.8, round(rng.uniform(0.8, 0.99), 2)))
            when = between(rng, lay.study_lo, at - timedelta(days=35))
        else:
            completion = round(rng.uniform(0.75, 0.79) if i == done else rng.uniform(0.1, 0.79), 2)
            when = between(rng, max(lay.study_lo, at - timedelta(days=60)), at - EDGE)
        lay.out.course_progress(code, completion, when)


def _entries(lay: _Layout, now: list[Item], pre: list[Item], old: list[Item], ids: dict[int, str]) -> None:
    """Submission entries: in the window on window items, on "pre" items for the submissions risk, and
    some older ones."""
    rng, plan = lay.rng, lay.plan
    k = 0
    chosen = rng.sample(now, min(plan.values["submissions"], len(now))) + pre[: 2 if plan.risk == "submissions" else 0]
    chosen += rng.sample(old, min(len(old), rng.randint(0, 2) if plan.tier else 0))
    for it in chosen:
        submitted = it.published + timedelta(seconds=rng.randint(300, 3600))
        tasks = open_tasks(lay.ctx.tasks, submitted)
        if tasks:
            k += 1
            plays = round(it.plays * rng.uniform(0.6, 1.0))
            task = rng.choice(tasks)
            write_entry(lay.out, rng, lay.num, k, task=task, content_id=ids[id(it)], submitted=submitted, plays=plays)


def _events(lay: _Layout, large: bool) -> None:
    """Portal events: the first visit long before the reference time, then now and then."""
    rng, plan, at = lay.rng, lay.plan, lay.ctx.at
    assistant = (large and not plan.no_assistant) or (not large and rng.random() < 0.3)
    seen = set()
    for name, wanted in (("task_hall_viewed", plan.task_hall), ("assistant_viewed", assistant)):
        if not wanted:
            continue
        visits = [between(rng, lay.study_lo, at - timedelta(days=35))]
        visits += times(rng, rng.randint(0, 2), at - timedelta(days=60), at - EDGE)
        for t in visits:
            if (name, t) not in seen:
                seen.add((name, t))
                lay.out.event(name, t)
