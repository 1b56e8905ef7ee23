"""星图小助手消息: newest first, 20 a page, unread highlighted; marking read (all or some) over HTMX swaps
the list and the header badge, and without JavaScript redirects back."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from creators.models import AssistantMessage
from tests.builders import AT
from tests.portal.support import NOW, assess, fragment, now, text  # noqa: F401

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("now")]
HTMX = {"HX-Request": "true"}


def send(creator, n: int, *, read: bool = False, kind: str = "info") -> list[AssistantMessage]:
    return AssistantMessage.objects.bulk_create(
        AssistantMessage(creator=creator, kind=kind, title=f"消息{i:02d}", body="正文", link="/benefits/",
                         created_at=AT + timedelta(minutes=i), read_at=AT if read else None)
        for i in range(n)
    )  # fmt: skip


def test_anonymous_is_sent_to_login(client: Client) -> None:
    assert client.get("/messages/")["Location"] == "/accounts/login/?next=/messages/"
    assert client.post("/messages/read/")["Location"].startswith("/accounts/login/")


def test_operator_gets_403(operator_client: Client) -> None:
    assert operator_client.get("/messages/").status_code == 403
    assert operator_client.post("/messages/read/").status_code == 403


def test_mark_read_refuses_get(creator_client: Client) -> None:
    assert creator_client.get("/messages/read/").status_code == 405


def test_newest_first_with_kind_link_and_unread_highlight(creator_client: Client, creator) -> None:
    send(creator, 2)
    AssistantMessage.objects.create(
        creator=creator, kind="card", title="已读的保底卡", created_at=AT - timedelta(minutes=1), read_at=AT
    )
    body = creator_client.get("/messages/").content.decode()
    page = text(creator_client.get("/messages/"))
    assert "2 条未读消息" in page
    assert page.index("消息01") < page.index("消息00") < page.index("已读的保底卡")
    assert body.count('class="message-row is-unread"') == 2
    assert "保底卡" in page and "通知" in page  # kind labels
    assert 'href="/benefits/"' in body


def test_pages_of_twenty(creator_client: Client, creator) -> None:
    send(creator, 45)
    first = text(creator_client.get("/messages/"))
    assert "消息44" in first and "消息25" in first and "消息24" not in first
    assert "1 / 3" in first
    third = text(creator_client.get("/messages/?page=3"))
    assert "消息04" in third and "消息00" in third and "消息05" not in third


def test_another_creators_messages_are_not_listed(creator_client: Client, other_creator) -> None:
    send(other_creator, 1)
    assert "消息00" not in text(creator_client.get("/messages/"))


def test_mark_all_read_full_page_redirects_with_a_message(creator_client: Client, creator) -> None:
    send(creator, 3)
    response = creator_client.post("/messages/read/")
    assert response.status_code == 302 and response["Location"] == "/messages/"
    assert "已将 3 条消息标为已读" in text(creator_client.get("/messages/"))
    assert not AssistantMessage.objects.filter(creator=creator, read_at__isnull=True).exists()
    assert set(AssistantMessage.objects.filter(creator=creator).values_list("read_at", flat=True)) == {NOW}


def test_mark_some_read_over_htmx_swaps_the_list_and_the_badge(creator_client: Client, creator) -> None:
    messages = send(creator, 3)
    response = creator_client.post("/messages/read/", {"ids": [messages[0].pk]}, headers=HTMX)
    body = fragment(response)
    assert body.lstrip().startswith('<div id="message-list"')
    assert re.search(r'<span id="unread-badge"[^>]*hx-swap-oob="true">2</span>', body)
    assert "已将 1 条消息标为已读" in body
    assert body.count('class="message-row is-unread"') == 2


def test_mark_read_ignores_another_creators_ids(creator_client: Client, creator, other_creator) -> None:
    theirs = send(other_creator, 1)[0]
    creator_client.post("/messages/read/", {"ids": [theirs.pk]})
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_the_last_unread_empties_the_badge(creator_client: Client, creator) -> None:
    send(creator, 1)
    body = fragment(creator_client.post("/messages/read/", headers=HTMX))
    assert re.search(r'<span id="unread-badge"[^>]*hx-swap-oob="true"></span>', body)
    assert "没有未读消息" in body


def test_mark_read_needs_the_csrf_token(creator) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(creator.user)
    send(creator, 1)
    assert client.post("/messages/read/").status_code == 403
    assert AssistantMessage.objects.filter(creator=creator, read_at__isnull=True).count() == 1


def test_query_count_does_not_grow_with_messages(creator_client: Client, creator) -> None:
    send(creator, 2)
    with CaptureQueriesContext(connection) as few:
        response = creator_client.get("/messages/")
    assert (response.status_code, "消息01" in response.content.decode()) == (200, True)
    send(creator, 40, kind="card")
    with CaptureQueriesContext(connection) as many:
        response = creator_client.get("/messages/")
    assert (response.status_code, "消息39" in response.content.decode()) == (200, True)
    assert len(many) == len(few)


def test_an_english_reader_reads_the_programs_messages_in_english(creator_client: Client, creator) -> None:
    assess()  # LV3: a level-up, the level's benefits and its guarantee cards, sent in one job
    chinese = text(creator_client.get("/messages/"))
    english = text(creator_client.get("/messages/", headers={"Accept-Language": "en"}))
    assert "恭喜升级为 LV3 达人" in chinese and "你收到 3 张投稿任务收益保底卡" in chinese
    assert "Congratulations, you are now an LV3 creator" in english
    assert "2026-12 level benefits granted" in english
    assert "You received 3 submission task guarantee cards" in english
    assert "恭喜" not in english and "保底卡" not in english
    body = creator_client.get("/messages/").content.decode()
    assert 'href="/levels/"' in body and 'href="/benefits/#wallet"' in body  # links resolved by URL name
