"""资料与设置 in a real browser at phone size: a save that would break an LV1 requirement of the level
held stops at the confirm step (HTMX swap, nothing saved), and 仍然保存 saves."""

from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from creators.models import Creator
from levels.models import CreatorLevel
from tests.browser import assert_no_sideways_scroll
from tests.portal.support import with_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def lv1_creator() -> Creator:
    creator = Creator.objects.create(external_id="c-profile", nickname="小满做饭", fans=50_000, intro="家常菜教程",
                                     region="上海", industries=["美食"], submission_enabled=True)  # fmt: skip
    CreatorLevel.objects.create(creator=creator, level=1, since=timezone.now())
    return with_login(creator, "xiaoman")


def test_clearing_the_intro_asks_before_saving_on_a_phone(
    page: Page, live_server, lv1_creator: Creator, screenshots_dir: Path
) -> None:
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("账号").fill("xiaoman")
    page.get_by_label("密码").fill("pw")
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{live_server.url}/")
    page.goto(f"{live_server.url}/profile/")

    page.get_by_label("达人介绍").fill("")
    page.get_by_role("button", name="保存", exact=True).click()
    confirm = page.locator("#profile-confirm")
    expect(confirm).to_contain_text("保存后，LV1 的这项基础任务将不再达成")
    expect(confirm).to_contain_text("完善达人介绍、所在地域、擅长行业")
    expect(page.get_by_role("button", name="仍然保存")).to_be_focused()
    assert_no_sideways_scroll(page)
    page.screenshot(path=screenshots_dir / "profile-confirm-phone.png", full_page=True)
    lv1_creator.refresh_from_db()
    assert lv1_creator.intro == "家常菜教程"  # nothing saved yet

    page.get_by_role("button", name="仍然保存").click()
    expect(page.locator("#toasts")).to_contain_text("资料已保存")
    expect(page.locator("#profile-confirm")).to_have_count(0)
    lv1_creator.refresh_from_db()
    assert lv1_creator.intro == ""
