"""The pieces a creator's activity is built from, shared by the shaped creators (``activity``) and the
``c-1001`` story: content items and their likes, and the draws that write content, orders and
submission entries."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from .catalogue import Task, task_windows
from .clock import local_instant, split, times
from .emit import CreatorLines
from .names import content_title


@dataclass(frozen=True)
class Ctx:
    """The instants every creator of one run is laid out against."""

    at: datetime
    ref: datetime  # when ``at_risk`` creators met their tier (``demo.history.reference_time``)
    day: date
    ref_day: date
    tasks: tuple[Task, ...]

    @classmethod
    def of(cls, at: datetime, ref: datetime) -> Ctx:
        at, ref = local_instant(at), local_instant(ref)
        return cls(at, ref, at.date(), ref.date(), task_windows(at))


@dataclass
class Item:
    """A post (short video or live) before it is written: when, which kind, its plays and likes."""

    published: datetime
    kind: str
    plays: int
    likes: int = 0


def content_items(rng: random.Random, n: int, lo: datetime, hi: datetime, total: int, live_share: float) -> list[Item]:
    """``n`` items published in [lo, hi) whose plays add up to ``total``."""
    kinds = ["live" if rng.random() < live_share else "video" for _ in range(n)]
    return [
        Item(t, kind, plays) for t, kind, plays in zip(times(rng, n, lo, hi), kinds, split(rng, total, n), strict=True)
    ]


def set_likes(rng: random.Random, items: list[Item], total: int) -> None:
    """Likes that add up to exactly ``total``, roughly in proportion to plays."""
    weights = [it.plays * rng.uniform(0.6, 1.4) + 1 for it in items]
    if not items:
        return
    scale = total / sum(weights)
    for it, w in zip(items, weights, strict=True):
        it.likes = int(w * scale)
    items[weights.index(max(weights))].likes += total - sum(it.likes for it in items)


def natural_likes(rng: random.Random, items: list[Item], rate: float) -> None:
    for it in items:
        it.likes = int(it.plays * rate * rng.uniform(0.6, 1.4))


def write_content(out: CreatorLines, rng: random.Random, num: int, items: list[Item], topic: str) -> dict[int, str]:
    """Content lines, oldest first, titled after the creator's ``topic`` (an industry); returns
    id(item) -> content id."""
    ids = {}
    items.sort(key=lambda it: it.published)
    for k, it in enumerate(items, 1):
        ids[id(it)] = content_id = f"ct-{num}-{k:03d}"
        clicks = int(it.plays * rng.uniform(0, 0.004))
        rate = round(rng.uniform(0.12, 0.65) if it.kind == "video" else rng.uniform(0.05, 0.35), 3)
        comments = int(it.likes * rng.uniform(0.02, 0.12))
        shares = int(it.likes * rng.uniform(0.01, 0.08))
        out.content(
            content_id=content_id,
            kind=it.kind,
            published_at=it.published,
            plays=it.plays,
            likes=it.likes,
            comments=comments,
            shares=shares,
            completion_rate=rate,
            clicks=clicks,
            conversions=int(clicks * rng.uniform(0.02, 0.15)),
            title=content_title(topic, it.kind, k),
        )
    return ids


def write_order(
    out: CreatorLines,
    rng: random.Random,
    num: int,
    k: int,
    *,
    kind: str,
    status: str,
    when: datetime,
    amount: int,
    plays: int,
) -> None:
    """The creator's ``k``-th order, finished (or, if not completed, created) at ``when``."""
    completed = status == "completed"
    created = when - timedelta(days=rng.randint(2, 20), hours=rng.randint(0, 12)) if completed else when
    rating = None
    if completed:
        rating = round(rng.uniform(3.8, 5.0) if rng.random() < 0.8 else rng.uniform(2.5, 4.0), 1)
    out.order(
        order_id=f"od-{num}-{k:02d}",
        kind=kind,
        status=status,
        created_at=created,
        completed_at=when if completed else None,
        amount=amount,
        plays=plays if completed else None,
        rating=rating,
    )


def write_entry(
    out: CreatorLines,
    rng: random.Random,
    num: int,
    k: int,
    *,
    task: Task,
    content_id: str,
    submitted: datetime,
    plays: int,
) -> None:
    """The creator's ``k``-th submission entry, of ``content_id`` on ``task``."""
    rate = rng.uniform(0.001, 0.004) if task.threshold else rng.uniform(0.002, 0.008)
    out.submission(
        entry_id=f"sb-{num}-{k:02d}",
        task=task.code,
        submitted_at=submitted,
        content_id=content_id,
        plays=plays,
        earnings=round(plays * rate, 2),
    )
