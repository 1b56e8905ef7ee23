"""The portal's navigation in a real browser (Debian's Chromium) at the sizes creators and operators use:
a phone (390×844) and a desk (1280×900) in Chinese, a small laptop (1024×768) and a wide screen (1440×900)
in English, and a phone in English. At every size each section is visible or one tap away (behind 更多), the
unread badge is in view, no label is clipped and the page does not scroll sideways.

Screenshots: ``home-phone-more`` (the 更多 sheet open on a phone) and ``home-desktop-en`` (1024 px, English);
the closed phone bar and the Chinese desktop line are in the journey's ``home-phone`` and ``home-desktop``.
"""

import io
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import Group, User
from django.core.management import call_command
from playwright.sync_api import Locator, Page, expect

from creators.models import AssistantMessage
from tests.browser import assert_no_sideways_scroll

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Every section the nav offers an operator who is also a creator (the longest nav there is).
SECTIONS = ["/", "/levels/", "/tasks/", "/messages/", "/academy/", "/assistant/", "/profile/", "/square/", "/console/"]
# The tab bar's links on a phone; the rest wait behind 更多.
TAB_BAR = ["/", "/levels/", "/tasks/", "/messages/"]

SIZES = {
    "phone-zh": ("zh-hans", 390, 844),
    "desktop-zh": ("zh-hans", 1280, 900),
    "laptop-en": ("en", 1024, 768),
    "wide-en": ("en", 1440, 900),
    "phone-en": ("en", 390, 844),
}


@pytest.fixture
def signed_in(page: Page, live_server) -> Page:
    """The demo data (the LV3 creator ``creator`` has unread messages), the login also an operator."""
    call_command("seed_demo", "--creators", "3", "--demo-logins", stdout=io.StringIO())
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("账号").fill("creator")
    page.get_by_label("密码").fill("creator")
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{live_server.url}/")
    # Made an operator once signed in (an operator's sign-in lands on the console).
    User.objects.get(username="creator").groups.add(Group.objects.get(name=settings.OPERATORS_GROUP))
    page.reload()
    return page


def _in_view(page: Page, locator: Locator) -> bool:
    box = locator.bounding_box()
    size = page.viewport_size
    return (
        bool(box)
        and box["x"] >= 0
        and box["y"] >= 0
        and box["x"] + box["width"] <= size["width"] + 0.5
        and (box["y"] + box["height"] <= size["height"] + 0.5)
    )


def _assert_unclipped(link: Locator) -> None:
    """The link's label is drawn whole: nothing overflows the link or the label's own box."""
    clipped = link.evaluate(
        """a => [a, ...a.querySelectorAll('.nav-label')].filter(e => e.scrollWidth > e.clientWidth + 0.5)
                  .map(e => e.className || e.tagName)"""
    )
    assert not clipped, f"{link.get_attribute('href')}: {clipped} clipped"
    label, box = link.locator(".nav-label").bounding_box(), link.bounding_box()
    assert box["x"] <= label["x"] and label["x"] + label["width"] <= box["x"] + box["width"] + 0.5


def _badge_in_view(page: Page) -> None:
    badge = page.locator("#unread-badge")
    expect(badge).to_be_visible()
    unread = AssistantMessage.objects.filter(creator__user__username="creator", read_at__isnull=True).count()
    assert unread > 0
    expect(badge).to_have_text(str(unread))
    assert _in_view(page, badge)


@pytest.mark.parametrize("size", SIZES)
def test_every_section_in_view_or_one_tap_away(signed_in: Page, live_server, size: str) -> None:
    language, width, height = SIZES[size]
    page = signed_in
    page.context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url}])
    page.set_viewport_size({"width": width, "height": height})
    page.goto(f"{live_server.url}/")
    assert_no_sideways_scroll(page)
    nav = page.locator("nav.portal-nav")
    more = nav.locator(".nav-more")
    _badge_in_view(page)

    behind_more = []
    for href in SECTIONS:
        link = nav.locator(f'a[href="{href}"]')
        if link.is_visible():
            assert _in_view(page, link), f"{href} is outside the window"
            _assert_unclipped(link)
        else:
            behind_more.append(href)
    # A phone shows the tab bar and keeps the rest one tap away; a desk shows every section on one line.
    if width < 960:
        assert behind_more == [h for h in SECTIONS if h not in TAB_BAR]
        more.click()
        for href in behind_more:
            link = nav.locator(f'a[href="{href}"]')
            expect(link).to_be_visible()
            assert _in_view(page, link), f"{href} is outside the window with 更多 open"
            _assert_unclipped(link)
        _badge_in_view(page)  # the bar, with 消息 and its count, stays in view under the open sheet
        page.keyboard.press("Escape")
        expect(nav.locator('a[href="/academy/"]')).to_be_hidden()
    else:
        assert behind_more == []
        expect(more).to_be_hidden()
        tops = {round(nav.locator(f'a[href="{h}"]').bounding_box()["y"]) for h in SECTIONS}
        assert len(tops) == 1, f"the nav wraps onto {len(tops)} lines"
        assert nav.evaluate("n => n.scrollWidth <= n.clientWidth"), "the nav overflows its place in the header"


def test_more_sheet_is_a_disclosure_that_closes(signed_in: Page, live_server, screenshots_dir: Path) -> None:
    """更多 tells assistive technology whether its sheet is open; a tap outside, Esc, 关闭 and 更多 again close
    it; a section in the sheet marks 更多 as where the reader is."""
    page = signed_in
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/")
    nav = page.get_by_role("navigation", name="主导航")
    more = nav.get_by_role("button", name="更多")
    sheet = page.locator("#nav-sheet")
    cdp = page.context.new_cdp_session(page)

    def expanded() -> bool:
        for node in cdp.send("Accessibility.getFullAXTree")["nodes"]:
            if node.get("role", {}).get("value") == "button" and node.get("name", {}).get("value") == "更多":
                return {p["name"]: p["value"].get("value") for p in node.get("properties", [])}["expanded"]
        raise AssertionError("no 更多 button in the accessibility tree")

    assert expanded() is False
    more.click()
    expect(sheet).to_be_visible()
    assert expanded() is True
    page.screenshot(path=screenshots_dir / "home-phone-more.png")

    page.mouse.click(195, 100)  # outside the sheet
    expect(sheet).to_be_hidden()
    more.click()
    page.keyboard.press("Escape")
    expect(sheet).to_be_hidden()
    more.click()
    sheet.get_by_role("button", name="关闭").click()
    expect(sheet).to_be_hidden()
    more.click()
    more.click()
    expect(sheet).to_be_hidden()

    # Keyboard: Enter opens it, the links inside are reachable, one leads to its page.
    more.focus()
    page.keyboard.press("Enter")
    sheet.get_by_role("link", name="学院").click()
    page.wait_for_url(f"{live_server.url}/academy/")
    expect(nav.locator(".nav-more")).to_have_class("nav-link nav-more has-current")
    expect(nav.locator('a[href="/academy/"]')).to_have_attribute("aria-current", "page")


def test_laptop_in_english(signed_in: Page, live_server, screenshots_dir: Path) -> None:
    page = signed_in
    page.set_viewport_size({"width": 1024, "height": 768})
    page.get_by_role("button", name="English").click()
    page.wait_for_url(f"{live_server.url}/")
    nav = page.get_by_role("navigation", name="Main navigation")
    for name in ("Home", "Benefits", "Tasks", "Messages", "Academy", "Business", "Profile", "Square", "Console"):
        expect(nav.get_by_role("link", name=name, exact=False).first).to_be_visible()
    assert_no_sideways_scroll(page)
    page.screenshot(path=screenshots_dir / "home-desktop-en.png")


def test_benefits_center_is_one_entry_with_three_tabs(signed_in: Page, live_server) -> None:
    """权益中心 (FAQ Q5/Q6: 我的权益 is reached from 权益中心): one nav entry, current on all three pages, whose
    tabs lead to 等级任务, 我的权益 and 精选案例."""
    page = signed_in
    page.set_viewport_size({"width": 390, "height": 844})
    nav = page.get_by_role("navigation", name="主导航")
    nav.get_by_role("link", name="权益中心").click()
    page.wait_for_url(f"{live_server.url}/levels/")
    tabs = page.get_by_role("navigation", name="权益中心")
    for name, path in (("我的权益", "/benefits/"), ("精选案例", "/cases/"), ("等级任务", "/levels/")):
        tabs.get_by_role("link", name=name).click()
        page.wait_for_url(f"{live_server.url}{path}")
        expect(tabs.get_by_role("link", name=name)).to_have_attribute("aria-current", "page")
        expect(nav.get_by_role("link", name="权益中心")).to_have_attribute("aria-current", "page")
        assert_no_sideways_scroll(page)
