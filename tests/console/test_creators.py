"""达人: search, filters (level, region, industry, at risk), pagination, the creator's 360° page, who may
see them, and query counts that do not grow with the rows."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from console.views import creators as creators_view
from levels.models import CreatorLevel, JobRun, LevelOverride
from levels.rules import load_rules
from levels.selectors import creator_progress
from lib.periods import Month
from tests.builders import creator_at_level
from tests.console import ledger

pytestmark = pytest.mark.django_db
LIST = reverse("console:creators")


def listed(client, **params) -> list[str]:
    response = client.get(LIST, params)
    assert response.status_code == 200
    return [c.external_id for c in response.context["page"].object_list]


# --- the list ----------------------------------------------------------------------------------------


def test_search_matches_the_external_id_or_the_nickname(operator_client):
    ledger.creator(external_id="c-1001", nickname="桃桃爱旅行")
    ledger.creator(external_id="c-2002", nickname="小鹿日记")
    assert listed(operator_client, q="1001") == ["c-1001"]
    assert listed(operator_client, q="小鹿") == ["c-2002"]
    assert listed(operator_client, q="nobody") == []


def test_the_level_filter_reads_no_level_row_as_lv0(operator_client):
    ledger.creator(external_id="c-none")
    ledger.creator(0, external_id="c-zero")
    ledger.creator(3, external_id="c-three")
    assert listed(operator_client, level="0") == ["c-none", "c-zero"]
    assert listed(operator_client, level="3") == ["c-three"]
    assert len(listed(operator_client, level="9")) == 3  # not a level: no filter


def test_region_and_industry_filter_on_the_whole_value(operator_client):
    ledger.creator(external_id="c-food", region="上海", industries=["美食", "旅行"])
    ledger.creator(external_id="c-trip", region="北京", industries=["旅行"])
    ledger.creator(external_id="c-none", region="上海", industries=[])
    assert listed(operator_client, region="上海") == ["c-food", "c-none"]
    assert listed(operator_client, industry="旅行") == ["c-food", "c-trip"]
    assert listed(operator_client, industry="美食", region="上海") == ["c-food"]
    assert listed(operator_client, industry="美") == []  # an element of the list, not a substring


def test_at_risk_is_held_above_what_the_latest_level_run_measured(operator_client):
    now = timezone.now()
    older = ledger.run(JobRun.Job.ASSESS_MONTHLY, at=now - timedelta(days=30))
    latest = ledger.run(JobRun.Job.ASSESS_UPGRADE, at=now - timedelta(days=1))
    rewards = ledger.run(JobRun.Job.ASSESS_REWARDS, at=now, period="2026Q4")
    risky = ledger.creator(3, external_id="c-risky")
    ledger.assessment(risky, run=older, qualified=3)
    ledger.assessment(risky, run=latest, qualified=2)
    recovered = ledger.creator(3, external_id="c-recovered")
    ledger.assessment(recovered, run=older, qualified=2)
    ledger.assessment(recovered, run=latest, qualified=3)
    ledger.assessment(recovered, run=rewards, qualified=None)  # a reward run measures no level
    ledger.creator(3, external_id="c-never-assessed")
    at_par = ledger.creator(2, external_id="c-at-par")
    ledger.assessment(at_par, run=latest, qualified=2)
    assert listed(operator_client, at_risk="1") == ["c-risky"]
    body = operator_client.get(LIST, {"at_risk": "1"}).content.decode()
    assert "保级风险" in body


def test_a_level_an_override_holds_at_the_next_assessment_is_not_at_risk(operator_client):
    """As on the creator's own pages: the monthly assessment on the 1st judges next month, so an override
    that lasts into next month holds the level; one that ends this month does not."""
    now = timezone.now()
    latest = ledger.run(JobRun.Job.ASSESS_UPGRADE, at=now - timedelta(days=1))
    this_month, next_month = Month.of(now), Month.of(now).next()
    for external_id, until, ended_at in (
        ("c-held", next_month.key, None),
        ("c-runs-out", this_month.key, None),
        ("c-ended", next_month.key, now - timedelta(days=2)),
    ):
        creator = ledger.creator(3, external_id=external_id)
        ledger.assessment(creator, run=latest, qualified=2)
        LevelOverride.objects.create(creator=creator, level=3, previous_level=2, reason="品牌合作", until=until,
                                     set_at=now - timedelta(days=40), ended_at=ended_at)  # fmt: skip
        # The portal's own reading of the same creator (measured afresh: qualified for no level).
        assert creator_progress(creator=creator, at=now, rules=load_rules()).at_risk == (external_id != "c-held")
    assert sorted(listed(operator_client, at_risk="1")) == ["c-ended", "c-runs-out"]


def test_fifty_a_page(operator_client):
    for _ in range(51):
        ledger.creator()
    assert len(listed(operator_client)) == 50
    assert len(listed(operator_client, page="2")) == 1


def test_the_count_is_exact_up_to_the_cap_past_the_page_then_a_lower_bound(operator_client, monkeypatch):
    monkeypatch.setattr(creators_view, "COUNT_CAP", 60)
    for _ in range(60):
        ledger.creator()
    response = operator_client.get(LIST)
    assert response.context["page"].paginator.count == 60 and not response.context["page"].paginator.capped
    assert "共 60 位" in response.content.decode() and "1 / 2<" in response.content.decode()
    ledger.creator()
    response = operator_client.get(LIST)
    page = response.context["page"]
    assert (page.paginator.count, page.paginator.capped) == (60, True)
    assert "超过 60 位" in response.content.decode() and "1 / 2+<" in response.content.decode()
    # Page 2 counts up to the cap past its own start: all 61, exact again, and its one last creator.
    response = operator_client.get(LIST, {"page": "2"})
    page = response.context["page"]
    assert (page.paginator.count, page.paginator.capped, len(page.object_list)) == (61, False, 11)
    assert "共 61 位" in response.content.decode()


def test_the_region_choices_are_the_distinct_named_regions_in_order(operator_client):
    for region in ("上海", "北京", "", "上海", "成都"):
        ledger.creator(region=region)
    assert operator_client.get(LIST).context["regions"] == sorted(["上海", "北京", "成都"])


def test_the_list_query_count_does_not_grow(operator_client):
    def count_queries() -> int:
        with CaptureQueriesContext(connection) as queries:
            response = operator_client.get(LIST, {"q": "c-"})
        assert response.status_code == 200
        assert response.context["page"].object_list[0].external_id in response.content.decode()
        return len(queries)

    run = ledger.run(JobRun.Job.ASSESS_MONTHLY, at=timezone.now())
    for _ in range(2):
        ledger.assessment(ledger.creator(2, industries=["美食", "旅行"]), run=run, qualified=1)
    operator_client.get(LIST)  # warm the session and permission caches
    small = count_queries()
    for _ in range(40):
        ledger.assessment(ledger.creator(2), run=run, qualified=1)
    assert count_queries() == small


# --- one creator ---------------------------------------------------------------------------------------


def test_an_unknown_creator_is_404(operator_client):
    assert operator_client.get(reverse("console:creator", args=["c-404"])).status_code == 404


def stock(who, n: int, actor) -> None:
    """``n`` rows in each ledger tab of ``who``."""
    for _ in range(n):
        ledger.card(who, expires_at=timezone.now() + timedelta(days=30))
        ledger.card(who, expires_at=timezone.now() + timedelta(days=30), manual=True)
        ledger.recommendation(who)
        ledger.dispatch(who)
        ledger.message(who)
        ledger.audit(who, actor)
        ledger.change(who, run=None, from_level=3, to_level=2, failed=["fans"])


def test_the_creator_page_shows_the_explanation_and_every_tab(operator_client, operator):
    who = creator_at_level(3, external_id="c-360")
    stock(who, 2, operator)
    response = operator_client.get(reverse("console:creator", args=["c-360"]))
    assert response.status_code == 200
    body = response.content.decode()
    context = response.context
    # The creator's own rows: the held level's requirements with value and threshold.
    assert context["progress"].level == 0 and context["hold_rows"] == []
    assert [row.code for row in context["next_rows"]]
    assert "粉丝量" in body
    for tab in ("#entitlements", "#cards", "#recommendations", "#dispatches", "#messages", "#audit"):
        assert f'href="{tab}"' in body
    assert "活动补发" in body  # a manual card's reason
    assert "某美妆品牌" in body and "优质任务" in body and "card.issue" in body and "ops1" in body
    assert context["history"][0][1] == ["粉丝量"]  # the failed requirement by its name
    assert f"{reverse('console:cards')}?creator=c-360" in body
    assert f"{reverse('console:recommendations')}?creator=c-360" in body
    assert f"{reverse('console:dispatches')}?creator=c-360" in body
    assert f"{reverse('console:audit')}?creator=c-360" in body


def test_the_creator_page_reads_the_same_rows_as_the_creator(operator_client):
    who = creator_at_level(3, external_id="c-same")
    CreatorLevel.objects.create(creator=who, level=3, since=timezone.now())
    response = operator_client.get(reverse("console:creator", args=["c-same"]))
    assert response.status_code == 200
    progress = creator_progress(creator=who, at=timezone.now(), rules=load_rules())
    hold = {row.code: row.met for row in response.context["hold_rows"]}
    assert hold and set(hold) == {r.code for r in progress.rules.effective(3)}
    assert all(hold[code] == (code not in progress.evaluation.failed[3]) for code in hold)


def test_the_creator_page_query_count_does_not_grow(operator_client, operator):
    small, large = creator_at_level(2, external_id="c-small"), creator_at_level(2, external_id="c-large")
    stock(small, 2, operator)
    stock(large, 20, operator)
    operator_client.get(reverse("console:creator", args=["c-small"]))  # warm the session and permission caches

    def count_queries(external_id: str) -> int:
        with CaptureQueriesContext(connection) as queries:
            response = operator_client.get(reverse("console:creator", args=[external_id]))
        assert response.status_code == 200
        assert "某美妆品牌" in response.content.decode()
        return len(queries)

    assert count_queries("c-large") == count_queries("c-small")


# --- who may look ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("page", ["list", "detail"])
def test_a_viewer_sees_both_pages(viewer_client, page):
    ledger.creator(external_id="c-seen")
    url = LIST if page == "list" else reverse("console:creator", args=["c-seen"])
    response = viewer_client.get(url)
    assert response.status_code == 200 and "c-seen" in response.content.decode()


@pytest.mark.parametrize("page", ["list", "detail"])
def test_a_creator_is_refused(client, creator_user, page):
    client.force_login(creator_user)
    url = LIST if page == "list" else reverse("console:creator", args=[creator_user.creator.external_id])
    assert client.get(url).status_code == 403


@pytest.mark.parametrize("page", ["list", "detail"])
def test_anonymous_users_go_to_sign_in(client, page):
    ledger.creator(external_id="c-anon")
    url = LIST if page == "list" else reverse("console:creator", args=["c-anon"])
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
