"""经营助手 in a real browser (Debian's Chromium) at phone and desktop sizes, on the demo data plus 30 days of
hand-made Xingtu index and impressions for the demo creator (no ``compute_index`` run): the charts draw, the
page fits a 390 px phone, and the screenshots ``assistant-phone``/``assistant-desktop`` show it."""

import io
import math
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import Page, expect

from creators.models import Creator
from insights.models import DailyIndex, Impression, Surface
from levels.selectors import level_of
from lib.periods import local_date
from tests.browser import FULL_PAGE_STYLE, assert_no_sideways_scroll, screenshot
from tests.index_builders import holding, impression, index_days, index_row

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
SUBS = dict(reach=80.0, cooperation=65.5, growth=32.0, value=77.1, conversion=44.6)


def index_history(creator: Creator) -> None:
    """30 days of index for the demo creator, one missed run, and peers at their level to compare with."""
    today = local_date(timezone.now())
    composites = [round(62 + 6 * math.sin(n / 4) + n * 0.2, 1) for n in range(30)]
    composites[-1] = 71.4
    composites[17] = None  # a day the job did not run
    raw = dict(fans_gain_15d=1_200, plays_30d=1_228_000, interaction_rate=0.041, completion_rate=0.33,
               credit_score=90, order_rating=4.6, cpm=28.5, fan_quality=0.72, clicks_per_play=0.012,
               conversions_per_play=0.0021)  # fmt: skip
    index_days(creator, today, composites, **SUBS, **raw)
    level = level_of(creator=creator)
    for gain, clicks, conversions in ((3_400, 0.02, 0.003), (2_900, 0.025, 0.0035), (5_100, 0.018, 0.004)):
        peer = holding(level)
        index_row(peer, today, fans_gain_15d=gain, clicks_per_play=clicks, conversions_per_play=conversions)
    for n in range(30):
        day = today - timedelta(days=n)
        impression(creator, day, Surface.SQUARE, 260 + 11 * (n % 7))
        impression(creator, day, Surface.SQUARE_SLOT, 120 + 5 * (n % 5))
        if n % 3 == 0:
            impression(creator, day, Surface.BUSINESS_BOARD, 45)
        if n % 4 == 0:
            impression(creator, day, Surface.DAILY_BOARD, 30)


@pytest.fixture
def signed_in(page: Page, live_server) -> Page:
    """The demo data set (the LV3 creator c-1001 is the ``creator`` login) with the index history and
    exposure above in place of the demo's own, signed in."""
    call_command("seed_demo", "--creators", "3", "--demo-logins", stdout=io.StringIO())
    DailyIndex.objects.all().delete()
    Impression.objects.all().delete()
    index_history(Creator.objects.get(user__username="creator"))
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("账号").fill("creator")
    page.get_by_label("密码").fill("creator")
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{live_server.url}/")
    return page


@pytest.fixture
def shot(screenshots_dir: Path) -> Callable[[Page, str], None]:
    def take(page: Page, name: str) -> None:
        page.evaluate("window.scrollTo(0, 0)")
        screenshot(page, screenshots_dir / name, full_page=True, style=FULL_PAGE_STYLE)

    return take


def check_page(page: Page) -> None:
    expect(page.get_by_role("heading", name="星图指数 71.4")).to_be_visible()
    expect(page.locator("svg.line-chart circle")).to_have_count(29)
    expect(page.locator("svg.radar-chart .radar-dot")).to_have_count(5)
    expect(page.get_by_role("heading", name="评分说明")).to_be_visible()
    expect(page.locator(".tip")).to_have_count(2)
    expect(page.locator(".tip").first).to_contain_text("近15天涨粉 1,200，低于同级达人中位数")
    expect(page.locator(".surface-row")).to_have_count(4)
    assert_no_sideways_scroll(page)


def test_assistant_on_a_phone(signed_in: Page, live_server, shot) -> None:
    page = signed_in
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/assistant/")
    check_page(page)
    # The radar and its labels fit the card: nothing is cut at the phone's width.
    radar = page.locator("svg.radar-chart").bounding_box()
    for label in page.locator("svg.radar-chart .radar-label").all():
        box = label.bounding_box()
        assert radar["x"] - 1 <= box["x"] and box["x"] + box["width"] <= radar["x"] + radar["width"] + 1
    page.get_by_role("link", name="评分说明").click()
    expect(page.locator("#score-rules")).to_be_in_viewport()
    shot(page, "assistant-phone.png")


def test_assistant_on_desktop(signed_in: Page, live_server, shot) -> None:
    page = signed_in
    page.set_viewport_size(DESKTOP)
    page.goto(f"{live_server.url}/assistant/")
    check_page(page)
    shot(page, "assistant-desktop.png")


def test_assistant_in_english_fits_the_radar_labels(signed_in: Page, live_server) -> None:
    page = signed_in
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/assistant/")
    page.get_by_role("button", name="English").click()
    expect(page.get_by_role("heading", name="Xingtu index 71.4")).to_be_visible()
    radar = page.locator("svg.radar-chart").bounding_box()
    for label in page.locator("svg.radar-chart .radar-label").all():
        box = label.bounding_box()
        assert radar["x"] - 1 <= box["x"] and box["x"] + box["width"] <= radar["x"] + radar["width"] + 1
    assert_no_sideways_scroll(page)
