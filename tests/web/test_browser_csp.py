"""Every page under the Content-Security-Policy in Chromium, for every role: each named route of the URL
conf that answers a GET (the admin's too, for the staff who use it), on the demo data, signed in as an
anonymous visitor, the demo creator, an advertiser, a view-only operator, an operator and a superuser. A
page fails on anything the policy blocked (the ``securitypolicyviolation`` events and Chromium's console)
and on any uncaught script error. Then the HTMX interactions each role relies on, under the same watch.

Screenshots (csp-*.png, phone-sized) land in the ``screenshots_dir`` folder: the pages whose styles moved
from style= attributes to the stylesheet."""

import io
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from playwright.sync_api import Page, expect

from benefits.models import Entitlement, EntitlementStatus, GuaranteeCard
from creators.models import Creator
from demo.story import DEMO_CREATOR_ID
from portal import urls as portal_urls
from tests.browser import FULL_PAGE_STYLE, screenshot
from tests.console.test_permissions import ACTIONS as CONSOLE_ACTIONS
from tests.web.csp_pages import Watcher, page_urls, samples

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
ROLES = ["anonymous", "creator", "client", "viewer", "operator", "superuser"]
PORTAL = {p.name for p in portal_urls.urlpatterns}
# The pages each role is meant to see: each of them must answer 200 (or 405, a POST-only action; a viewer is
# refused the console's actions before their method is looked at, so those are no page of theirs).
MEANT_FOR = {
    "anonymous": lambda name: name == "login",
    "creator": lambda name: name in PORTAL | {"square", "leaderboards"},
    "client": lambda name: name in {"square", "leaderboards"},
    "viewer": lambda name: name.startswith("console:") and name.removeprefix("console:") not in CONSOLE_ACTIONS,
    "operator": lambda name: name.startswith("console:"),
    "superuser": lambda name: name.startswith("console:") or name == "admin:index" or name.endswith("_changelist"),
}


@pytest.fixture
def demo(live_server) -> dict[str, object]:
    """The demo data with its logins (username = password), a superuser ``root``, an available benefit for
    the demo creator to claim, the square's listing of the day, and a sample value for each route parameter."""
    call_command("seed_demo", "--creators", "30", "--demo-logins", stdout=io.StringIO())
    call_command("refresh_square", stdout=io.StringIO())
    root = User.objects.create_superuser("root", password="root")
    values = samples(root)
    creator = Creator.objects.get(external_id=DEMO_CREATOR_ID)
    claimable = Entitlement.objects.filter(creator=creator).exclude(benefit__code="featured_case").first()
    Entitlement.objects.filter(pk=claimable.pk).update(status=EntitlementStatus.AVAILABLE, delivered=0)
    return values


def sign_in(page: Page, live_server, role: str) -> None:
    username = "root" if role == "superuser" else role
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("账号").fill(username)
    page.get_by_label("密码").fill(username)
    page.get_by_role("button", name="登录").click()
    page.wait_for_load_state("load")
    assert "/accounts/login/" not in page.url, f"{username} could not sign in"


@pytest.mark.parametrize("role", ROLES)
def test_every_page_keeps_to_the_policy(page: Page, live_server, demo, role: str) -> None:
    watcher = Watcher(page)
    if role != "anonymous":
        sign_in(page, live_server, role)
    problems = [f"sign-in: {seen}" for seen in watcher.take()]
    answers = []
    for name, path in page_urls(demo, admin_pages=role in ("operator", "superuser")):
        answers.append((name, path, visit(page, f"{live_server.url}{path}")))
        problems += [f"{path}: {seen}" for seen in watcher.take()]

    assert problems == [], "\n".join(problems)
    # The pages meant for the role were real pages, not a refusal: the policy was tried on what they show.
    refused = [(path, status) for name, path, status in answers if MEANT_FOR[role](name) and status not in (200, 405)]
    assert refused == []
    assert sum(status == 200 for *_, status in answers) >= {"anonymous": 1, "client": 2}.get(role, 10)


def test_htmx_interactions_keep_to_the_policy(page: Page, live_server, demo, screenshots_dir: Path) -> None:
    """On a phone: a creator claims a benefit (row swap, out-of-band toast) and follows the section tabs; an
    advertiser filters the square (hx-get on change, pushed URL); an operator opens a card's revoke form (the
    console's script) and revokes it over HTMX; the superuser uses the admin's action form and the periodic task
    form's crontab helper."""
    page.set_viewport_size(PHONE)
    watcher = Watcher(page)

    sign_in(page, live_server, "creator")
    page.goto(f"{live_server.url}/levels/")
    expect(page.locator(".progress > span").first).to_be_visible()
    shot(page, screenshots_dir, "csp-levels")
    page.get_by_role("navigation", name="权益中心").get_by_role("link", name="我的权益").click()
    page.wait_for_url(f"{live_server.url}/benefits/")
    claim = page.locator(".btn-claim").first
    claim.click()
    expect(page.locator("#toasts .toast").last).to_contain_text("已领取")
    shot(page, screenshots_dir, "csp-benefits")
    page.goto(f"{live_server.url}/academy/")
    shot(page, screenshots_dir, "csp-academy")
    assert watcher.take() == []

    sign_in(page, live_server, "client")
    page.goto(f"{live_server.url}/square/")
    page.get_by_label("等级").select_option("3")
    page.wait_for_url("**/square/?*level=3*")
    badges = page.locator("li.cc .cc-head .badge").all_inner_texts()
    assert badges and set(badges) == {"LV3"}
    assert watcher.take() == []

    sign_in(page, live_server, "operator")
    # The active tab's first page (the list is oldest issue first; on the first days of a month the demo's
    # newest cards, issued by that month's assessment, are on a later page).
    page.goto(f"{live_server.url}/console/cards/?state=active")
    active = (
        GuaranteeCard.objects.filter(status="active")
        .order_by("issued_at", "creator__external_id", "serial", "pk")
        .first()
    )
    row = page.locator(f"#card-{active.pk}")
    toggle = row.get_by_role("button", name="撤销", exact=True)
    expect(toggle).to_have_attribute("aria-expanded", "false")
    toggle.click()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(row.get_by_role("textbox")).to_be_focused()
    shot(page, screenshots_dir, "csp-console-cards")
    row.get_by_role("textbox").fill("发错对象，已与达人沟通")
    row.get_by_role("button", name="确认撤销").click()
    expect(page.locator(f"#card-{active.pk} .card-state-revoked")).to_be_visible()
    toggle = page.locator(f"#card-{active.pk}").get_by_role("button", name="撤销", exact=True)
    expect(toggle).to_have_count(0)
    assert watcher.take() == []

    sign_in(page, live_server, "superuser")
    page.goto(f"{live_server.url}/admin/benefits/featuredcase/")
    page.locator("input.action-select").first.check()
    page.locator("select[name=action]").select_option("reject")
    page.get_by_role("button", name="执行").click()
    expect(page.get_by_role("button", name="确认不通过")).to_be_visible()
    shot(page, screenshots_dir, "csp-admin-reject")
    # django-celery-beat's periodic task form: its crontab helper (static/js/periodic_task_form.js) puts the
    # chosen crontab in words under the field.
    page.goto(f"{live_server.url}/admin/django_celery_beat/periodictask/add/")
    page.locator("#id_crontab").select_option(index=1)
    expect(page.locator(".field-crontab .help")).to_contain_text("Translation:")
    assert watcher.take() == []


def visit(page: Page, url: str) -> int:
    """Load ``url`` and answer its status. An error with an empty body (a POST-only action's 405) has no page
    to check: Chromium would open its own error page instead, which has no listener and, arriving late,
    interrupted the next navigation under load. So each address is first asked with a plain request (the
    same cookies), and only one with something to show is loaded."""
    answer = page.request.get(url, max_redirects=0)
    if answer.status >= 400 and not answer.body():
        return answer.status
    response = page.goto(url)
    page.wait_for_load_state("load")
    return response.status


def shot(page: Page, folder: Path, name: str) -> None:
    page.evaluate("window.scrollTo(0, 0)")
    screenshot(page, folder / f"{name}-phone.png", full_page=True, style=FULL_PAGE_STYLE)
