"""The activity pages in a real browser (Debian's Chromium) on the demo data, at phone and desktop sizes:
星图学院, a course (marking a lesson watched through HTMX), 任务大厅 and 资料与设置 (经营助手:
test_browser_assistant.py).

Screenshots land in the ``screenshots_dir`` folder; ``make screenshots`` refreshes docs/screenshots/ with
them so a reviewer sees what a creator sees.
"""

import io
from collections.abc import Callable
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import Page, expect

from benefits.card_selectors import cards_usable
from benefits.services.cards import card_attach, entries_settle
from creators.models import Creator, SubmissionEntry
from tests.browser import FULL_PAGE_STYLE, assert_no_sideways_scroll, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def signed_in(page: Page, live_server) -> Page:
    """The demo data set (the LV3 creator c-1001 is the ``creator`` login), signed in."""
    call_command("seed_demo", "--creators", "3", "--demo-logins", stdout=io.StringIO())
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("账号").fill("creator")
    page.get_by_label("密码").fill("creator")
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{live_server.url}/")
    return page


@pytest.fixture
def shot(screenshots_dir: Path) -> Callable[[Page, str], None]:
    def take(page: Page, name: str) -> None:
        """A full-page screenshot from the top (scrolled, the sticky header would be stitched mid-page)."""
        page.evaluate("window.scrollTo(0, 0)")
        screenshot(page, screenshots_dir / name, full_page=True, style=FULL_PAGE_STYLE)

    return take


def test_academy_and_marking_a_lesson(signed_in: Page, live_server, shot) -> None:
    page = signed_in
    page.goto(f"{live_server.url}/academy/")
    expect(page.get_by_role("heading", name="已完成 9 门课程")).to_be_visible()
    assert_no_sideways_scroll(page)
    shot(page, "academy-phone.png")

    page.set_viewport_size(DESKTOP)
    page.get_by_role("link", name="拍摄与剪辑进阶").click()
    expect(page.get_by_role("heading", name="拍摄与剪辑进阶")).to_be_visible()
    first = page.locator(".lesson-row").first
    first.get_by_role("button", name="标记学完").click()
    # HTMX swapped the row and, out of band, the progress card; the page did not reload.
    expect(first).to_contain_text("已学完")
    expect(page.locator("#course-progress")).to_contain_text("已学 1 / 4 课时")
    # Both figures stay in the one sentence that explains them after the swap.
    expect(page.locator("#course-progress .progress-note")).to_contain_text("已学 1 / 4 课时，完成率")
    expect(page.locator("#toasts")).to_contain_text("已标记为学完")
    page.wait_for_timeout(300)  # let the toast finish fading in
    shot(page, "course-desktop.png")


def test_joining_a_guarantee_task_with_a_card_on_phone(signed_in: Page, live_server, shot) -> None:
    page = signed_in
    # task-10 opened a month ago: the demo creator has works published since (task-13 opened after
    # their last post, so none of their works may enter it — docs/program.md §3).
    page.goto(f"{live_server.url}/tasks/task-10/")
    page.get_by_label("选择作品").select_option(index=0)
    page.locator("label.choice", has_text="使用 1 张保底卡").first.click()  # the soonest-expiring
    page.get_by_role("button", name="提交作品").click()
    # HTMX replaced the activity region: the entry is listed, pending, with its card.
    entries = page.locator("#task-activity .entry-list")
    expect(entries).to_contain_text("待结算")
    expect(entries).to_contain_text("已使用保底卡 ¥50")
    expect(page.locator("#toasts")).to_contain_text("投稿成功，已使用 1 张保底卡")
    assert_no_sideways_scroll(page)
    shot(page, "task-phone.png")

    page.goto(f"{live_server.url}/tasks/")
    expect(page.get_by_role("heading", name="我的投稿")).to_be_visible()
    expect(page.locator(".entry-list")).to_contain_text("假期学习规划分享")
    assert_no_sideways_scroll(page)
    shot(page, "tasks-phone.png")


def test_settled_guarantee_entries_on_phone(signed_in: Page, live_server, shot) -> None:
    """The demo creator's entries on two closed guarantee tasks, one over and one under the threshold,
    with a card attached and the daily settlement run."""
    creator = Creator.objects.get(external_id="c-1001")
    now = timezone.now()
    for e in SubmissionEntry.objects.filter(creator=creator, task__code__in=["task-03", "task-07"]):
        card = cards_usable(creator=creator, at=now).first()
        card_attach(creator=creator, card_id=card.pk, entry=e, at=now)
    assert entries_settle(at=now) == 2
    page = signed_in
    page.goto(f"{live_server.url}/tasks/task-03/")
    expect(page.locator(".entry-list")).to_contain_text("保底 ¥50 · 实得")
    page.goto(f"{live_server.url}/tasks/task-07/")
    expect(page.locator(".entry-list")).to_contain_text("未达播放要求，按实际收益")
    shot(page, "task-settled-phone.png")


def test_profile_on_phone(signed_in: Page, live_server, shot) -> None:
    page = signed_in
    page.goto(f"{live_server.url}/profile/")
    expect(page.get_by_role("heading", name="本页的等级任务已达成 3 / 3 项")).to_be_visible()
    assert_no_sideways_scroll(page)
    shot(page, "profile-phone.png")
