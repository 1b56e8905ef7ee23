"""Running the program from the console in a real browser, at desktop and phone sizes: an operator
starts a job run and sees it complete (tasks run eagerly here; ``test_runs_broker`` proves the broker
path), runs a what-if that raises LV3's fans line and reads who would drop, saves the draft as a version
effective next month, then sets one creator's level by hand and sees the creator page say it was set
by operations."""

import io

import pytest
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import Page, expect

from levels.models import RuleSet
from lib.periods import Month
from tests.console.browser import console_nav, last_toast, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

VIEWPORTS = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 390, "height": 844}}


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_operator_starts_a_run_and_overrides_a_level(page: Page, live_server, size: str, shot) -> None:
    call_command("seed_demo", "--creators", "12", "--demo-logins", stdout=io.StringIO())
    page.set_viewport_size(VIEWPORTS[size])
    sign_in(page, live_server, "operator")

    # 任务运行: close a benefit period from before the demo's history (seed_demo replays the closes of
    # the last months itself, and starting a run that exists only shows it); the run's page shows it done.
    period = Month.of(timezone.now())
    for _ in range(6):
        period = period.previous()
    period = period.key
    console_nav(page, "任务运行")
    start = page.locator("form", has=page.get_by_role("button", name="启动运行"))
    start.locator("select[name=job]").select_option("close_period")
    start.locator("input[name=period]").fill(period)
    start.get_by_role("button", name="启动运行").click()
    expect(page.get_by_role("heading", name=f"权益期结算 · {period}")).to_be_visible()
    expect(page.locator("#run-progress")).to_contain_text("完成")
    shot(page, "run", size)
    console_nav(page, "任务运行")
    expect(page.locator("table").first).to_contain_text("console:operator")
    shot(page, "runs", size)

    # 规则版本 → what-if: raise LV3's fans line far above the demo's LV3 creators; they would drop.
    version = RuleSet.objects.get(effective_month__isnull=False)
    page.goto(f"{live_server.url}/console/rules/{version.pk}/")
    page.locator("input[name='t-lv3-fans']").fill("5000000")
    page.get_by_role("button", name="模拟这些门槛（what-if）").click()
    expect(page.get_by_role("heading", name="会变动的达人（示例）")).to_be_visible()
    expect(page.locator(".whatif-sample tbody tr").first).to_contain_text("粉丝量")
    shot(page, "whatif", size)

    # Save the draft as a version effective next month; the list shows it upcoming.
    next_month = Month.of(timezone.now()).next().key
    save = page.locator("#whatif-save")
    save.locator("input[name=name]").fill("LV3 粉丝线上调")
    save.locator("input[name=effective_month]").fill(next_month)
    save.locator("[name=note]").fill("模拟后确认：LV3 需要更高的粉丝门槛")
    save.get_by_role("button", name="存为新版本").click()
    expect(page.get_by_role("heading", name="LV3 粉丝线上调")).to_be_visible()
    console_nav(page, "规则版本")
    expect(page.locator("table").first).to_contain_text(next_month)
    shot(page, "rules", size)

    # 手动等级: set c-1005 to LV4 until this month, with a reason; the page says operations set it.
    this_month = Month.of(timezone.now()).key
    page.goto(f"{live_server.url}/console/creators/c-1005/")
    panel = page.locator("#override-panel")
    panel.get_by_label("等级").select_option("4")
    panel.get_by_label("原因").fill("品牌专项合作，经审批临时保级")
    panel.get_by_label("保持到（含该月）").fill(this_month)
    panel.get_by_role("button", name="设定等级").click()
    expect(last_toast(page)).to_be_visible()
    expect(panel).to_contain_text("品牌专项合作，经审批临时保级")
    expect(panel).to_contain_text(this_month)
    page.reload()
    expect(page.locator(".creator-head")).to_contain_text(f"运营设定 · 至 {this_month}")
    shot(page, "creator-override", size)
