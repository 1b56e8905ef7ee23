"""登录锁定 in a real browser (Debian's Chromium), at desktop and phone sizes: a creator's account locked by
failed sign-ins shows on its console page and in the list; an operator lifts the lock, and the creator
signs in with the right password at once."""

import pytest
from django.contrib.auth.models import Group, User
from django.test import Client
from playwright.sync_api import Page, expect

from tests.builders import creator_at_level
from tests.console.browser import console_nav, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

VIEWPORTS = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 390, "height": 844}}


@pytest.fixture
def locked_creator(settings) -> None:
    operator = User.objects.create_user("operator", password="operator", is_staff=True)
    operator.groups.add(Group.objects.get(name=settings.OPERATORS_GROUP))
    creator = creator_at_level(2, external_id="c-locked")
    creator.user = User.objects.create_user("xiaolu", password="xiaolu-pass-1")
    creator.save(update_fields=["user"])
    guesser = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        guesser.post("/accounts/login/", {"username": "xiaolu", "password": "guess"}, REMOTE_ADDR="127.0.0.1")


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_an_operator_lifts_a_lock(page: Page, live_server, locked_creator, size: str, shot) -> None:
    page.set_viewport_size(VIEWPORTS[size])
    sign_in(page, live_server, "operator")

    page.goto(f"{live_server.url}/console/creators/c-locked/")
    page.get_by_role("link", name="登录已锁定 · 1 个 IP").click()
    expect(page.get_by_role("heading", name="登录锁定")).to_be_visible()
    row = page.locator(".lockout-table tbody tr")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("xiaolu")
    shot(page, "lockouts", size)

    row.get_by_role("button", name="解除锁定").click()

    expect(page.get_by_text("已解除 xiaolu 在 127.0.0.1 的登录锁定")).to_be_visible()
    expect(page.get_by_text("现在没有被锁定的登录")).to_be_visible()
    console_nav(page, "审计日志")
    expect(page.locator("main")).to_contain_text("signin.unlock")

    page.context.clear_cookies()
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("账号").fill("xiaolu")
    page.get_by_label("密码").fill("xiaolu-pass-1")
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{live_server.url}/")
