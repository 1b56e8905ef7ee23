"""The portal's navigation as the server writes it: one 权益中心 entry for its three tabs (等级任务 · 我的权益 ·
精选案例, FAQ Q5/Q6), the unread badge once per page where the inbox's out-of-band swap finds it, 运营后台
only for operators, and HTMX answers that carry neither nav nor tabs. How it looks at each width is
test_browser_nav.py."""

import re

import pytest
from django.conf import settings
from django.contrib.auth.models import Group, Permission, User
from django.test import Client

from creators.models import AssistantMessage, Creator
from tests.builders import AT
from tests.portal.support import assess, fragment, now  # noqa: F401

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("now")]
HTMX = {"HX-Request": "true"}


def nav(body: str) -> str:
    match = re.search(r'<nav class="app-nav portal-nav".*?</nav>', body, re.S)
    assert match, "no portal nav"
    return match.group(0)


def current_links(html: str) -> list[str]:
    return re.findall(r'<a href="([^"]+)" aria-current="page"', html)


@pytest.mark.parametrize("path", ["/levels/", "/benefits/", "/cases/"])
def test_benefits_center_is_one_nav_entry_current_on_its_three_tabs(creator_client: Client, path: str) -> None:
    assess()
    body = creator_client.get(path).content.decode()

    links = nav(body)
    assert current_links(links) == ["/levels/"]
    assert 'href="/benefits/"' not in links and 'href="/cases/"' not in links  # reached through the tabs
    tabs = re.search(r'<nav class="section-tabs" aria-label="权益中心">.*?</nav>', body, re.S).group(0)
    assert re.findall(r'href="([^"]+)"', tabs) == ["/levels/", "/benefits/", "/cases/"]
    assert current_links(tabs) == [path]
    assert re.findall(r">([^<>]+)</a>", tabs) == ["等级任务", "我的权益", "精选案例"]


def test_other_sections_mark_their_own_entry(creator_client: Client) -> None:
    assert current_links(nav(creator_client.get("/tasks/").content.decode())) == ["/tasks/"]
    academy = nav(creator_client.get("/academy/").content.decode())
    assert current_links(academy) == ["/academy/"]
    # 学院 lives in the 更多 sheet on a phone: 更多 shows the reader is somewhere inside it.
    assert 'class="nav-link nav-more has-current"' in academy
    assert 'class="nav-link nav-more has-current"' not in nav(creator_client.get("/").content.decode())


def test_the_more_sheet_is_a_popover_its_button_opens(creator_client: Client) -> None:
    links = nav(creator_client.get("/").content.decode())
    assert re.search(r'<button type="button" class="nav-link nav-more" popovertarget="nav-sheet">', links)
    sheet = re.search(r'<div id="nav-sheet" class="nav-sheet" popover>.*</div>', links, re.S).group(0)
    assert re.findall(r'<a href="([^"]+)"', sheet) == ["/academy/", "/assistant/", "/profile/", "/square/"]


def test_console_entry_only_for_operators(creator_client: Client, creator) -> None:
    assert 'href="/console/"' not in nav(creator_client.get("/").content.decode())

    creator.user.groups.add(Group.objects.get(name=settings.OPERATORS_GROUP))

    sheet = nav(creator_client.get("/").content.decode()).split('id="nav-sheet"')[1]
    assert 'href="/console/"' in sheet


@pytest.mark.parametrize("given", ["viewers group", "direct permission", "superuser", "other permission"])
def test_console_entry_for_a_creator_however_the_view_permission_came(creator_client: Client, creator, given) -> None:
    """The page reads the link's answer with the creator (``page_creator``); it is Django's answer."""
    user = creator.user
    if given == "viewers group":
        user.groups.add(Group.objects.get(name=settings.VIEWERS_GROUP))
    elif given == "direct permission":
        user.user_permissions.add(Permission.objects.get(content_type__app_label="creators", codename="view_creator"))
    elif given == "superuser":
        User.objects.filter(pk=user.pk).update(is_superuser=True)
    else:
        user.user_permissions.add(Permission.objects.get(content_type__app_label="creators", codename="view_content"))

    shown = 'href="/console/"' in nav(creator_client.get("/levels/").content.decode())

    assert shown == User.objects.get(pk=user.pk).has_perm("creators.view_creator") == (given != "other permission")


def test_unread_badge_once_per_page_in_the_messages_entry(creator_client: Client, creator) -> None:
    AssistantMessage.objects.bulk_create(
        AssistantMessage(creator=creator, kind="info", title=f"消息{i}", created_at=AT) for i in range(3)
    )
    for path in ("/", "/levels/", "/benefits/", "/cases/", "/academy/", "/profile/"):
        body = creator_client.get(path).content.decode()
        # The inbox's HTMX answer replaces the element with this id, so there must be exactly one.
        assert body.count('id="unread-badge"') == 1, path
        assert re.search(r'<a href="/messages/"[^>]*>.*?<span id="unread-badge"[^>]*>3</span>', nav(body), re.S), path


def test_the_badge_read_with_the_creator_counts_only_their_unread_messages(creator_client: Client, creator) -> None:
    other = Creator.objects.create(external_id="c-other", nickname="别人")
    AssistantMessage.objects.bulk_create(
        [
            *(AssistantMessage(creator=creator, kind="info", title=f"消息{i}", created_at=AT) for i in range(2)),
            AssistantMessage(creator=creator, kind="info", title="已读", created_at=AT, read_at=AT),
            AssistantMessage(creator=other, kind="info", title="别人的", created_at=AT),
        ]
    )

    def badge() -> str:
        body = nav(creator_client.get("/levels/").content.decode())
        return re.search(r'<span id="unread-badge"[^>]*>(\d*)</span>', body).group(1)

    assert badge() == "2"
    creator_client.post("/messages/read/", {"ids": [AssistantMessage.objects.filter(title="消息0").get().pk]})
    assert badge() == "1"  # the next page counts afresh
    creator_client.post("/messages/read/")
    assert badge() == ""


def test_htmx_answers_carry_neither_nav_nor_tabs(creator_client: Client, creator) -> None:
    assess()
    refreshed = fragment(creator_client.post("/levels/refresh/", headers=HTMX))
    summary = fragment(creator_client.get("/benefits/", headers={**HTMX, "HX-Target": "benefit-summary"}))
    for body in (refreshed, summary):
        assert "portal-nav" not in body and "section-tabs" not in body
    assert 'id="progress"' in refreshed
    assert 'id="benefit-summary"' in summary


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_navigation_kept_per_process_is_what_the_template_draws(language: str) -> None:
    """``{% portal_nav %}`` keeps the drawn links and puts the count in: the same HTML as drawing
    ``portal/_nav.html`` afresh, for each section, console link and count, in each language."""
    from django.template import Context, Template
    from django.template.loader import render_to_string
    from django.utils import translation

    tag = Template("{% load portal_nav %}{% portal_nav %}")
    with translation.override(language):
        for section in ("", "levels", "cases", "messages", "academy", "square", "console", "nope"):
            for is_operator in (False, True):
                for unread in (0, 3, 12):
                    values = {"nav_section": section, "is_operator": is_operator, "unread_count": unread}
                    drawn = tag.render(Context({**values, "unread_count": lambda unread=unread: unread}))
                    assert drawn == render_to_string("portal/_nav.html", values), (section, is_operator, unread)
