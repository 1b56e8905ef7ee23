"""Believable exposure history (docs/program.md §5) for the business assistant to show: the last 30 days of
impressions of every creator holding a square slot benefit (the square and its ad slots) or the
leaderboard priority (both leaderboards). Written after the replayed jobs have granted the benefits.

Each creator draws a typical day from its level's range, with its own random (so the history is the same
for the same seed and creator); each day varies around it, a little higher at weekends. Idempotent: a
second run writes the same counts over the first (it sets, never adds)."""

import random
from collections.abc import Iterator
from datetime import date, datetime, timedelta

from benefits.models import BenefitCode, Entitlement, EntitlementStatus
from insights.models import Impression, Surface
from lib.periods import local_date

DAYS = 30  # the days before the seed instant's day that get a history
BATCH = 2_000

SQUARE_SLOT_CODES = (BenefitCode.SQUARE_DIAMOND_FIXED, BenefitCode.SQUARE_AD_SLOT, BenefitCode.SQUARE_AD_SLOT_FIXED)
# Surface → the benefits that put a creator there, and a typical day's impressions by level held.
SURFACES = {
    Surface.SQUARE: (SQUARE_SLOT_CODES, {1: (20, 60), 2: (40, 120), 3: (80, 240), 4: (150, 400)}),
    Surface.SQUARE_SLOT: (SQUARE_SLOT_CODES, {1: (8, 30), 2: (15, 60), 3: (30, 120), 4: (50, 180)}),
    Surface.BUSINESS_BOARD: ((BenefitCode.LEADERBOARD_PRIORITY,), {3: (30, 120), 4: (60, 220)}),
    Surface.DAILY_BOARD: ((BenefitCode.LEADERBOARD_PRIORITY,), {3: (10, 60), 4: (20, 100)}),
}


def _holders() -> dict[str, tuple[int, int, set[str]]]:
    """External id → (creator id, level at grant, codes held) for the creators holding any surface's
    benefit. One query."""
    codes = {code for benefit_codes, _rates in SURFACES.values() for code in benefit_codes}
    rows = Entitlement.objects.filter(status=EntitlementStatus.DELIVERED, benefit__code__in=codes).values_list(
        "creator__external_id", "creator_id", "level", "benefit__code"
    )
    holders: dict[str, tuple[int, int, set[str]]] = {}
    for external_id, creator_id, level, code in rows:
        _id, top, held = holders.get(external_id, (creator_id, 0, set()))
        holders[external_id] = (creator_id, max(top, level), held | {code})
    return holders


def _rows(*, seed: int, days: list[date]) -> Iterator[Impression]:
    for external_id, (creator_id, level, held) in sorted(_holders().items()):
        rng = random.Random(f"impressions:{seed}:{external_id}")
        for surface, (codes, rates) in SURFACES.items():
            if held.isdisjoint(codes) or level not in rates:
                continue
            typical = rng.uniform(*rates[level])
            for day in days:
                weekend = 1.2 if day.weekday() >= 5 else 1.0
                count = round(typical * weekend * rng.uniform(0.75, 1.25))
                yield Impression(creator_id=creator_id, date=day, surface=surface, count=count)


def seed_impressions(*, at: datetime, seed: int) -> int:
    """The last ``DAYS`` days before the local day of ``at``; returns the rows written."""
    today = local_date(at)
    days = [today - timedelta(days=n) for n in range(DAYS, 0, -1)]
    written = 0
    batch: list[Impression] = []
    for row in _rows(seed=seed, days=days):
        batch.append(row)
        if len(batch) == BATCH:
            written += _write(batch)
            batch = []
    return written + _write(batch)


def _write(batch: list[Impression]) -> int:
    Impression.objects.bulk_create(
        batch, update_conflicts=True, unique_fields=["creator", "date", "surface"], update_fields=["count"]
    )
    return len(batch)
