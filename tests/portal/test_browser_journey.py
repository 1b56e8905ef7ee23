"""A creator's journey through the portal in a real browser (Debian's Chromium), at desktop and phone
sizes: sign in → the level card → 权益中心 → finish a lesson in 学院 → 刷新进度 counts the course →
我的权益 → 领取 (HTMX row swap and toast) → 已领取 and the guarantee-card wallet.

The screenshots (home-, levels-, benefits- × desktop, phone) land in the ``screenshots_dir`` folder;
``make screenshots`` refreshes docs/screenshots/ with them so a reviewer sees what a creator sees.
"""

from collections.abc import Callable
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from academy.models import Lesson
from benefits.selectors import catalogue_load
from benefits.services.grants import entitlements_grant_reward
from levels.models import CreatorLevel
from lib.periods import Cycle
from portal import clock
from tests.activity_builders import course
from tests.browser import FULL_PAGE_STYLE, assert_no_sideways_scroll, screenshot
from tests.builders import AT, creator_at_level
from tests.portal.support import NOW, assess, with_login

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("moving_clock"),
]

VIEWPORTS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}


@pytest.fixture
def moving_clock(monkeypatch):
    """The portal's clock starts at ``NOW`` and runs: a lesson finished during the journey has happened
    before the progress refreshed after it (progress counts what happened before its instant)."""
    started = timezone.now()
    monkeypatch.setattr(clock, "now", lambda: NOW + (timezone.now() - started))


@pytest.fixture
def journey_creator():
    """An LV3 creator of 2026-12 with last quarter's reward benefits, signing in as ``xiaolu``/``pw``."""
    creator = with_login(creator_at_level(3), "xiaolu")
    creator.nickname = "小鹿爱旅行"
    creator.save(update_fields=["nickname"])
    short = course(1, title="短视频脚本创作")  # one lesson away from a ninth completed course
    Lesson.objects.filter(course=short).update(title="脚本的三段式结构")
    assess()
    entitlements_grant_reward(
        creators=CreatorLevel.objects.filter(creator=creator).values("creator_id"),
        level=3, cycle=Cycle(2026, 3), at=AT, catalogue=catalogue_load(),
    )  # fmt: skip
    return creator


@pytest.fixture
def shot(screenshots_dir: Path) -> Callable[[Page, str, str], None]:
    def take(page: Page, name: str, size: str) -> None:
        assert_no_sideways_scroll(page)
        # Toasts float over whatever is under them; the picture is of the page.
        screenshot(page, screenshots_dir / f"{name}-{size}.png", full_page=True, style=FULL_PAGE_STYLE)

    return take


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_creator_journey(page: Page, live_server, journey_creator, size: str, shot) -> None:
    page.set_viewport_size(VIEWPORTS[size])

    # Sign in: the home page answers first with the level card.
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("账号").fill("xiaolu")
    page.get_by_label("密码").fill("pw")
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{live_server.url}/")
    expect(page.get_by_role("heading", name="你是 LV3 达人 · 距 LV4 还差 7 项")).to_be_visible()
    expect(page.get_by_text("¥7万")).to_be_visible()
    shot(page, "home", size)

    # 权益中心 before: 8 of the 10 courses LV4 needs.
    page.get_by_role("link", name="查看升级任务").click()
    page.wait_for_url(f"{live_server.url}/levels/")
    courses_row = page.locator(".req-row", has_text="完成学院课程").first
    expect(courses_row).to_contain_text("8 / ≥ 10")

    # 学院: finish the last lesson of a course (HTMX swaps the lesson row); the course is completed.
    # On a phone 学院 waits behind 更多, one tap away.
    nav = page.get_by_role("navigation", name="主导航")
    if size == "phone":
        nav.get_by_role("button", name="更多").click()
    nav.get_by_role("link", name="学院").click()
    page.wait_for_url(f"{live_server.url}/academy/")
    page.get_by_role("link", name="短视频脚本创作").click()
    lesson = page.locator(".lesson-row", has_text="脚本的三段式结构")
    lesson.get_by_role("button", name="标记学完").click()
    expect(lesson.locator(".pill")).to_have_text("已学完")
    expect(page.locator("#toasts .toast").last).to_contain_text("课程已完成")

    # 权益中心: the checklist, then 刷新进度 swaps it in place and counts the new course.
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="权益中心").click()
    page.wait_for_url(f"{live_server.url}/levels/")
    expect(page.get_by_role("heading", name="升级到 LV4 的任务")).to_be_visible()
    page.evaluate("window.stillThisPage = true")
    page.get_by_role("button", name="刷新进度").click()
    expect(page.locator("#progress .refreshed")).to_have_text("刚刚刷新")
    expect(page.locator(".req-row", has_text="完成学院课程").first).to_contain_text("9 / ≥ 10")
    expect(page.locator("#toasts .toast").last).to_have_text("进度已刷新")
    assert page.evaluate("window.stillThisPage === true"), "刷新进度 reloaded the page instead of swapping"
    shot(page, "levels", size)

    # 我的权益: claim 学院精选案例优先上线权; the row turns into 已领取 without a reload.
    # 我的权益 is a tab of 权益中心 (FAQ Q5/Q6).
    page.get_by_role("navigation", name="权益中心").get_by_role("link", name="我的权益").click()
    page.wait_for_url(f"{live_server.url}/benefits/")
    expect(page.locator("#benefit-summary")).to_contain_text("2 项可领取")
    page.evaluate("window.stillThisPage = true")
    row = page.locator(".benefit-row", has_text="学院精选案例优先上线权")
    row.get_by_role("button", name="领取").click()
    expect(row.locator(".pill-claimed")).to_have_text("已领取")
    expect(page.locator("#toasts .toast").last).to_have_text("已领取「学院精选案例优先上线权」")
    expect(row.get_by_role("link", name="填写案例推荐内容")).to_be_visible()
    expect(page.locator("#benefit-summary")).to_contain_text("1 项可领取")  # benefitsChanged refreshed it
    assert page.evaluate("window.stillThisPage === true"), "领取 reloaded the page instead of swapping the row"

    # The wallet: seven active cards (three of 2026-12, four for passing 2026Q3), nearest expiry first.
    wallet = page.locator("#wallet")
    expect(wallet).to_contain_text("7 张可用 · 最近到期 5/30")
    expect(wallet.locator(".wallet-card", has_text="×7")).to_contain_text("剩 179 天")
    shot(page, "benefits", size)

    # Without JavaScript's help the state holds: a reload still shows 已领取.
    page.reload()
    expect(page.locator(".benefit-row", has_text="学院精选案例优先上线权").locator(".pill-claimed")).to_be_visible()
