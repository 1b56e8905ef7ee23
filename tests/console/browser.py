"""Steps the console's browser tests share."""

from playwright.sync_api import Page


def sign_in(page: Page, live_server, username: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("账号").fill(username)
    page.get_by_label("密码").fill(username)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{live_server.url}/console/")


def console_nav(page: Page, name: str) -> None:
    page.get_by_role("navigation", name="运营后台导航").get_by_role("link", name=name).click()


def last_toast(page: Page):
    return page.locator("#toasts .toast").last
