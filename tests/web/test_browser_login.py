"""Sign-in in a real browser (Debian's Chromium) at desktop and phone sizes.

The screenshots land in the ``screenshots_dir`` folder; ``make screenshots`` refreshes docs/screenshots/
with them so a reviewer sees what a creator sees.
"""

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from creators.models import Creator
from tests.browser import assert_no_sideways_scroll

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def creator_login(django_user_model) -> tuple[str, str]:
    user = django_user_model.objects.create_user(username="creator", password="creator-pass-1")
    Creator.objects.create(external_id="c-1001", nickname="小鹿爱旅行", user=user)
    return "creator", "creator-pass-1"


def sign_in(page: Page, base_url: str, username: str, password: str) -> None:
    page.get_by_label("账号").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{base_url}/")


def test_sign_in_on_desktop(page: Page, live_server, creator_login, screenshots_dir: Path) -> None:
    page.set_viewport_size(DESKTOP)
    page.goto(f"{live_server.url}/accounts/login/")
    expect(page.get_by_role("heading", name="登录达人等级")).to_be_visible()
    page.screenshot(path=screenshots_dir / "login-desktop.png")

    sign_in(page, live_server.url, *creator_login)

    expect(page.get_by_role("heading", name="你还没有等级")).to_be_visible()
    expect(page.get_by_text("小鹿爱旅行")).to_be_visible()
    expect(page.get_by_role("navigation").get_by_role("link", name="权益中心")).to_be_visible()


def test_sign_in_on_phone(page: Page, live_server, creator_login, screenshots_dir: Path) -> None:
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/accounts/login/")
    assert_no_sideways_scroll(page)
    page.screenshot(path=screenshots_dir / "login-phone.png")

    sign_in(page, live_server.url, *creator_login)

    # The home page's own screenshots (a creator with a level) come from tests/portal/test_browser_journey.py.
    expect(page.get_by_role("heading", name="你还没有等级")).to_be_visible()
    assert_no_sideways_scroll(page)


def test_wrong_password_shows_error_in_browser(page: Page, live_server, creator_login) -> None:
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("账号").fill("creator")
    page.get_by_label("密码").fill("not-the-password")
    page.get_by_role("button", name="登录").click()

    expect(page.get_by_role("alert")).to_contain_text("请输入一个正确的")


def test_sign_out_returns_to_login(page: Page, live_server, creator_login) -> None:
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/accounts/login/")
    sign_in(page, live_server.url, *creator_login)

    page.get_by_role("button", name="退出").click()

    page.wait_for_url(f"{live_server.url}/accounts/login/")
    expect(page.get_by_role("heading", name="登录达人等级")).to_be_visible()


def test_a_locked_sign_in_says_so_even_with_the_right_password(
    page: Page, live_server, creator_login, screenshots_dir: Path, settings
) -> None:
    page.set_viewport_size(PHONE)
    username, password = creator_login
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        page.goto(f"{live_server.url}/accounts/login/")
        page.get_by_label("账号").fill(username)
        page.get_by_label("密码").fill("not-the-password")
        page.get_by_role("button", name="登录").click()
        expect(page.get_by_role("alert")).to_contain_text("请输入一个正确的")
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("账号").fill(username)
    page.get_by_label("密码").fill("not-the-password")
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("heading", name="登录已暂时锁定")).to_be_visible()

    page.get_by_role("link", name="返回登录").click()
    page.get_by_label("账号").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()

    expect(page.get_by_role("heading", name="登录已暂时锁定")).to_be_visible()
    expect(page.get_by_role("alert")).to_contain_text("即使密码正确也无法登录")
    assert page.url == f"{live_server.url}/accounts/login/"
    assert_no_sideways_scroll(page)
    page.screenshot(path=screenshots_dir / "login-locked-phone.png")
