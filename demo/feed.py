"""The generator's entry points: the demo feed, creator by creator or line by line."""

import random
from collections.abc import Iterator
from datetime import datetime

from .activity import shaped_creator_lines
from .items import Ctx
from .plan import plan_creator
from .story import FIRST_ID, demo_creator_lines

TIER_WEIGHTS = (20, 30, 25, 15, 10)  # LV0 … LV4, in percent


def generate_creators(creators: int, *, seed: int, at: datetime, ref: datetime) -> Iterator[list[str]]:
    """Per creator, its lines (the creator line first), ``c-1001`` … in order. ``ref`` is the instant
    ``at_risk`` creators met their tier (``seed_demo`` takes it from ``demo.history.reference_time``)."""
    ctx = Ctx.of(at, ref)
    for index in range(creators):
        yield _creator_lines(index, seed, ctx)


def generate_lines(creators: int, *, seed: int, at: datetime, ref: datetime) -> Iterator[str]:
    """The whole feed as JSON Lines strings (no trailing newline), streamed."""
    for lines in generate_creators(creators, seed=seed, at=at, ref=ref):
        yield from lines


def _creator_lines(index: int, seed: int, ctx: Ctx) -> list[str]:
    """Creator ``index``: the story first, then the first ten one per tier in turn, then tiers by weight."""
    rng = random.Random(f"xt-demo/{seed}/{index}")
    if index == 0:
        return demo_creator_lines(rng, ctx)
    tier = (index - 1) % 5 if index <= 10 else rng.choices(range(5), TIER_WEIGHTS)[0]
    return shaped_creator_lines(rng, FIRST_ID + index, plan_creator(rng, tier), ctx)
