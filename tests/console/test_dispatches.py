"""额外派发 in the console: the period's quotas with shortfall and DOU+, recording a dispatch (one audit
row, a message, the row updated), refusals that write nothing, the same form twice acting once; and on
the creator's side, the dispatched task marked 额外派发 in their task hall, where they can join it."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from benefits.models import Benefit, BenefitCode, Entitlement, ExtraDispatch
from console.forms import new_request_id
from creators.models import AssistantMessage, AuditLog, Creator, SubmissionEntry
from lib.periods import Month
from tests.activity_builders import content, task, with_login
from tests.builders import uid

pytestmark = pytest.mark.django_db
HTMX = {"HX-Request": "true"}
PAGE = reverse("console:dispatches")


def holder(nickname: str = "桃桃爱旅行", *, level: int = 2, quantity: int = 8, delivered: int = 0,
           period: str | None = None) -> Creator:  # fmt: skip
    """A creator holding an extra-dispatch quota for ``period`` (this month by default)."""
    creator = Creator.objects.create(external_id=uid("c"), nickname=nickname)
    Entitlement.objects.create(
        creator=creator, benefit=Benefit.objects.get(code=BenefitCode.EXTRA_DISPATCH), kind="basic", level=level,
        period=period or Month.of(timezone.now()).key, quantity=quantity, delivered=delivered,
        status="pending", granted_at=timezone.now() - timedelta(days=1),
    )  # fmt: skip
    return creator


def record(client: Client, creator: Creator, task_code: str, *, request_id: str | None = None, **extra):
    data = {"creator": creator.external_id, "task": task_code, "request_id": request_id or new_request_id()}
    return client.post(PAGE, data, **extra)


def written() -> tuple[int, int, int]:
    return ExtraDispatch.objects.count(), AuditLog.objects.count(), AssistantMessage.objects.count()


def quota(creator: Creator) -> Entitlement:
    return Entitlement.objects.get(creator=creator)


# --- the overview ----------------------------------------------------------------------------------------


def test_overview_shows_quota_shortfall_and_dou_plus_largest_shortfall_first(operator_client) -> None:
    holder("缺口小的达人", level=1, quantity=4, delivered=3)
    holder("缺口大的达人", delivered=2)
    holder("上个月的达人", period=Month.of(timezone.now()).previous().key)
    task(title="可派发的任务")
    body = operator_client.get(PAGE).content.decode()
    assert body.index("缺口大的达人") < body.index("缺口小的达人") and "上个月的达人" not in body
    assert '<td class="num">6</td>\n  <td class="num">120</td>' in body  # shortfall 6 × DOU+ 20
    assert '名额 <b class="num">12</b>' in body and '缺口 <b class="num">7</b>' in body
    assert '结算补偿 DOU+ <b class="num">140</b>' in body
    assert 'name="creator"' in body and "可派发的任务" in body  # the record form with the open tasks
    last = operator_client.get(f"{PAGE}?period={Month.of(timezone.now()).previous().key}").content.decode()
    assert "上个月的达人" in last and "缺口大的达人" not in last
    assert "缺口小的达人" not in operator_client.get(f"{PAGE}?level=2").content.decode()
    assert "缺口小的达人" not in operator_client.get(f"{PAGE}?creator=缺口大").content.decode()


def test_overview_queries_stay_constant_as_rows_grow(operator_client) -> None:
    holder("第一位")
    task()

    def queries(shows: str) -> int:
        with CaptureQueriesContext(connection) as captured:
            response = operator_client.get(PAGE)
        assert response.status_code == 200 and shows in response.content.decode()
        return len(captured)

    few = queries("第一位")
    for i in range(8):
        holder(f"达人{i}号", delivered=i)
        task()
    assert queries("达人7号") == few


# --- recording ---------------------------------------------------------------------------------------------


def test_recording_over_htmx_updates_the_row_and_totals_with_a_toast(operator_client, operator) -> None:
    creator, t = holder(), task(title="夏日饮品种草")
    quota_row = f'id="quota-{quota(creator).pk}"'
    response = record(operator_client, creator, t.code, headers={**HTMX, "HX-Current-URL": f"http://testserver{PAGE}"})
    body = response.content.decode()
    assert response.status_code == 200 and body.lstrip().startswith('<form id="record-form"')
    assert f'value="{creator.external_id}"' in body  # the next dispatch to the same creator is one pick away
    assert f"<template><tr {quota_row}" in body.replace("\n", "") and "hx-swap-oob" in body
    assert '已派 <b class="num">1</b>' in body and '结算补偿 DOU+ <b class="num">140</b>' in body
    assert "已向 桃桃爱旅行 派发“夏日饮品种草”（本期 1/8）" in body
    assert quota(creator).delivered == 1
    audit = AuditLog.objects.get()
    assert (audit.action, audit.actor, audit.creator_id) == ("dispatch.record", operator, creator.pk)
    assert AssistantMessage.objects.get(creator=creator).template == "task_dispatched"


def test_recording_without_javascript_redirects(operator_client) -> None:
    creator, t = holder(), task()
    response = record(operator_client, creator, t.code)
    assert response.status_code == 302 and response["Location"] == PAGE
    assert quota(creator).delivered == 1


@pytest.mark.parametrize("case", ["no_quota", "full", "closed_task", "same_task_twice"])
def test_refusals_say_why_and_write_nothing(operator_client, case) -> None:
    creator, t = holder(quantity=1, delivered=1 if case == "full" else 0), task()
    if case == "no_quota":
        creator = Creator.objects.create(external_id=uid("c"), nickname="没有名额")
    if case == "closed_task":
        t = task(opens_at=timezone.now() - timedelta(days=9), closes_at=timezone.now() - timedelta(days=1))
    if case == "same_task_twice":
        Entitlement.objects.filter(creator=creator).update(quantity=8)
        record(operator_client, creator, t.code)
    before = written()
    response = record(operator_client, creator, t.code, headers=HTMX)
    reason = {
        "no_quota": "该达人本期没有额外派发名额",
        "full": "本期 1 次已派满",
        "closed_task": "当前不在投稿时间内",
        "same_task_twice": "这个任务本期已派发给该达人",
    }[case]
    assert response.status_code == 200 and reason in response.content.decode()  # the form, to swap
    assert written() == before
    full = record(operator_client, creator, t.code)
    assert full.status_code == 400 and reason in full.content.decode() and "<html" in full.content.decode()
    assert written() == before


def test_the_same_form_posted_twice_acts_once(operator_client) -> None:
    creator, t = holder(), task()
    request_id = new_request_id()
    record(operator_client, creator, t.code, request_id=request_id)
    again = record(operator_client, creator, task().code, request_id=request_id, headers=HTMX)
    assert "这次提交已经处理过了" in again.content.decode() and "toast-info" in again.content.decode()
    assert written() == (1, 1, 1) and quota(creator).delivered == 1


# --- who may do what ---------------------------------------------------------------------------------------


def test_viewer_sees_the_quotas_without_the_form_and_is_refused_on_post(viewer_client) -> None:
    creator, t = holder("给观察员看的达人"), task()
    body = viewer_client.get(PAGE).content.decode()
    assert "给观察员看的达人" in body and 'id="record-form"' not in body and ">派发</a>" not in body
    assert record(viewer_client, creator, t.code).status_code == 403
    assert written() == (0, 0, 0)


def test_anonymous_goes_to_login(client) -> None:
    creator, t = holder(), task()
    assert client.get(PAGE)["Location"].startswith(reverse("login"))
    assert record(client, creator, t.code)["Location"].startswith(reverse("login"))
    assert written() == (0, 0, 0)


# --- the creator's task hall -------------------------------------------------------------------------------


def test_the_dispatched_creator_sees_the_task_marked_and_can_join_it(operator_client, operator) -> None:
    dispatched, other = with_login(holder("被派发的达人")), with_login(holder("别的达人"))
    t = task(title="额外派发的任务")
    record(operator_client, dispatched, t.code)

    hall = Client()
    hall.force_login(dispatched.user)
    body = hall.get(reverse("tasks")).content.decode()
    assert "额外派发的任务" in body and ">额外派发</span>" in body and "1 个额外派发给你" in body
    response = hall.post(reverse("task-join", args=[t.code]), {"content": content(dispatched).pk})
    assert response.status_code == 302 and SubmissionEntry.objects.filter(creator=dispatched, task=t).exists()

    hall.force_login(other.user)
    body = hall.get(reverse("tasks")).content.decode()
    assert "额外派发的任务" in body and ">额外派发</span>" not in body


def test_the_task_hall_queries_do_not_grow_with_dispatches(operator_client) -> None:
    creator = with_login(holder())
    hall = Client()
    hall.force_login(creator.user)
    hall.get(reverse("tasks"))  # the day's visit is recorded: later visits only check it

    def queries(shows: str) -> int:
        with CaptureQueriesContext(connection) as captured:
            response = hall.get(reverse("tasks"))
        assert response.status_code == 200 and shows in response.content.decode()
        return len(captured)

    record(operator_client, creator, task(title="第一个任务").code)
    few = queries("第一个任务")
    for i in range(5):
        record(operator_client, creator, task(title=f"派发{i}号").code)
    assert queries("派发4号") == few


# --- in a browser ------------------------------------------------------------------------------------------


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("viewport", [{"width": 1280, "height": 800}, {"width": 390, "height": 844}])
def test_an_operator_records_a_dispatch_from_a_row_in_the_browser(
    page, live_server, operator, screenshots_dir, viewport
) -> None:
    from playwright.sync_api import expect

    holder("小鹿日记", level=1, quantity=4, delivered=4)
    creator = holder("桃桃爱旅行", delivered=2)
    t = task(title="夏日饮品种草")
    session = Client()
    session.force_login(operator)
    page.set_viewport_size(viewport)
    page.context.add_cookies([{"name": "sessionid", "value": session.cookies["sessionid"].value,
                               "url": live_server.url}])  # fmt: skip
    page.goto(f"{live_server.url}{PAGE}")
    page.screenshot(path=screenshots_dir / f"console-dispatches-{viewport['width']}.png", full_page=True)

    row = page.locator(f"#quota-{quota(creator).pk}")
    row.get_by_role("link", name="派发").click()
    expect(page.get_by_label("达人ID")).to_have_value(creator.external_id)
    page.get_by_label("进行中的任务").select_option(t.code)
    page.get_by_role("button", name="记录派发").click()
    expect(page.get_by_text("已向 桃桃爱旅行 派发“夏日饮品种草”（本期 3/8）")).to_be_visible()
    expect(row.locator("td").nth(3)).to_have_text("3")
    expect(page.locator("#dispatch-totals")).to_contain_text("已派 7")
    page.screenshot(path=screenshots_dir / f"console-dispatch-recorded-{viewport['width']}.png", full_page=True)
    assert quota(creator).delivered == 3
