"""经营助手: window statistics and their chart, exposure from level benefits, and the assistant_viewed event
(the Xingtu index on the page: test_assistant_index.py)."""

import re
from datetime import datetime, timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from benefits.models import Benefit, BenefitKind, Entitlement, EntitlementStatus
from creators.models import Order, PortalEvent
from creators.selectors import stats_window
from levels.metrics import measure_creator
from levels.rules import load_rules
from lib.periods import TZ
from portal import clock
from tests.activity_builders import content, with_login
from tests.builders import creator_at_level, order

pytestmark = pytest.mark.django_db


@pytest.fixture
def fresh(client: Client):
    """A creator with nothing in the window and no events, signed in."""
    creator = with_login(creator_at_level(0, posts=0))
    client.force_login(creator.user)
    return creator


def grant(creator, code: str, status: str = EntitlementStatus.DELIVERED, period: str = "") -> Entitlement:
    return Entitlement.objects.create(
        creator=creator, benefit=Benefit.objects.get(code=code), kind=BenefitKind.BASIC, level=3, period=period,
        quantity=1, delivered=1, status=status, granted_at=timezone.now() - timedelta(days=3),
    )  # fmt: skip


# --- permissions -------------------------------------------------------------------------------------


def test_anonymous_is_sent_to_login(client: Client) -> None:
    response = client.get("/assistant/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_operator_is_refused(operator_client: Client) -> None:
    assert operator_client.get("/assistant/").status_code == 403
    assert not PortalEvent.objects.exists()


def test_post_is_405(creator_client: Client) -> None:
    assert creator_client.post("/assistant/").status_code == 405


# --- the event ------------------------------------------------------------------------------------------


def test_visiting_feeds_assistant_viewed(client: Client, fresh) -> None:
    rules = load_rules()
    assert measure_creator(fresh, timezone.now() + timedelta(seconds=1), rules).assistant_viewed is False

    assert client.get("/assistant/").status_code == 200

    assert measure_creator(fresh, timezone.now() + timedelta(seconds=1), rules).assistant_viewed is True


def test_visiting_twice_a_day_records_one_event(client: Client, fresh) -> None:
    client.get("/assistant/")
    client.get("/assistant/")
    assert PortalEvent.objects.filter(creator=fresh, name=PortalEvent.Name.ASSISTANT_VIEWED).count() == 1


# --- figures ---------------------------------------------------------------------------------------------


def test_window_stats_count_what_the_rules_count(fresh, other_creator) -> None:
    now = timezone.now()
    content(fresh, plays=10_000, likes=100, published_at=now - timedelta(days=1))
    content(fresh, plays=30_000, likes=300, published_at=now - timedelta(days=29))
    content(fresh, plays=99_999, likes=999, published_at=now - timedelta(days=31))  # outside the window
    content(other_creator, plays=5_000, published_at=now - timedelta(days=1))  # someone else's
    order(fresh, completed_at=now - timedelta(days=2))
    order(fresh, completed_at=now - timedelta(days=2), kind="mass")
    order(fresh, completed_at=now - timedelta(days=2), kind="minigame")
    order(fresh, completed_at=None, status="in_progress")
    order(fresh, completed_at=now - timedelta(days=40))

    stats = stats_window(creator=fresh, at=now, days=30)

    assert (stats.posts, stats.plays, stats.likes, stats.orders) == (2, 40_000, 400, 1)
    assert stats.avg_plays == 20_000
    assert sum(s.plays for s in stats.spans) == 40_000
    assert sum(s.posts for s in stats.spans) == 2
    assert stats.spans[-1].plays == 10_000 and stats.spans[0].plays == 30_000


def test_page_shows_the_figures_and_a_chart_with_numbers(client: Client, fresh) -> None:
    now = timezone.now()
    content(fresh, plays=123_000, likes=4_567, published_at=now - timedelta(days=1))
    order(fresh, completed_at=now - timedelta(days=3))

    body = client.get("/assistant/").content.decode()

    assert "近30天发布 1 条" in body
    assert "12.3万" in body and "4,567" in body
    assert "<svg" in body and 'class="bar-value">12.3万</text>' in body
    assert "123000" in body  # the exact figure, in the chart's description and titles


def test_chart_groups_are_whole_days_that_do_not_overlap(client: Client, fresh, monkeypatch) -> None:
    # 09:30 on 11-30: the 30-day window starts at 09:30 on 10-31 and touches 31 local days. The groups
    # used to be cut at 09:30 too, and read "10/31–11/06", "11/06–11/12": one day in two groups.
    at = datetime(2026, 11, 30, 9, 30, tzinfo=TZ)
    monkeypatch.setattr(clock, "now", lambda: at)
    content(fresh, plays=1_111, published_at=datetime(2026, 11, 6, 23, 0, tzinfo=TZ))  # the first group's last day
    content(fresh, plays=2_222, published_at=datetime(2026, 11, 7, 0, 30, tzinfo=TZ))  # the second group's first
    content(fresh, plays=9_999, published_at=datetime(2026, 10, 31, 9, 0, tzinfo=TZ))  # before the window

    body = client.get("/assistant/").content.decode()

    labels = re.findall(r'class="bar-label">([^<]+)</text>', body)
    assert labels == ["10/31–11/06", "11/07–11/12", "11/13–11/18", "11/19–11/24", "11/25–11/30"]
    values = re.findall(r'class="bar-value">([^<]+)</text>', body)
    assert values == ["1,111", "2,222", "0", "0", "0"]


def test_exposure_lists_delivered_exposure_benefits_only(client: Client, fresh, other_creator) -> None:
    grant(fresh, "square_ad_slot_fixed")
    grant(fresh, "identity_tag")
    grant(fresh, "diamond_slot", status=EntitlementStatus.LAPSED)
    grant(fresh, "featured_case", status=EntitlementStatus.AVAILABLE)  # not an exposure benefit
    grant(other_creator, "leaderboard_priority")

    body = client.get("/assistant/").content.decode()

    names = dict(Benefit.objects.values_list("code", "name"))
    assert names["square_ad_slot_fixed"] in body and names["identity_tag"] in body
    assert body.index(names["identity_tag"]) < body.index(names["square_ad_slot_fixed"])
    assert names["diamond_slot"] not in body
    assert names["featured_case"] not in body
    assert names["leaderboard_priority"] not in body


def test_without_exposure_the_page_says_how_to_get_it(client: Client, fresh) -> None:
    assert "暂无曝光权益" in client.get("/assistant/").content.decode()


# --- query count ------------------------------------------------------------------------------------


def test_queries_do_not_grow_with_activity(client: Client, fresh, django_assert_max_num_queries) -> None:
    client.get("/assistant/")  # the day's event is recorded
    with CaptureQueriesContext(connection) as captured:
        response = client.get("/assistant/")
    assert response.status_code == 200  # a refused page is cheap: it would make any count pass
    assert "暂无曝光权益" in response.content.decode()
    now = timezone.now()
    for i in range(25):
        content(fresh, plays=1_000 * i, published_at=now - timedelta(days=i % 30, hours=1))
        order(fresh, completed_at=now - timedelta(days=i % 30, hours=2))
    for code in ("identity_tag", "square_ad_slot", "diamond_slot", "leaderboard_priority"):
        grant(fresh, code)
    assert Order.objects.filter(creator=fresh).count() == 25
    with django_assert_max_num_queries(len(captured)):
        response = client.get("/assistant/")
    assert response.status_code == 200
    assert '<dd class="stat-value" title="25">25</dd>' in response.content.decode()  # the 25 orders
