"""The square and the leaderboards in a real browser (Debian's Chromium) at a phone (390×844) and a desk
(1280×900), on the demo data with three days of index rows: an advertiser signs in and lands on the
square, filters it (HTMX, the address follows), opens both boards; a creator finds their own card from
the 更多 sheet. No page scrolls sideways.

Screenshots: ``square-phone``, ``square-desktop``, ``leaderboards-phone``, ``leaderboards-desktop``."""

import io
import random
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import Page, expect

from creators.models import Creator
from insights.models import DailyIndex
from lib.periods import local_date
from tests.browser import FULL_PAGE_STYLE, assert_no_sideways_scroll, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

VIEWPORTS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}
PHONE_SHOT_HEIGHT = 2400  # the phone pictures show the top of the page (a full page of cards is very long)


@pytest.fixture(autouse=True)
def frozen_now():
    """The square's own clock runs here (the demo data is dated around now): this overrides the package's
    fixed instant."""
    return timezone.now()


@pytest.fixture
def demo(live_server) -> None:
    """The demo data (its logins included), its index rows of the last three days replaced by ones with
    well-spread figures, as the daily index job could write them, and the square's listing of the day."""
    call_command("seed_demo", "--creators", "60", "--demo-logins", stdout=io.StringIO())
    today = local_date(timezone.now())
    DailyIndex.objects.filter(date__gte=today - timedelta(days=2)).delete()
    rows = []
    for creator in Creator.objects.order_by("pk"):
        rng = random.Random(creator.external_id)
        composite, plays = rng.uniform(20, 95), rng.randrange(50_000, 5_000_000)
        for back in (2, 1, 0):
            plays += rng.randrange(0, 60_000)
            rows.append(DailyIndex(creator=creator, date=today - timedelta(days=back), plays_total=plays,
                                   composite=round(composite + rng.uniform(-2, 2), 1)))  # fmt: skip
    DailyIndex.objects.bulk_create(rows)
    call_command("refresh_square", stdout=io.StringIO())  # the square's listing of the day, as beat writes it


def sign_in(page: Page, live_server, username: str) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("账号").fill(username)
    page.get_by_label("密码").fill(username)
    page.get_by_role("button", name="登录").click()


def shot(page: Page, folder: Path, name: str, size: str) -> None:
    assert_no_sideways_scroll(page)
    page.evaluate("window.scrollTo(0, 0)")
    clip = {"x": 0, "y": 0, "width": 390, "height": PHONE_SHOT_HEIGHT} if size == "phone" else None
    screenshot(page, folder / f"{name}-{size}.png", full_page=True, clip=clip, style=FULL_PAGE_STYLE)


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_an_advertiser_browses_the_square_and_the_boards(page: Page, live_server, demo, size, screenshots_dir):
    page.set_viewport_size(VIEWPORTS[size])
    sign_in(page, live_server, "client")
    page.wait_for_url(f"{live_server.url}/square/")

    expect(page.get_by_role("heading", name="达人广场", exact=True)).to_be_visible()
    nav = page.get_by_role("navigation", name="主导航")
    expect(nav.get_by_role("link")).to_have_count(2)
    ads = page.locator("li.cc.is-ad")
    expect(ads).to_have_count(3)
    expect(ads.first.locator(".cc-slot")).to_have_text("广告位")
    expect(page.locator(".tag-identity").first).to_be_visible()
    expect(page.locator(".tag-slot").first).to_be_visible()
    shot(page, screenshots_dir, "square", size)

    # Filtering swaps the results in place and the address keeps the filter (a reload shows the same).
    page.get_by_label("等级").select_option("3")
    page.wait_for_url("**/square/?*level=3*")
    expect(page.locator("li.cc").first).to_be_visible()
    badges = page.locator("li.cc .cc-head .badge").all_inner_texts()
    assert badges and set(badges) == {"LV3"}
    assert_no_sideways_scroll(page)

    nav.get_by_role("link", name="榜单").click()
    page.wait_for_url(f"{live_server.url}/leaderboards/")
    rows = page.locator("li.board-row")
    expect(rows.first).to_be_visible()
    assert rows.count() == 50
    # LV3 and LV4 hold the leaderboard priority: they lead, each row says so.
    expect(rows.first.get_by_text("榜单优先权益")).to_be_visible()
    expect(rows.first.locator(".board-figure")).to_contain_text("综合指数")
    shot(page, screenshots_dir, "leaderboards", size)

    page.get_by_role("link", name="每日热榜").click()
    page.wait_for_url("**/leaderboards/?board=daily")
    expect(page.locator("li.board-row .board-figure").first).to_contain_text("昨日播放")
    assert_no_sideways_scroll(page)


def test_a_creator_finds_their_card_from_the_more_sheet(page: Page, live_server, demo):
    page.set_viewport_size(VIEWPORTS["phone"])
    sign_in(page, live_server, "creator")
    page.wait_for_url(f"{live_server.url}/")
    nav = page.get_by_role("navigation", name="主导航")
    nav.get_by_role("button", name="更多").click()
    page.locator("#nav-sheet").get_by_role("link", name="达人广场").click()
    page.wait_for_url(f"{live_server.url}/square/")
    expect(page.get_by_text("你的排名：第")).to_be_visible()
    page.get_by_role("link", name="查看我的卡片").click()
    page.wait_for_url("**/square/?page=me#me")
    mine = page.locator("#me")
    expect(mine).to_be_in_viewport()
    expect(mine.get_by_text("这是你")).to_be_visible()
    assert_no_sideways_scroll(page)


def test_english_fits_a_phone(page: Page, live_server, demo):
    page.set_viewport_size(VIEWPORTS["phone"])
    sign_in(page, live_server, "client")
    page.wait_for_url(f"{live_server.url}/square/")
    page.get_by_role("button", name="English").click()
    page.wait_for_url(f"{live_server.url}/square/")
    expect(page.get_by_role("heading", name="Creator Square", exact=True)).to_be_visible()
    expect(page.locator("li.cc.is-ad .cc-slot").first).to_have_text("Ad slot")
    assert_no_sideways_scroll(page)
    page.get_by_role("navigation", name="Main navigation").get_by_role("link", name="Leaderboards").click()
    page.wait_for_url(f"{live_server.url}/leaderboards/")
    expect(page.locator("li.board-row").first).to_contain_text("Composite index")
    assert_no_sideways_scroll(page)
