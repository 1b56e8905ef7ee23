"""The demo's exposure history (``demo.impressions``): 30 days of impressions for the creators holding a square
slot benefit (the square and its ad slots) or the leaderboard priority (both boards), nobody else; the same
counts on a second run."""

import io
from datetime import datetime, timedelta

import pytest
from django.core.management import call_command
from django.db.models import Count, Min

from benefits.models import BenefitCode, Entitlement, EntitlementStatus
from demo.impressions import DAYS, SQUARE_SLOT_CODES
from demo.story import DEMO_CREATOR_ID
from insights.models import Impression, Surface
from lib.periods import local_date

pytestmark = pytest.mark.django_db

AT = "2026-05-20T10:30:00+08:00"
TODAY = local_date(datetime.fromisoformat(AT))


def seed() -> str:
    out = io.StringIO()
    call_command("seed_demo", "--creators=40", f"--at={AT}", "--demo-logins", stdout=out)
    return out.getvalue()


def holders(codes) -> set[int]:
    return set(
        Entitlement.objects.filter(status=EntitlementStatus.DELIVERED, benefit__code__in=codes).values_list(
            "creator_id", flat=True
        )
    )


def with_rows(surface: str) -> dict[int, int]:
    """Creator id → days with impressions on ``surface``."""
    rows = Impression.objects.filter(surface=surface).values("creator_id").annotate(days=Count("date"))
    return {row["creator_id"]: row["days"] for row in rows}


def test_slot_holders_get_30_days_on_the_square_and_priority_holders_on_the_boards():
    output = seed()
    square, priority = holders(SQUARE_SLOT_CODES), holders((BenefitCode.LEADERBOARD_PRIORITY,))
    assert square and priority
    for surface in (Surface.SQUARE, Surface.SQUARE_SLOT):
        assert with_rows(surface) == dict.fromkeys(square, DAYS)
    for surface in (Surface.BUSINESS_BOARD, Surface.DAILY_BOARD):
        assert with_rows(surface) == dict.fromkeys(priority, DAYS)
    dates = Impression.objects.aggregate(first=Min("date"))
    assert dates["first"] == TODAY - timedelta(days=DAYS)
    assert not Impression.objects.filter(date__gte=TODAY).exists()
    assert not Impression.objects.filter(count__lte=0).exists()
    assert f"{Impression.objects.count():,} impression rows" in output


def test_the_demo_creator_has_exposure_to_show():
    seed()
    surfaces = set(Impression.objects.filter(creator__external_id=DEMO_CREATOR_ID).values_list("surface", flat=True))
    assert surfaces == set(Surface.values)


def test_a_second_run_writes_the_same_counts():
    seed()
    first = set(Impression.objects.values_list("creator__external_id", "date", "surface", "count"))
    seed()
    assert set(Impression.objects.values_list("creator__external_id", "date", "surface", "count")) == first
