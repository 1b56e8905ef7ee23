"""assess_rewards (docs/program.md §2, interfaces §2): each level's reward task at its boundaries."""

import json
from datetime import datetime, timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from benefits.models import Entitlement, GuaranteeCard
from creators.models import Creator
from levels import jobs
from levels.models import CreatorLevel, JobRun
from lib.periods import TZ
from tests.builders import order, post, uid

pytestmark = pytest.mark.django_db

CYCLE_START = datetime(2026, 10, 1, tzinfo=TZ)
CYCLE_END = datetime(2027, 1, 1, tzinfo=TZ)
JUDGED_AT = CYCLE_END + timedelta(hours=3)
BARS = {1: (3, 5_000), 2: (3, 20_000), 3: (6, 80_000), 4: (6, 150_000)}


def creator_holding(level: int, *, orders: int, video_plays: int | None = None, live_plays: int | None = None):
    creator = Creator.objects.create(external_id=uid("c"), nickname="奖励达人")
    CreatorLevel.objects.create(creator=creator, level=level, since=CYCLE_START)
    mid = CYCLE_START + timedelta(days=40)
    for _ in range(orders):
        order(creator, completed_at=mid)
    if video_plays is not None:
        post(creator, 4, at=mid, plays=video_plays, kind="video", published_at=mid)
    if live_plays is not None:
        post(creator, 2, at=mid, plays=live_plays, kind="live", published_at=mid)
    return creator


def judge(*extra: str) -> dict[str, dict]:
    out = StringIO()
    call_command("assess_rewards", "--cycle", "2026Q4", "--at", JUDGED_AT.isoformat(), "--json", *extra,
                 stdout=out, stderr=StringIO())  # fmt: skip
    lines = [json.loads(line) for line in out.getvalue().splitlines()]
    return {line.get("creator", "summary"): line for line in lines}


@pytest.mark.parametrize("level", [1, 2, 3, 4])
def test_each_level_passes_with_its_orders_and_strictly_more_plays(level):
    orders, plays = BARS[level]
    ok = creator_holding(level, orders=orders, video_plays=plays + 1)
    few_orders = creator_holding(level, orders=orders - 1, video_plays=plays + 1)
    at_bar = creator_holding(level, orders=orders, video_plays=plays)
    result = judge()
    assert result[ok.external_id] == {"creator": ok.external_id, "level": level, "passed": True, "failed": []}
    assert result[few_orders.external_id]["failed"] == ["orders_cycle"]
    assert result[at_bar.external_id]["failed"] == ["plays_cycle"]
    assert result["summary"] == {"summary": {"assessed": 3, "passed": 1}}


def test_live_average_alone_passes():
    creator = creator_holding(1, orders=3, video_plays=10, live_plays=5_001)
    assert judge()[creator.external_id]["passed"] is True


def test_mass_minigame_and_out_of_cycle_orders_do_not_count():
    creator = creator_holding(1, orders=1, video_plays=6_000)
    order(creator, completed_at=CYCLE_START + timedelta(days=3), kind="mass")
    order(creator, completed_at=CYCLE_START + timedelta(days=3), kind="minigame")
    order(creator, completed_at=CYCLE_START - timedelta(seconds=1))
    order(creator, completed_at=CYCLE_END)
    order(creator, completed_at=CYCLE_START)  # the cycle's first instant counts
    assert judge()[creator.external_id]["failed"] == ["orders_cycle"]


def test_level_zero_is_not_judged():
    creator = creator_holding(0, orders=9, video_plays=999_999)
    result = judge()
    assert creator.external_id not in result
    assert result["summary"]["summary"]["assessed"] == 0


def test_passing_grants_the_levels_reward_benefits_once():
    creator = creator_holding(2, orders=3, video_plays=20_001)
    judge()
    rewards = {
        e.benefit.code: (e.period, e.quantity, e.status)
        for e in Entitlement.objects.filter(creator=creator, kind="reward").select_related("benefit")
    }
    assert rewards == {
        "fanxing_priority": ("2026Q4", 1, "available"),
        "guarantee_card": ("2026Q4", 2, "delivered"),
    }
    assert GuaranteeCard.objects.filter(creator=creator).count() == 2
    first = judge()
    assert first[creator.external_id]["passed"] is True
    assert Entitlement.objects.filter(creator=creator).count() == 2
    assert GuaranteeCard.objects.filter(creator=creator).count() == 2


def test_lv4_reward_grants():
    creator = creator_holding(4, orders=6, video_plays=150_001)
    judge()
    rewards = dict(Entitlement.objects.filter(creator=creator, kind="reward").values_list("benefit__code", "quantity"))
    assert rewards == {"client_recommendation": 5, "fanxing_priority": 1, "guarantee_card": 5}


def test_failing_grants_nothing():
    creator = creator_holding(3, orders=5, video_plays=90_000)
    judge()
    assert not Entitlement.objects.filter(creator=creator).exists()


def test_bad_cycle_is_a_clear_error():
    with pytest.raises(Exception, match="2026Q4"):
        call_command("assess_rewards", "--cycle", "2026-Q4", stdout=StringIO())


def _statements_for_one_reward_chunk(passing_per_level: int) -> int:
    for level, (orders, plays) in BARS.items():
        for _ in range(passing_per_level):
            creator_holding(level, orders=orders, video_plays=plays + 1)
    run, _ = jobs.run_claim(job=JobRun.Job.ASSESS_REWARDS, key=f"q{passing_per_level}", period="2026Q4", at=JUDGED_AT)
    with CaptureQueriesContext(connection) as captured:
        assert jobs.chunk_process(run.chunks.get().pk)
    judged = Creator.objects.count()  # every creator so far holds a level and passes
    assert run.chunks.get().stats == {"assessed": judged, "passed": judged}
    owed = Entitlement.objects.filter(period="2026Q4", benefit__code="guarantee_card")
    assert owed.exists()
    assert GuaranteeCard.objects.filter(entitlement__in=owed).count() == sum(owed.values_list("quantity", flat=True))
    return len(captured)


def test_a_reward_chunk_takes_the_same_number_of_statements_for_4_or_40_passing_creators(settings):
    """Grants, cards and messages for every level passed: a fixed number of statements a chunk, none per
    creator, and no read-back of the cycle's entitlements (the cards come from what the grant returned)."""
    settings.ASSESS_CHUNK_SIZE = 1000
    few = _statements_for_one_reward_chunk(1)
    assert _statements_for_one_reward_chunk(10) == few
