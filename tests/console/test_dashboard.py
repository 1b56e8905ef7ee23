"""概览: every figure against a data set built for it, the links of the queues, who may see it, and a
query count that does not grow with the data."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from benefits.models import CardStatus, CaseStatus, EntitlementStatus
from levels.models import JobRun
from lib.periods import Month, local_date
from tests.console import ledger

pytestmark = pytest.mark.django_db
MONTHLY = JobRun.Job.ASSESS_MONTHLY


def period() -> str:
    return Month.of(timezone.now()).key


def previous_period() -> str:
    return Month.of(timezone.now()).previous().key


def populate(scale: int = 1) -> None:
    """Levels: LV0 ×(2 + scale) (one with a level-0 row), LV1 ×2, LV3 ×1. The latest done monthly run
    moved 2 up to LV1, 1 up to LV3, 1 down to LV1 and 1 down to LV0; an older run, a running one and an
    upgrade check made other moves that do not count. Queues: 2 owed and 1 overdue recommendation, 2
    cases waiting, 1 card expiring within 30 days, 2 extra dispatches short this period (40 DOU+)."""
    lv0 = [ledger.creator() for _ in range(1 + scale)] + [ledger.creator(0)]
    lv1 = [ledger.creator(1), ledger.creator(1)]
    lv3 = ledger.creator(3)
    now = timezone.now()
    old = ledger.run(MONTHLY, at=now - timedelta(days=60), period="old")
    latest = ledger.run(MONTHLY, at=now - timedelta(days=20))
    running = ledger.run(MONTHLY, at=now - timedelta(days=1), status=JobRun.Status.RUNNING, period="running")
    upgrade = ledger.run(JobRun.Job.ASSESS_UPGRADE, at=now - timedelta(days=2), period="upgrade")
    ledger.change(lv1[0], run=latest, from_level=0, to_level=1)
    ledger.change(lv1[1], run=latest, from_level=2, to_level=1)
    ledger.change(lv3, run=latest, from_level=2, to_level=3)
    ledger.change(lv0[0], run=latest, from_level=1, to_level=0)
    ledger.change(lv0[1], run=latest, from_level=0, to_level=1)  # moved again later, still a move of this run
    for run in (old, running, upgrade):
        for who in (lv3, lv1[0]):
            ledger.change(who, run=run, from_level=3, to_level=4)
    owner = lv3
    for _ in range(scale + 1):
        ledger.entitlement(owner, "client_recommendation", period=f"p{_}")  # owed
    ledger.entitlement(owner, "client_recommendation", period=previous_period(), overdue=True, closed=True)
    ledger.entitlement(owner, "client_recommendation", period="done", delivered=1, status=EntitlementStatus.DELIVERED)
    ledger.case(owner)
    ledger.case(lv1[0])
    ledger.case(lv1[1], status=CaseStatus.APPROVED)
    ledger.card(owner, expires_at=now + timedelta(days=10))
    ledger.card(owner, expires_at=now + timedelta(days=40))
    ledger.card(owner, expires_at=now + timedelta(days=5), status=CardStatus.USED)
    ledger.card(owner, expires_at=now - timedelta(hours=1))
    ledger.entitlement(owner, "extra_dispatch", period=period(), quantity=3, delivered=1)
    ledger.entitlement(lv1[0], "extra_dispatch", period=period(), quantity=2, delivered=2)
    ledger.entitlement(lv1[1], "extra_dispatch", period=previous_period(), quantity=2)
    ledger.entitlement(lv0[0], "extra_dispatch", period=period(), quantity=2, status=EntitlementStatus.LAPSED)


def test_every_figure_matches_the_data(operator_client):
    populate()
    response = operator_client.get(reverse("console:dashboard"))
    assert response.status_code == 200
    context = response.context
    assert [(bar.level, bar.count) for bar in context["bars"]] == [(0, 3), (1, 2), (2, 0), (3, 1), (4, 0)]
    assert context["total"] == 6
    moves = dict(context["moves"])
    assert moves[0] == {"up": 0, "down": 1}
    assert moves[1] == {"up": 2, "down": 1}
    assert moves[3] == {"up": 1, "down": 0}
    assert moves[4] == {"up": 0, "down": 0}
    assert (context["recommendations"].owed, context["recommendations"].overdue) == (2, 1)
    assert context["cases_waiting"] == 2
    assert context["expiring"] == 1
    assert (context["shortfall"]["shortfall"], context["shortfall"]["dou_plus"]) == (2, 40)
    assert [run.period for run in context["runs"]][:1] == ["running"]


def test_the_page_shows_the_figures_and_links_to_the_queues(operator_client):
    populate()
    body = operator_client.get(reverse("console:dashboard")).content.decode()
    recommendations = reverse("console:recommendations")
    assert f'href="{recommendations}?state=owed"><b class="num">2</b>' in body
    assert f'href="{recommendations}?state=overdue"><b class="num">1</b>' in body
    assert f'href="{reverse("console:cases")}"><b class="num">2</b>' in body
    today = local_date(timezone.now())
    expiring = f"expiring_from={today:%Y-%m-%d}&amp;expiring_to={today + timedelta(days=30):%Y-%m-%d}"
    assert expiring + '"><b class="num">1</b>' in body
    assert f'href="{reverse("console:dispatches")}"><b class="num">2</b>' in body
    assert "40 DOU+" in body


def test_the_chart_is_an_accessible_svg_with_the_numbers_as_text(operator_client):
    populate()
    body = operator_client.get(reverse("console:dashboard")).content.decode()
    assert 'role="img"' in body and "<title" in body
    assert '<desc id="level-chart-desc">LV0: 3; LV1: 2; LV2: 0; LV3: 1; LV4: 0</desc>' in body
    assert '<g class="lv-3">' in body  # bars take the level colours from the tokens


def test_without_a_monthly_run_the_moves_say_so(operator_client):
    response = operator_client.get(reverse("console:dashboard"))
    assert response.status_code == 200
    assert response.context["monthly"] is None
    assert "还没有完成的月度评估" in response.content.decode()


def test_the_query_count_does_not_grow_with_the_data(operator_client, django_assert_num_queries):
    populate(scale=1)
    operator_client.get(reverse("console:dashboard"))  # warm the session and permission caches
    with CaptureQueriesContext(connection) as small:
        response = operator_client.get(reverse("console:dashboard"))
    assert response.status_code == 200
    populate(scale=15)
    with django_assert_num_queries(len(small.captured_queries)):
        response = operator_client.get(reverse("console:dashboard"))
    assert response.status_code == 200
    assert response.context["total"] == 6 + 6 + 14


def test_a_viewer_sees_the_dashboard(viewer_client):
    assert viewer_client.get(reverse("console:dashboard")).status_code == 200


def test_a_creator_is_refused(client, creator_user):
    client.force_login(creator_user)
    assert client.get(reverse("console:dashboard")).status_code == 403


def test_anonymous_users_go_to_sign_in(client):
    response = client.get(reverse("console:dashboard"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
