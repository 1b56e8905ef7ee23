"""The 1对1 recommendation queue (interfaces §4.1): owed, overdue and fulfilled tabs with their counts,
oldest first, filters; recording one from the row's inline form (full page and HTMX), refusals with their
reason, one audit row and one message per record, the same form acting once; who may see and act."""

import html
import re
from datetime import timedelta
from itertools import count

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from benefits.models import Benefit, ClientRecommendation, Entitlement
from creators.models import AssistantMessage, AuditLog, Creator

pytestmark = pytest.mark.django_db
URL = "/console/recommendations/"
HTMX = {"HX-Request": "true"}
_ids = count(1)


def fulfil_url(pk: int) -> str:
    return f"{URL}{pk}/fulfil/"


def owed(
    *, days: int = 3, quantity: int = 1, level: int = 3, period: str = "2026-11", code="client_recommendation", **extra
) -> Entitlement:
    """An entitlement granted ``days`` ago to a new creator."""
    n = next(_ids)
    creator = Creator.objects.create(external_id=f"c-q{n}", nickname=f"达人{n}", fans=400_000)
    return Entitlement.objects.create(
        creator=creator, benefit=Benefit.objects.get(code=code), kind="basic", level=level, period=period,
        quantity=quantity, status=extra.pop("status", "pending"),
        granted_at=timezone.now() - timedelta(days=days), **extra,
    )  # fmt: skip


def given(entitlement: Entitlement, *, client: str = "某品牌", operator: User | None = None) -> ClientRecommendation:
    return ClientRecommendation.objects.create(
        entitlement=entitlement, creator=entitlement.creator, client_name=client,
        recommended_on=timezone.localdate(), operator=operator,
    )  # fmt: skip


def written() -> tuple[int, int, int]:
    return ClientRecommendation.objects.count(), AuditLog.objects.count(), AssistantMessage.objects.count()


def text(response) -> str:
    body = re.sub(r"<[^>]+>", " ", response.content.decode())
    return re.sub(r"\s+", " ", html.unescape(body))


def row_ids(response) -> list[int]:
    return [int(pk) for pk in re.findall(r'<tbody id="rec-(\d+)"', response.content.decode())]


def form(**fields) -> dict[str, str]:
    return {"client": "某美妆品牌", "date": timezone.localdate().isoformat(), "channel": "wechat", "note": "",
            "request_id": "req-1", **fields}  # fmt: skip


# --- the queue ----------------------------------------------------------------------------------------


def test_the_queue_lists_owed_oldest_first_with_counts_in_the_tabs(operator_client) -> None:
    newer, oldest, middle = owed(days=2), owed(days=30), owed(days=9)
    owed(days=40, overdue=True)
    given(owed(days=50, quantity=1, delivered=1, status="delivered"))
    response = operator_client.get(URL)
    assert response.status_code == 200
    assert row_ids(response) == [oldest.pk, middle.pk, newer.pk]
    body = text(response)
    assert "待推荐 3" in body and "逾期 1" in body and "已完成 1" in body
    assert f"{oldest.creator.nickname} {oldest.creator.external_id} LV3 2026-11 1 / 0 待推荐 30 天 记录推荐" in body


def test_the_overdue_tab_lists_only_overdue(operator_client) -> None:
    owed(days=3)
    late = owed(days=40, overdue=True)
    assert row_ids(operator_client.get(URL, {"state": "overdue"})) == [late.pk]


def test_the_fulfilled_tab_lists_records_newest_first_per_creator_and_operator(operator_client, operator) -> None:
    other_ops = User.objects.create_user("ops2")
    first = given(owed(quantity=2), client="甲品牌", operator=operator)
    second = given(owed(), client="乙品牌", operator=other_ops)
    body = text(operator_client.get(URL, {"state": "fulfilled"}))
    assert body.index("乙品牌") < body.index("甲品牌")
    by_operator = text(operator_client.get(URL, {"state": "fulfilled", "operator": "ops2"}))
    assert "乙品牌" in by_operator and "甲品牌" not in by_operator and "已完成 1" in by_operator
    by_creator = text(operator_client.get(URL, {"state": "fulfilled", "creator": first.creator.external_id}))
    assert "甲品牌" in by_creator and "乙品牌" not in by_creator
    assert second.pk != first.pk


def test_filters_by_period_and_level(operator_client) -> None:
    november, december, lv4 = owed(period="2026-11"), owed(period="2026-12"), owed(level=4, period="2026-12")
    response = operator_client.get(URL, {"period": "2026-12"})
    assert row_ids(response) == [december.pk, lv4.pk] or row_ids(response) == [lv4.pk, december.pk]
    assert "待推荐 2" in text(response)
    assert row_ids(operator_client.get(URL, {"period": "2026-12", "level": "4"})) == [lv4.pk]
    assert row_ids(operator_client.get(URL, {"level": "not-a-level"})) != []  # ignored, not refused
    assert november.pk in row_ids(operator_client.get(URL))


def test_the_inline_form_opens_on_the_page_and_in_place(operator_client) -> None:
    e = owed()
    page = operator_client.get(URL, {"record": e.pk}).content.decode()
    assert f'action="{fulfil_url(e.pk)}' in page and "autofocus" in page
    fragment = operator_client.get(URL, {"record": e.pk}, headers={**HTMX, "HX-Target": f"rec-{e.pk}"})
    body = fragment.content.decode()
    assert "<html" not in body and body.strip().startswith(f'<tbody id="rec-{e.pk}"')
    assert 'name="client"' in body and 'name="request_id"' in body
    closed = operator_client.get(URL, headers={**HTMX, "HX-Target": f"rec-{e.pk}"}).content.decode()
    assert 'name="client"' not in closed and "记录推荐" in closed


# --- recording ---------------------------------------------------------------------------------------------


def test_recording_on_the_full_page_redirects_with_a_message(operator_client, operator) -> None:
    e = owed(quantity=2)
    response = operator_client.post(fulfil_url(e.pk) + "?state=owed", form())
    assert response.status_code == 302
    assert response["Location"] == f"{URL}?state=owed#rec-{e.pk}"
    e.refresh_from_db()
    assert (e.delivered, e.status) == (1, "pending")
    audit = AuditLog.objects.get()
    assert (audit.action, audit.actor, audit.creator_id) == ("recommendation.fulfil", operator, e.creator_id)
    assert (audit.before, audit.after) == ({"delivered": 0, "status": "pending"}, {"delivered": 1, "status": "pending"})
    message = AssistantMessage.objects.get(creator=e.creator)
    assert message.template == "recommendation_made"
    assert "已记录推荐：某美妆品牌" in text(operator_client.get(response["Location"]))


def test_recording_with_htmx_replaces_the_row_and_updates_the_counts(operator_client) -> None:
    e, other = owed(), owed()
    response = operator_client.post(fulfil_url(e.pk), form(), headers=HTMX)
    assert response.status_code == 200
    body = response.content.decode()
    assert "<html" not in body and body.strip().startswith(f'<tbody id="rec-{e.pk}"')
    assert 'id="rec-tabs"' in body and 'hx-swap-oob="true"' in body
    shown = text(response)
    assert "已完成" in shown and "待推荐 1" in shown and "已完成 1" in shown
    assert "已记录推荐：某美妆品牌" in shown and 'name="client"' not in body
    e.refresh_from_db()
    assert (e.delivered, e.status) == (1, "delivered")
    assert Entitlement.objects.get(pk=other.pk).delivered == 0


def test_the_same_form_posted_twice_acts_once(operator_client) -> None:
    e = owed(quantity=3)
    operator_client.post(fulfil_url(e.pk), form(), headers=HTMX)
    again = operator_client.post(fulfil_url(e.pk), form(), headers=HTMX)
    assert "这次提交已经处理过了。" in text(again) and "toast-info" in again.content.decode()
    assert written() == (1, 1, 1)
    assert Entitlement.objects.get(pk=e.pk).delivered == 1


@pytest.mark.parametrize(
    ("fields", "reason"),
    [({"client": ""}, "这个字段是必填项"), ({"date": "2026/12/01"}, "日期"),
     ({"date": "2999-01-01"}, "推荐日期不能晚于今天")],
)  # fmt: skip
def test_bad_input_keeps_the_form_open_with_the_reason_and_writes_nothing(operator_client, fields, reason) -> None:
    e = owed()
    response = operator_client.post(fulfil_url(e.pk), form(**fields), headers=HTMX)
    assert response.status_code == 200
    assert reason in text(response) and 'name="client"' in response.content.decode()
    full = operator_client.post(fulfil_url(e.pk), form(**fields))
    assert full.status_code == 200 and reason in text(full) and "<html" in full.content.decode()
    assert written() == (0, 0, 0)


def test_recording_more_than_owed_is_refused_with_the_reason(operator_client) -> None:
    e = owed(quantity=1)
    operator_client.post(fulfil_url(e.pk), form(request_id="a"))
    refused = operator_client.post(fulfil_url(e.pk), form(request_id="b"), headers=HTMX)
    assert "本期应推 1 次，已全部完成。" in text(refused)
    assert ClientRecommendation.objects.count() == 1 and AuditLog.objects.count() == 1


def test_another_benefit_or_an_unknown_id_is_not_found(operator_client) -> None:
    dispatch = owed(code="extra_dispatch", quantity=2)
    assert operator_client.post(fulfil_url(dispatch.pk), form()).status_code == 404
    assert operator_client.post(fulfil_url(999_999), form()).status_code == 404
    assert not AuditLog.objects.exists()


# --- who may see and act ---------------------------------------------------------------------------------


def test_a_viewer_sees_the_queue_without_the_action_and_may_not_post(viewer_client) -> None:
    e = owed()
    response = viewer_client.get(URL, {"record": e.pk})
    assert response.status_code == 200 and row_ids(response) == [e.pk]
    assert "记录推荐" not in text(response) and 'name="client"' not in response.content.decode()
    assert viewer_client.post(fulfil_url(e.pk), form()).status_code == 403
    assert Entitlement.objects.get(pk=e.pk).delivered == 0 and not AuditLog.objects.exists()


def test_anonymous_users_are_sent_to_sign_in(client) -> None:
    e = owed()
    assert client.get(URL)["Location"].startswith("/accounts/login/?next=")
    assert client.post(fulfil_url(e.pk), form())["Location"].startswith("/accounts/login/?next=")


def test_a_creator_gets_403(client, creator_user) -> None:
    client.force_login(creator_user)
    assert client.get(URL).status_code == 403
    assert client.post(fulfil_url(owed().pk), form()).status_code == 403


@pytest.mark.parametrize("state", ["owed", "overdue", "fulfilled"])
def test_the_query_count_does_not_grow_with_rows(operator_client, operator, django_assert_num_queries, state) -> None:
    def add(n: int) -> None:
        for _ in range(n):
            e = owed(overdue=state == "overdue")
            if state == "fulfilled":
                given(e, operator=operator)

    add(3)
    operator_client.get(URL, {"state": state})  # warm the session and permission caches
    with CaptureQueriesContext(connection) as few:
        response = operator_client.get(URL, {"state": state})
    assert response.status_code == 200
    add(27)
    with django_assert_num_queries(len(few)):
        response = operator_client.get(URL, {"state": state})
    assert response.status_code == 200 and "达人" in text(response)
    shown = len(row_ids(response)) if state != "fulfilled" else text(response).count("某品牌")
    assert shown == 30


# --- in a browser: the inline form, the row swap and the counts --------------------------------------------


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("viewport", [{"width": 1280, "height": 800}, {"width": 390, "height": 844}])
def test_recording_in_the_browser_swaps_the_row_and_the_counts(page, live_server, operator, viewport,
                                                               screenshots_dir) -> None:  # fmt: skip
    from playwright.sync_api import expect

    from tests.browser import assert_no_sideways_scroll

    e, _other = owed(days=9), owed(days=2)
    page.set_viewport_size(viewport)
    page.goto(f"{live_server.url}/accounts/login/?next={URL}")
    page.get_by_label("账号").fill("ops1")
    page.get_by_label("密码").fill("pw")
    page.get_by_role("button", name="登录").click()
    expect(page.locator("#rec-tabs")).to_contain_text("待推荐 2")
    page.locator(f"#rec-{e.pk}").get_by_role("link", name="记录推荐").click()
    client = page.locator(f"#rec-{e.pk}-client")
    expect(client).to_be_focused()
    # The table scrolls inside its wrapper; the page itself never scrolls sideways.
    assert_no_sideways_scroll(page)
    page.screenshot(path=screenshots_dir / f"console-recommendations-form-{viewport['width']}.png", full_page=True)
    client.fill("某美妆品牌")
    page.locator(f"#rec-{e.pk}").get_by_role("button", name="确认记录").click()
    expect(page.locator("#toasts")).to_contain_text("已记录推荐：某美妆品牌")
    expect(page.locator(f"#rec-{e.pk}")).to_contain_text("已完成")
    expect(page.locator("#rec-tabs")).to_contain_text("待推荐 1")
    expect(page.locator("#rec-tabs")).to_contain_text("已完成 1")
    assert page.url == f"{live_server.url}{URL}"  # swapped in place, no navigation
    page.screenshot(path=screenshots_dir / f"console-recommendations-{viewport['width']}.png", full_page=True)
    assert Entitlement.objects.get(pk=e.pk).status == "delivered"
