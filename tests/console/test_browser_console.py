"""The operator console in a real browser (Debian's Chromium) on the demo data, at desktop and phone sizes.

An operator signs in (and lands on the console), finds a creator through the search, opens their 360°
page, records a 1v1 recommendation in the inline form, issues cards to two creators (preview, then
confirm), revokes one with a reason, approves a waiting featured case, records an extra dispatch and
reads the audit log of all that. Then a view-only operator walks the same pages and finds no action.

One screenshot per console page and size (``console-<page>-<size>.png``) lands in ``screenshots_dir``;
``make screenshots`` refreshes docs/screenshots/ with them.
"""

import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import Page, expect

from benefits.models import BenefitCode, Entitlement
from benefits.services.cases import case_submit
from benefits.services.grants import entitlement_claim
from creators.models import Creator
from creators.tokens import token_create
from demo.history import REFERENCE_MONTHLY
from levels.models import JobRun
from levels.schedule import due_now
from lib.periods import Month
from tests.console.browser import console_nav, last_toast, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

VIEWPORTS = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 390, "height": 844}}
CASE_TITLE = "夜跑路线打卡 · 从选题到投流"


@pytest.fixture
def console_data(monkeypatch) -> None:
    """The demo data set (logins operator/operator and viewer/viewer), one featured case waiting for
    review (李姐玩游戏's) and one integration token. In the first hours of a month, before its assessment
    is due (02:00 on the 1st, Asia/Shanghai), this month has no benefits yet (no dispatch quotas), while
    the console records dispatches against it; in the first days after it, the demo's at-risk creators
    (李姐玩游戏 among them) have just been judged by it and hold a lower level. Then the test's clock — the
    server's too, it runs in this process — reads the last minutes of the month before."""
    now = timezone.now()
    month = Month.of(now)
    monthly = due_now(JobRun.Job.ASSESS_MONTHLY, now)
    if monthly.period != month.key or now - monthly.at < REFERENCE_MONTHLY[0]:
        back = now - (month.start - timedelta(minutes=10))
        real_now = timezone.now
        monkeypatch.setattr(timezone, "now", lambda: real_now() - back)
    call_command("seed_demo", "--creators", "12", "--demo-logins", stdout=io.StringIO())
    author = Creator.objects.get(nickname="李姐玩游戏")
    entitlement = Entitlement.objects.get(creator=author, benefit__code=BenefitCode.FEATURED_CASE)
    entitlement_claim(creator=author, entitlement_id=entitlement.pk)
    case_submit(creator=author, entitlement_id=entitlement.pk, title=CASE_TITLE, at=timezone.now(),
                link="https://v.douyin.com/demo/", recommendation="三条夜跑路线的脚本、拍摄和投流复盘。")  # fmt: skip
    token_create(name="数据平台 · 生产", actor=None, request_id=None)


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_operator_journey_then_viewer(page: Page, live_server, console_data, size: str, shot) -> None:
    page.set_viewport_size(VIEWPORTS[size])
    url = live_server.url

    # Sign in through the form: an operator lands on the console's overview.
    sign_in(page, live_server, "operator")
    expect(page.get_by_role("heading", name="概览", exact=True)).to_be_visible()
    expect(page.get_by_role("heading", name="各等级达人")).to_be_visible()
    expect(page.locator(".dashboard")).to_contain_text("共 12 位")
    shot(page, "dashboard", size)

    # 达人: the search narrows the list to one creator; the 360° page shows their level and ledger.
    console_nav(page, "达人")
    expect(page.locator(".creators-page .page-head")).to_contain_text("共 12 位")
    page.get_by_label("平台ID或昵称").fill("可乐")
    page.get_by_role("button", name="筛选").click()
    expect(page.locator(".creators-page .page-head")).to_contain_text("共 1 位")
    rows = page.locator(".creators-table tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("c-1005")
    shot(page, "creators", size)
    rows.first.get_by_role("link", name="可乐打野").click()
    page.wait_for_url(f"{url}/console/creators/c-1005/")
    expect(page.get_by_role("heading", name="可乐打野")).to_contain_text("LV")
    ledger = page.get_by_role("navigation", name="达人台账")
    expect(ledger.get_by_role("link", name="推荐 0")).to_be_visible()
    expect(ledger.get_by_role("link", name="派发 0")).to_be_visible()
    shot(page, "creator", size)

    # 1对1推荐, from the 360° page: record one for this creator in the row's inline form.
    page.locator("#recommendations").get_by_role("link", name="在推荐页查看").click()
    tabs = page.get_by_role("navigation", name="推荐状态")
    expect(tabs).to_contain_text("已完成 0")
    row = page.locator(".rec-row", has_text="可乐打野")
    row.get_by_role("link", name="记录推荐").click()
    form = row.locator(".inline-form form")
    expect(form.get_by_label("客户")).to_be_focused()
    form.get_by_label("客户").fill("星图美妆旗舰店")
    form.get_by_label("推荐日期").fill(timezone.localdate().isoformat())
    form.get_by_label("渠道").select_option(index=1)
    form.get_by_label("备注").fill("客户看中夜跑内容，已对接")
    shot(page, "recommendations", size)
    form.get_by_role("button", name="确认记录").click()
    expect(last_toast(page)).to_have_text("已记录推荐：星图美妆旗舰店")
    expect(row.locator(".pill")).to_have_text("已完成")
    expect(row.get_by_role("link", name="记录推荐")).to_have_count(0)
    expect(tabs).to_contain_text("已完成 1")

    # 保底卡 · 手动发放: preview first, nothing issued until confirmed.
    console_nav(page, "保底卡")
    expect(page.locator(".card-sources")).to_contain_text("运营发放 0")
    page.get_by_role("link", name="手动发放").click()
    page.get_by_label("达人ID").fill("c-1003, c-1007")
    page.get_by_label("每人张数").fill("1")
    page.get_by_label("发放原因").fill("双十一活动补偿")
    page.get_by_role("button", name="预览").click()
    preview = page.locator(".issue-preview")
    expect(preview.locator(".issue-summary")).to_have_text("将向 2 位达人各发放 1 张保底卡")
    expect(preview.locator("tbody tr")).to_have_count(2)
    expect(preview).to_contain_text("大聊车")
    expect(preview).to_contain_text("包子家常菜")
    shot(page, "cards-issue", size)
    preview.get_by_role("button", name="确认向 2 位达人各发放 1 张保底卡").click()
    page.wait_for_url(f"{url}/console/cards/?source=manual")  # the list, filtered to what was just issued
    expect(last_toast(page)).to_have_text("已向 2 位达人各发放 1 张保底卡。")
    expect(page.locator(".card-sources")).to_contain_text("运营发放 2")

    # Revoke one of them with a reason: the row turns 已撤销 in place.
    cards = page.locator(".cards-table .card-rows")
    expect(cards).to_have_count(2)
    issued = cards.filter(has_text="大聊车")
    expect(issued.locator(".pill").last).to_have_text("可使用")
    issued.get_by_role("button", name="撤销").click()
    issued.get_by_label("撤销这张").fill("发错对象，已与达人沟通")
    shot(page, "cards", size)
    issued.get_by_role("button", name="确认撤销").click()
    expect(last_toast(page)).to_have_text("保底卡已撤销，已通知达人。")
    expect(issued.locator(".card-state-revoked")).to_have_text("已撤销")
    expect(issued).to_contain_text("发错对象，已与达人沟通")
    expect(issued.get_by_role("button", name="撤销")).to_have_count(0)
    expect(cards.filter(has_text="包子家常菜").locator(".card-state-active")).to_have_text("可使用")

    # 精选案例: approve the waiting case; it leaves the queue and the counts move.
    console_nav(page, "精选案例")
    case_tabs = page.get_by_role("navigation", name="审核状态")
    expect(case_tabs).to_contain_text("待审核 1")
    case = page.locator(".case-row", has_text=CASE_TITLE)
    expect(case).to_contain_text("李姐玩游戏")
    shot(page, "cases", size)
    case.get_by_role("button", name="通过").click()
    expect(last_toast(page)).to_have_text(f"已通过“{CASE_TITLE}”，已在精选案例上线")
    expect(case).to_have_count(0)
    expect(case_tabs).to_contain_text("待审核 0")
    expect(case_tabs).to_contain_text("已通过 1")

    # 额外派发: from the creator's row, the form opens prefilled; the row and the totals update.
    console_nav(page, "额外派发")
    totals = page.locator("#dispatch-totals")
    expect(totals).to_contain_text("已派 0")
    quota = page.locator(".dispatch-table tbody tr", has_text="可乐打野")
    quota.get_by_role("link", name="派发").click()
    expect(page.get_by_label("达人ID")).to_have_value("c-1005")
    task = page.get_by_label("进行中的任务")
    task.select_option(index=1)
    task_title = task.locator("option:checked").inner_text().rsplit(" · ", 1)[0]  # "<title> · <code>"
    shot(page, "dispatches", size)
    page.get_by_role("button", name="记录派发").click()
    expect(last_toast(page)).to_have_text(f"已向 可乐打野 派发“{task_title}”（本期 1/8）")
    expect(quota.locator("td").nth(3)).to_have_text("1")
    expect(totals).to_contain_text("已派 1")

    # 审计日志: the operator's five actions, newest first, with their reasons.
    console_nav(page, "审计日志")
    page.get_by_label("操作人").fill("operator")
    page.get_by_role("button", name="筛选").click()
    expect(page.locator(".page-head")).to_contain_text("共 5 条")
    actions = page.locator(".audit-table tbody tr td:nth-child(3)")
    expect(actions).to_have_text(
        ["dispatch.record", "case.approve", "card.revoke", "card.issue", "recommendation.fulfil"]
    )
    expect(page.locator(".audit-table tbody tr", has_text="card.revoke")).to_contain_text("发错对象，已与达人沟通")
    expect(page.locator(".audit-table tbody tr", has_text="card.issue")).to_contain_text("双十一活动补偿")
    shot(page, "audit", size)

    console_nav(page, "接入令牌")
    expect(page.locator(".token-table")).to_contain_text("数据平台 · 生产")
    expect(page.get_by_role("button", name="创建令牌")).to_be_visible()
    shot(page, "tokens", size)

    # A viewer sees the same pages, with the operator's work on them, and no action anywhere.
    sign_in(page, live_server, "viewer")
    expect(page.get_by_role("heading", name="各等级达人")).to_be_visible()
    page.goto(f"{url}/console/creators/c-1005/")
    expect(page.get_by_role("navigation", name="达人台账").get_by_role("link", name="推荐 1")).to_be_visible()
    page.goto(f"{url}/console/recommendations/?state=fulfilled")
    expect(page.locator(".rec-table")).to_contain_text("星图美妆旗舰店")
    page.goto(f"{url}/console/recommendations/")
    expect(page.locator(".rec-row").first).to_be_visible()
    expect(page.get_by_role("link", name="记录推荐")).to_have_count(0)
    console_nav(page, "保底卡")
    expect(page.locator(".card-sources")).to_contain_text("运营发放 2")
    expect(page.locator(".cards-table")).to_contain_text("发错对象，已与达人沟通")
    expect(page.get_by_role("link", name="手动发放")).to_have_count(0)
    expect(page.get_by_role("button", name="撤销")).to_have_count(0)
    expect(page.locator(".cards-table form")).to_have_count(0)
    page.goto(f"{url}/console/cards/issue/")
    expect(page.get_by_text("你只能查看，不能发放保底卡。")).to_be_visible()
    expect(page.locator("#issue-panel form")).to_have_count(0)
    page.goto(f"{url}/console/cases/?status=approved")
    expect(page.locator(".cases-table")).to_contain_text(CASE_TITLE)
    expect(page.locator(".cases-table form")).to_have_count(0)
    console_nav(page, "额外派发")
    expect(page.locator("#dispatch-totals")).to_contain_text("已派 1")
    expect(page.locator("#record-form")).to_have_count(0)
    expect(page.locator(".dispatch-table").get_by_role("link", name="派发")).to_have_count(0)
    console_nav(page, "审计日志")
    expect(page.locator(".audit-table")).to_contain_text("card.revoke")
    console_nav(page, "接入令牌")
    expect(page.locator(".token-table")).to_contain_text("数据平台 · 生产")
    expect(page.locator("main form, .token-table button")).to_have_count(0)
