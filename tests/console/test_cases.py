"""精选案例 review in the console: the waiting queue with its tab counts, approve in one click, reject
with a reason in an inline form; each decision writes one audit row and messages the creator; the
same form posted twice acts once; a viewer sees no buttons and is refused on POST."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from benefits.models import Benefit, BenefitCode, CaseStatus, Entitlement, FeaturedCase
from benefits.services.cases import case_submit
from console.forms import new_request_id
from creators.models import AssistantMessage, AuditLog, Creator
from tests.builders import uid

pytestmark = pytest.mark.django_db
HTMX = {"HX-Request": "true"}
LIST = reverse("console:cases")


def waiting(title: str = "探店脚本复盘", *, creator: Creator | None = None, hours_ago: int = 1) -> FeaturedCase:
    """A case waiting for review, submitted ``hours_ago`` hours ago under a claimed entitlement."""
    creator = creator or Creator.objects.create(external_id=uid("c"), nickname=f"达人{title}")
    at = timezone.now() - timedelta(hours=hours_ago)
    entitlement, _ = Entitlement.objects.get_or_create(
        creator=creator,
        benefit=Benefit.objects.get(code=BenefitCode.FEATURED_CASE),
        period="",
        defaults=dict(kind="basic", level=3, quantity=1, delivered=1, status="claimed", granted_at=at, claimed_at=at),
    )
    return case_submit(creator=creator, entitlement_id=entitlement.pk, title=title, at=at,
                       link="https://v.douyin.com/abc/", recommendation="从选题到投流的完整复盘。")  # fmt: skip


def review_url(case: FeaturedCase) -> str:
    return reverse("console:case-review", args=[case.pk])


def post(client, case: FeaturedCase, decision: str, reason: str = "", *, request_id: str | None = None, **extra):
    data = {"decision": decision, "reason": reason, "request_id": request_id or new_request_id()}
    return client.post(review_url(case), data, **extra)


def status(case: FeaturedCase) -> str:
    case.refresh_from_db()
    return case.status


# --- the queue -------------------------------------------------------------------------------------------


def test_waiting_cases_oldest_first_with_their_content_and_counts(operator_client) -> None:
    newer, older = waiting("较新的案例", hours_ago=1), waiting("较早的案例", hours_ago=5)
    FeaturedCase.objects.filter(pk=newer.pk).update(status=CaseStatus.REJECTED, reviewed_at=timezone.now())
    waiting("第三个案例", hours_ago=3)
    body = operator_client.get(LIST).content.decode()
    assert body.index("较早的案例") < body.index("第三个案例")
    assert "较新的案例" not in body
    assert 'href="https://v.douyin.com/abc/" target="_blank" rel="noopener"' in body
    assert older.creator.nickname in body and older.creator.external_id in body and "从选题到投流的完整复盘" in body
    assert "LV3" in body
    assert 'aria-current="page">待审核 <span class="num">2</span>' in body
    assert '已通过 <span class="num">0</span>' in body and '未通过 <span class="num">1</span>' in body
    rejected = operator_client.get(LIST + "?status=rejected").content.decode()
    assert "较新的案例" in rejected and "较早的案例" not in rejected and 'name="decision"' not in rejected


def test_list_queries_stay_constant_as_cases_grow(operator_client) -> None:
    waiting("第一个")

    def queries(shows: str) -> int:
        with CaptureQueriesContext(connection) as captured:
            response = operator_client.get(LIST)
        assert response.status_code == 200 and shows in response.content.decode()
        return len(captured)

    few = queries("第一个")
    for i in range(8):
        waiting(f"案例{i}号")
    assert queries("案例7号") == few


# --- approve and reject ------------------------------------------------------------------------------------


def test_approve_writes_one_audit_row_messages_the_creator_and_fills_the_gallery(operator_client, operator):
    case = waiting("上线的案例")
    response = post(operator_client, case, "approve", headers=HTMX)
    assert response.status_code == 200
    body = response.content.decode()
    assert 'id="case-tabs" aria-label' in body and "hx-swap-oob" in body  # counts refresh, the row goes
    assert "已通过“上线的案例”" in body
    assert status(case) == CaseStatus.APPROVED
    audit = AuditLog.objects.get()
    assert (audit.action, audit.actor, audit.target_id, audit.creator_id) == (
        "case.approve", operator, str(case.pk), case.creator_id
    )  # fmt: skip
    assert (audit.before, audit.after) == ({"status": "pending"}, {"status": "approved"})
    assert AssistantMessage.objects.get(creator=case.creator).template == "case_approved"
    assert "上线的案例" in operator_client.get(reverse("cases")).content.decode()


def test_reject_opens_an_inline_form_with_the_reason_focused(operator_client) -> None:
    case = waiting()
    response = operator_client.get(f"{LIST}?reject={case.pk}", headers=HTMX)
    body = response.content.decode()
    assert "<html" not in body and body.lstrip().startswith(f'<tbody id="case-{case.pk}"')
    assert 'name="reason"' in body and "autofocus" in body
    page = operator_client.get(f"{LIST}?reject={case.pk}").content.decode()  # without JavaScript
    assert "<html" in page and 'name="reason"' in page


def test_reject_with_a_reason_writes_one_audit_row_and_messages_the_creator(operator_client, operator):
    case = waiting()
    response = post(operator_client, case, "reject", "链接打不开")
    assert response.status_code == 302 and response["Location"] == LIST  # post/redirect/get
    assert status(case) == CaseStatus.REJECTED
    audit = AuditLog.objects.get()
    assert (audit.action, audit.reason, audit.after) == ("case.reject", "链接打不开", {"status": "rejected"})
    message = AssistantMessage.objects.get(creator=case.creator)
    assert message.template == "case_rejected" and "链接打不开" in message.display_body


def test_reject_without_a_reason_is_refused_and_writes_nothing(operator_client) -> None:
    case = waiting()
    response = post(operator_client, case, "reject", "   ", headers=HTMX)
    assert response.status_code == 200  # htmx swaps 2xx only: the form comes back with the reason asked for
    body = response.content.decode()
    assert "请填写未通过的原因" in body and 'name="reason"' in body
    full = post(operator_client, case, "reject", "")
    assert full["Location"] == f"{LIST}?reject={case.pk}#case-{case.pk}"
    assert status(case) == CaseStatus.PENDING
    assert not AuditLog.objects.exists() and not AssistantMessage.objects.exists()


def test_approving_a_second_case_of_the_same_creator_is_refused(operator_client) -> None:
    first = waiting("第一条")
    FeaturedCase.objects.filter(pk=first.pk).update(status=CaseStatus.APPROVED)
    # A second waiting case of the same creator (slipped in through the admin, say).
    second = FeaturedCase.objects.create(
        creator=first.creator, entitlement=first.entitlement, title="第二条", link=first.link,
        recommendation="又一条", submitted_at=timezone.now(),
    )  # fmt: skip
    response = post(operator_client, second, "approve", headers=HTMX)
    body = response.content.decode()
    assert response.status_code == 200 and "每位达人只能上线1条精选案例" in body
    assert body.lstrip().startswith(f'<tbody id="case-{second.pk}"')  # still waiting: the row stays
    assert status(second) == CaseStatus.PENDING
    assert not AuditLog.objects.exists() and not AssistantMessage.objects.exists()


def test_the_same_form_posted_twice_acts_once(operator_client) -> None:
    case = waiting()
    request_id = new_request_id()
    post(operator_client, case, "approve", request_id=request_id)
    again = post(operator_client, case, "approve", request_id=request_id, headers=HTMX)
    assert "这次提交已经处理过了" in again.content.decode() and "toast-info" in again.content.decode()
    assert AuditLog.objects.count() == 1 and AssistantMessage.objects.count() == 1


def test_a_case_reviewed_meanwhile_leaves_the_list_with_the_reason(operator_client) -> None:
    case = waiting()
    post(operator_client, case, "reject", "太短")
    response = post(operator_client, case, "approve", headers=HTMX)
    assert "该案例已审核过" in response.content.decode() and "toast-error" in response.content.decode()
    assert status(case) == CaseStatus.REJECTED and AuditLog.objects.count() == 1


def test_an_unknown_case_is_404(operator_client) -> None:
    assert operator_client.post(reverse("console:case-review", args=[999]), {"decision": "approve",
                                "request_id": new_request_id()}).status_code == 404  # fmt: skip
    assert operator_client.get(f"{LIST}?reject=999", headers=HTMX).status_code == 404


# --- who may do what ---------------------------------------------------------------------------------------


def test_viewer_sees_the_queue_without_buttons_and_is_refused_on_post(viewer_client) -> None:
    case = waiting("给观察员看的案例")
    body = viewer_client.get(LIST).content.decode()
    assert "给观察员看的案例" in body and 'name="decision"' not in body and "未通过…" not in body
    assert post(viewer_client, case, "approve").status_code == 403
    assert status(case) == CaseStatus.PENDING and not AuditLog.objects.exists()


def test_anonymous_goes_to_login(client) -> None:
    case = waiting()
    assert client.get(LIST)["Location"].startswith(reverse("login"))
    assert post(client, case, "approve")["Location"].startswith(reverse("login"))
    assert status(case) == CaseStatus.PENDING


# --- in a browser ------------------------------------------------------------------------------------------


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("viewport", [{"width": 1280, "height": 800}, {"width": 390, "height": 844}])
def test_an_operator_approves_one_case_and_rejects_another_in_the_browser(
    page, live_server, operator, screenshots_dir, viewport
) -> None:
    from playwright.sync_api import expect

    keep, drop = waiting("值得上线的案例", hours_ago=3), waiting("链接打不开的案例", hours_ago=1)
    page.set_viewport_size(viewport)
    page.context.add_cookies([{"name": "sessionid", "value": _session(operator), "url": live_server.url}])
    page.goto(f"{live_server.url}{LIST}")
    expect(page.get_by_role("link", name="待审核 2")).to_be_visible()
    page.screenshot(path=screenshots_dir / f"console-cases-{viewport['width']}.png", full_page=True)

    page.locator(f"#case-{keep.pk}").get_by_role("button", name="通过").click()
    expect(page.locator(f"#case-{keep.pk}")).to_have_count(0)
    expect(page.get_by_text("已通过“值得上线的案例”")).to_be_visible()
    expect(page.get_by_role("link", name="待审核 1")).to_be_visible()

    page.locator(f"#case-{drop.pk}").get_by_role("link", name="未通过…").click()
    reason = page.locator(f"#case-{drop.pk}").get_by_label("未通过原因")
    expect(reason).to_be_focused()
    page.screenshot(path=screenshots_dir / f"console-case-reject-{viewport['width']}.png", full_page=True)
    reason.fill("链接打不开，请换成公开作品链接")
    page.get_by_role("button", name="确认未通过").click()
    expect(page.locator(f"#case-{drop.pk}")).to_have_count(0)
    expect(page.get_by_role("link", name="未通过 1")).to_be_visible()
    assert (status(keep), status(drop)) == (CaseStatus.APPROVED, CaseStatus.REJECTED)


def _session(user) -> str:
    """A signed-in session for ``user`` (the browser skips the login form, tested elsewhere)."""
    client = Client()
    client.force_login(user)
    return client.cookies["sessionid"].value
