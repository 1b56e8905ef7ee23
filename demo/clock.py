"""Time and random-draw helpers of the demo generator: the instants it works in and the shapes of its
draws. Every draw takes the creator's own ``random.Random``."""

import math
import random
from datetime import datetime, timedelta, timezone

from levels.defaults import WINDOW_DAYS

# Asia/Shanghai has had no DST since 1991: every timestamp is written with a fixed +08:00.
TZ = timezone(timedelta(hours=8), "Asia/Shanghai")
DAY = timedelta(days=1)
WINDOW = timedelta(days=WINDOW_DAYS)  # the assessment window [at − 30 days, at)
EDGE = timedelta(hours=3)  # keep shaped items this far from any window edge


def local_instant(at: datetime) -> datetime:
    """``at`` in +08:00, to the whole second (a naive value is read as Asia/Shanghai)."""
    if at.tzinfo is None:
        at = at.replace(tzinfo=TZ)
    return at.astimezone(TZ).replace(microsecond=0)


def between(rng: random.Random, lo: datetime, hi: datetime) -> datetime:
    """A whole-second instant in [lo, hi) (``lo`` when the span is empty)."""
    span = int((hi - lo).total_seconds())
    return lo + timedelta(seconds=rng.randrange(span)) if span > 0 else lo


def times(rng: random.Random, n: int, lo: datetime, hi: datetime) -> list[datetime]:
    return sorted(between(rng, lo, hi) for _ in range(n))


def hundreds(x: float) -> int:
    return int(round(x, -2))


def loguniform(rng: random.Random, lo: float, hi: float) -> int:
    lo, hi = max(lo, 1), max(hi, 1)
    return round(math.exp(rng.uniform(math.log(lo), math.log(hi))))


def split(rng: random.Random, total: int, n: int, sigma: float = 0.6) -> list[int]:
    """``total`` split into ``n`` non-negative parts that add up exactly."""
    if n == 0:
        return []
    weights = [rng.lognormvariate(0, sigma) for _ in range(n)]
    scale = total / sum(weights)
    parts = [int(w * scale) for w in weights]
    parts[weights.index(max(weights))] += total - sum(parts)
    return parts
