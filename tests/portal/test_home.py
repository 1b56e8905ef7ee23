"""首页: the level card answers first (level, value, what the next level needs), warns when the level
is at risk, lists the latest unread messages, and links to every creator page."""

from datetime import timedelta

import pytest
from django.test import Client

from creators.models import AssistantMessage
from portal.presenters.home import GAPS_SHOWN, top_gaps
from portal.presenters.levels import hold_rows, standing_of, upgrade_rows
from tests.builders import AT
from tests.portal.support import NOW, assess, creator_with_login, hold, now, text  # noqa: F401

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("now")]


def test_anonymous_is_sent_to_login(client: Client) -> None:
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/"


def test_operator_gets_the_not_a_creator_page(operator_client: Client) -> None:
    response = operator_client.get("/")
    assert response.status_code == 403
    assert "这个页面只对达人开放" in response.content.decode()
    assert 'href="/console/"' in response.content.decode()  # the way out


def test_post_is_refused(creator_client: Client) -> None:
    assert creator_client.post("/").status_code == 405


def test_lv3_card_answers_first_with_value(creator_client: Client, creator) -> None:
    assess()
    body = text(creator_client.get("/"))
    assert "你是 LV3 达人 · 距 LV4 还差" in body
    assert "权益价值 ¥7万" in body
    assert "升到 LV4 可享 ¥13万 权益" in body
    assert "本月底前完成" not in body


def test_the_gap_count_matches_the_next_levels_failures(creator_client: Client, creator) -> None:
    assess()
    # builders' LV3 data fails LV4 on courses, posts, avg plays, orders, fans, likes and credit.
    assert "距 LV4 还差 7 项" in text(creator_client.get("/"))


def test_lv0_is_told_how_far_lv1_is(client: Client) -> None:
    creator = creator_with_login(0)
    assess()
    client.force_login(creator.user)
    body = text(client.get("/"))
    assert "你还没有等级 · 距 LV1 还差" in body
    assert "升到 LV1 可享 ¥5,000 权益" in body


def test_lv1_card(client: Client) -> None:
    creator = creator_with_login(1)
    assess()
    client.force_login(creator.user)
    body = text(client.get("/"))
    assert "你是 LV1 达人 · 距 LV2 还差" in body
    assert "¥5,000" in body


def test_lv4_is_told_it_is_the_top(client: Client) -> None:
    creator = creator_with_login(4)
    assess()
    client.force_login(creator.user)
    body = text(client.get("/"))
    assert "你是 LV4 达人 · 已是最高等级" in body
    assert "¥13万" in body


def test_at_risk_ribbon_counts_items_and_days(client: Client) -> None:
    creator = creator_with_login(2)  # LV2 data…
    hold(creator, 3)  # …while holding LV3
    client.force_login(creator.user)
    body = text(client.get("/"))
    # LV2 data fails LV3 on courses, orders, posts, avg plays, fans, likes, credit; 2026-12-02: 30 days left.
    assert "本月底前完成 7 项即可保住 LV3，剩 30 天" in body
    assert "保住 LV3 还要完成" in body


def test_a_creator_who_already_qualifies_is_told_when_the_upgrade_lands(client: Client) -> None:
    creator = creator_with_login(3)
    hold(creator, 2)  # the daily check has not run yet
    client.force_login(creator.user)
    body = text(client.get("/"))
    assert "已满足 LV3 全部任务" in body
    assert "04:00" in body


def test_shows_the_latest_three_unread_messages(creator_client: Client, creator) -> None:
    for i in range(5):
        AssistantMessage.objects.create(
            creator=creator, kind="info", title=f"通知{i}", created_at=NOW - timedelta(hours=5 - i)
        )
    AssistantMessage.objects.create(creator=creator, kind="info", title="已读通知", created_at=NOW, read_at=NOW)
    body = text(creator_client.get("/"))
    assert "通知4" in body and "通知3" in body and "通知2" in body
    assert "通知1" not in body and "已读通知" not in body
    assert "5 条未读" in body


def test_links_every_creator_page(creator_client: Client) -> None:
    body = creator_client.get("/").content.decode()
    for href in ("/levels/", "/benefits/", "/academy/", "/tasks/", "/profile/", "/assistant/", "/messages/"):
        assert f'href="{href}"' in body


def test_another_creators_messages_are_not_shown(creator_client: Client, other_creator) -> None:
    AssistantMessage.objects.create(creator=other_creator, kind="info", title="别人的消息", created_at=AT)
    assert "别人的消息" not in text(creator_client.get("/"))


@pytest.mark.parametrize(("level", "held"), [(0, 0), (1, 1), (2, 2), (2, 3), (3, 4), (1, 3)])
def test_the_cards_gaps_are_the_first_unmet_rows_of_the_full_checklist(level, held) -> None:
    """Only the rows shown are drawn: the same as drawing the whole checklist and keeping its first unmet."""
    creator = creator_with_login(level, username=f"gap{level}{held}")
    hold(creator, held)
    standing = standing_of(creator=creator, at=NOW)
    rows = hold_rows(standing) if standing.at_risk else upgrade_rows(standing)
    assert top_gaps(standing) == [row for row in rows if not row.met][:GAPS_SHOWN]
    assert standing.at_risk == (held > level) and (top_gaps(standing) or level == held == 4)
