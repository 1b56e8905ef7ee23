"""What a demo creator's data must show: a target tier, shaped against the default rule set.

Each creator gets a target tier, meets every requirement of levels 1..tier with some margin and fails at
least one requirement of tier+1 (the set ``fail_next``). Some creators are shaped on purpose:

- ``near_miss``: fails exactly one tier+1 requirement by a hair (fans 290,000–300,000 against > 300,000,
  7 posts against ≥ 8, mean plays exactly 10,000 against > 10,000, 2 courses against ≥ 3).
- ``just_made``: one requirement of its own tier is met exactly at the bar (20 posts, credit 50,
  fans 300,001–310,000).
- ``at_risk``: met its tier at the reference instant (``demo.history.reference_time``: the month's
  monthly assessment, or the daily upgrade check 15 days back) but
  fails one requirement of that tier at ``at`` (posts slowed down, the only submission or order fell out
  of the window, fans or credit dropped). Assessing at the reference time then at ``at`` shows them at
  risk (or downgraded).

The bars come from ``levels.defaults``, the values the rule-set migration seeds, so the demo follows the
rules it is assessed by.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from levels.defaults import LARGE_CREATOR_FANS, LEVEL_REQUIREMENTS, TASKS_MIN_FANS

from .clock import loguniform

# The demo's metric names for the rule set's requirement codes (docs/program.md §1). The order is the order a
# creator's values are drawn in: changing it changes every creator.
METRIC_CODES = {
    "courses": "courses_completed",
    "posts": "posts_30d",
    "avg_plays": "avg_plays_30d",
    "submissions": "submissions_30d",
    "orders": "orders_30d",
    "fans": "fans",
    "likes": "likes_30d",
    "credit": "credit_score",
}


def _bars() -> dict[str, dict[int, tuple[str, int]]]:
    """metric -> level -> (comparison, bar) of the default rule set. ``fans`` at LV1 is the fans part of
    ``tasks_enabled`` (fans ≥ ``tasks_min_fans``, as ``levels.metrics`` measures it); the yes/no LV1
    requirements are planned separately (``_fail_lv1``)."""
    metric_of = {code: metric for metric, code in METRIC_CODES.items()}
    bars: dict[str, dict[int, tuple[str, int]]] = {metric: {} for metric in METRIC_CODES}
    bars["fans"][1] = ("gte", TASKS_MIN_FANS)
    for level, code, comparison, threshold in LEVEL_REQUIREMENTS:
        if code in metric_of:
            bars[metric_of[code]][level] = (comparison, threshold)
    return bars


BARS = _bars()
FLOOR = {"courses": 0, "posts": 0, "avg_plays": 400, "submissions": 0, "orders": 0, "fans": 300, "likes": 0}
FLOOR["credit"] = 30
CEIL = {"courses": 12, "posts": 36, "avg_plays": 600_000, "submissions": 4, "orders": 6, "fans": 3_000_000}
CEIL |= {"likes": 10**12, "credit": 100}
NATURAL_CREDIT = (55, 100)  # credit when no level constrains it
LV1_FLAGS = ("posts", "fans", "courses", "task_hall", "profile", "douyin", "types", "quote", "assistant")
LV1_FLAG_WEIGHTS = (30, 22, 18, 10, 5, 5, 4, 3, 3)
NEXT_METRICS = {t: [m for m in BARS if t + 1 in BARS[m]] for t in range(4)}


def bar(metric: str, level: int) -> int:
    return BARS[metric][level][1]


def min_pass(metric: str, level: int) -> int:
    """The smallest whole value that meets the metric's requirement at ``level`` ("gt" is strict)."""
    comparison, threshold = BARS[metric][level]
    return threshold + 1 if comparison == "gt" else threshold


def highest_at_most(metric: str, level: int) -> int | None:
    """The highest level up to ``level`` that has a requirement on ``metric`` (None: none has)."""
    levels = [lv for lv in BARS[metric] if lv <= level]
    return max(levels) if levels else None


def _band(metric: str, passes: int | None) -> tuple[int, int]:
    """Values that pass the metric's requirement at level ``passes`` (None: none) and fail the next one."""
    lo = min_pass(metric, passes) if passes else FLOOR[metric]
    above = [lv for lv in BARS[metric] if passes is None or lv > passes]
    hi = min_pass(metric, min(above)) - 1 if above else CEIL[metric]
    return lo, hi


@dataclass
class Plan:
    """What a creator's data must show at ``at`` (docs/program.md §1 metrics)."""

    tier: int
    mode: str = "normal"  # normal | near_miss | just_made | at_risk
    risk: str | None = None
    fail_next: set[str] = field(default_factory=set)
    values: dict[str, int] = field(default_factory=dict)
    # ("band", lo, hi) | ("below", bar, 0) | ("above", bar, 0); always set by ``_draw_values``.
    avg_spec: tuple[str, int, int] = ("band", 0, 0)
    likes_spec: tuple[str, int, int] = ("band", 0, 0)
    credit_band: tuple[int, int] = NATURAL_CREDIT
    profile_complete: bool = True
    task_hall: bool = True
    douyin_bound: bool = True
    types_off: str = ""  # "none": no task type enabled; "no_spread": a 10w+ creator without spread tasks
    no_quote: bool = False
    no_assistant: bool = False


def plan_creator(rng: random.Random, tier: int) -> Plan:
    plan = Plan(tier=tier, mode=_draw_mode(rng, tier))
    edge_metric = ""
    if plan.mode == "just_made":
        edge_metric = rng.choice([m for m in BARS if highest_at_most(m, tier)])
    if tier < 4:
        edge_metric = _choose_fail_next(rng, plan, edge_metric)
    if plan.mode == "at_risk":
        _choose_risk(rng, plan)
    _draw_values(rng, plan)
    # Edges: a hair below tier+1's bar, or exactly at tier's own bar.
    if plan.mode == "near_miss":
        _set_edge(rng, plan, edge_metric, tier + 1, below=True)
    elif plan.mode == "just_made":
        _set_edge(rng, plan, edge_metric, highest_at_most(edge_metric, tier), below=False)
    elif plan.mode == "at_risk":
        _set_risk(rng, plan)
    return plan


def _draw_mode(rng: random.Random, tier: int) -> str:
    draw = rng.random()
    if tier >= 1 and draw < 0.08:
        return "at_risk"
    if tier < 4 and draw < 0.18:
        return "near_miss"
    if tier >= 1 and draw < 0.28:
        return "just_made"
    return "normal"


def _choose_fail_next(rng: random.Random, plan: Plan, edge_metric: str) -> str:
    """Which requirements of tier+1 fail; returns the metric a near miss or a just-made creator is on."""
    tier = plan.tier
    if plan.mode == "near_miss":
        edge_metric = rng.choice(["posts", "fans", "courses"] if tier == 0 else NEXT_METRICS[tier])
        plan.fail_next = {edge_metric}
    elif plan.mode == "just_made" and tier + 1 in BARS[edge_metric]:
        plan.fail_next = {edge_metric}
    elif tier == 0:
        _fail_lv1(rng, plan)
    else:
        size = rng.choices((1, 2, 3), (50, 30, 20))[0]
        plan.fail_next = set(rng.sample(NEXT_METRICS[tier], min(size, len(NEXT_METRICS[tier]))))
    return edge_metric


def _choose_risk(rng: random.Random, plan: Plan) -> None:
    """The requirement of its own tier an at-risk creator fails now."""
    tier = plan.tier
    choices = [("posts", 40)]
    choices += [("submissions", 15)] if tier >= 2 else []
    choices += [("orders", 15), ("fans", 15), ("credit", 15)] if tier >= 3 else []
    plan.risk = rng.choices([c for c, _ in choices], [w for _, w in choices])[0]
    if tier < 4 and tier + 1 in BARS[plan.risk]:
        plan.fail_next.add(plan.risk)


def _draw_values(rng: random.Random, plan: Plan) -> None:
    """A value per metric: in the band that passes tier (and tier+1 unless it must fail there)."""
    tier = plan.tier
    for metric in BARS:
        if metric in plan.fail_next or tier + 1 not in BARS[metric]:
            passes = highest_at_most(metric, tier)
        else:
            passes = tier + 1
        if metric == "fans" and (plan.no_quote or plan.no_assistant or plan.types_off == "no_spread"):
            lo, hi = LARGE_CREATOR_FANS, min_pass("fans", 3) - 1
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


def _fail_lv1(rng: random.Random, plan: Plan) -> None:
    """LV0: pick which LV1 requirements fail (docs/program.md §1 LV1 column)."""
    size = rng.choices((1, 2, 3), (60, 25, 15))[0]
    flags = set()
    while len(flags) < size:
        flags.add(rng.choices(LV1_FLAGS, LV1_FLAG_WEIGHTS)[0])
    if "fans" in flags:  # under tasks_min_fans: quote and assistant are not required anyway
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
        return min(max(loguniform(rng, lo * 1.04, hi * 0.96), lo), hi)
    if metric == "credit":
        margin = min(2, (hi - lo) // 4)
        return rng.randint(lo + margin, hi - margin)
    return rng.randint(lo, hi)


def _set_edge(rng: random.Random, plan: Plan, metric: str, level: int, *, below: bool) -> None:
    if metric == "avg_plays":
        plan.avg_spec = ("below" if below else "above", bar(metric, level), 0)
    elif metric == "likes":
        plan.likes_spec = ("below" if below else "above", bar(metric, level), 0)
    elif metric == "fans":
        step = rng.randint(0, max(1, bar(metric, level) // 30))
        plan.values["fans"] = min_pass("fans", level) - 1 - step if below else min_pass("fans", level) + step
    else:
        plan.values[metric] = min_pass(metric, level) - 1 if below else min_pass(metric, level)


def _set_risk(rng: random.Random, plan: Plan) -> None:
    """Now one requirement of the tier fails; the reference-time data (laid out later) passes it."""
    risk, tier = plan.risk, plan.tier
    need = min_pass(risk, highest_at_most(risk, tier))
    if risk == "posts":
        plan.values["posts"] = need - rng.randint(1, 2)
    elif risk in ("submissions", "orders"):
        plan.values[risk] = need - 1
    elif risk == "fans":
        plan.values["fans"] = need - 1 - rng.randint(0, need // 60)
    elif risk == "credit":
        plan.values["credit"] = need - rng.randint(1, 6)
        plan.credit_band = (need, min(CEIL["credit"], need + 15))  # what earlier figures showed
