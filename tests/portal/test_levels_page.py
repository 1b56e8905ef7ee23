"""权益中心: the next level's checklist (value, threshold, bar, state, gap, where to act), the held
level's margins, the reward cycle so far, level history with reasons, and 刷新进度."""

import html
import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from levels.models import LevelChange
from levels.rules import Requirement
from portal.presenters.rows import requirement_row
from tests.builders import AT, complete_courses, order, post
from tests.portal.support import NOW, assess, creator_with_login, fragment, hold, now, text  # noqa: F401

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("now")]


def rows(body: str, section: str) -> list[str]:
    """The text of each requirement row inside the element with id ``section``."""
    start = body.index(f'id="{section}"')
    end = body.index("</section>", start)
    return [re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", row))).strip()
            for row in re.findall(r'<li class="req-row.*?</li>', body[start:end], re.S)]  # fmt: skip


# --- who may see it ---------------------------------------------------------------------------------


def test_anonymous_is_sent_to_login(client: Client) -> None:
    assert client.get("/levels/")["Location"] == "/accounts/login/?next=/levels/"
    assert client.post("/levels/refresh/")["Location"].startswith("/accounts/login/")


def test_operator_gets_403(operator_client: Client) -> None:
    assert operator_client.get("/levels/").status_code == 403
    assert operator_client.post("/levels/refresh/").status_code == 403


def test_refresh_refuses_get(creator_client: Client) -> None:
    assert creator_client.get("/levels/refresh/").status_code == 405


def test_owner_sees_their_page(creator_client: Client, creator) -> None:
    assess()
    response = creator_client.get("/levels/")
    assert response.status_code == 200
    assert "当前 LV3 · 升级到 LV4 还差 7 项" in text(response)


# --- the checklist ------------------------------------------------------------------------------------


def test_lv3_checklist_rows_show_value_threshold_state_gap_and_action(creator_client: Client, creator) -> None:
    assess()
    body = creator_client.get("/levels/").content.decode()
    upgrade = rows(body, "upgrade")
    # The builders' LV3 shape: 400,000 fans against LV4's > 500,000.
    fans = next(r for r in upgrade if r.startswith("粉丝量"))
    assert fans == "粉丝量 40万 / > 50万 未达成 还差 10万 去抖音发布"
    courses = next(r for r in upgrade if r.startswith("完成学院课程"))
    assert "8 / ≥ 10" in courses and "还差 2 门" in courses
    assert 'href="/academy/"' in body  # courses → the academy
    assert 'href="/tasks/"' in body  # orders → the task hall
    assert "去抖音发布" in body and 'href="去抖音发布"' not in body  # posts: words, no link
    assert 'class="pct-80"' in body  # 400,000 of 500,000 fans


def test_unmet_rows_come_first_and_met_rows_show_their_margin(creator_client: Client, creator) -> None:
    assess()
    hold_rows = rows(creator_client.get("/levels/").content.decode(), "hold")
    assert all("达成 ✓" in r for r in hold_rows)
    posts = next(r for r in hold_rows if r.startswith("近30天发布视频或直播"))
    assert posts == "近30天发布视频或直播 21 / ≥ 20 达成 ✓ 余 1 条"


def test_a_requirement_met_exactly_at_the_bar_says_so(creator_client: Client, creator) -> None:
    creator.contents.filter(pk__in=creator.contents.values("pk")[:1]).delete()  # 20 posts: ≥ 20 exactly
    assess()
    posts = next(r for r in rows(creator_client.get("/levels/").content.decode(), "hold") if "发布" in r)
    assert "20 / ≥ 20 达成 ✓ 刚好达标" in posts


def test_yes_no_requirements_done_collapse_to_one_line(creator_client: Client, creator) -> None:
    assess()
    body = text(creator_client.get("/levels/"))
    assert "已完成 ✓ 完善达人介绍、所在地域、擅长行业 ✓ 浏览任务大厅" in body


def test_unmet_yes_no_requirement_links_to_where_to_act(client: Client) -> None:
    creator = creator_with_login(0)  # no intro, not bound to Douyin
    client.force_login(creator.user)
    body = client.get("/levels/").content.decode()
    upgrade = rows(body, "upgrade")
    assert "完善达人介绍、所在地域、擅长行业 已完成" not in " ".join(upgrade)
    assert any(r.startswith("完善达人介绍、所在地域、擅长行业 未完成") and r.endswith("去完善 ›") for r in upgrade)
    assert 'href="/profile/"' in body


def test_lv0_next_level_is_lv1_and_there_is_nothing_to_hold(client: Client) -> None:
    creator = creator_with_login(0)
    client.force_login(creator.user)
    body = client.get("/levels/").content.decode()
    assert "升级到 LV1 还差" in text_of(body)
    assert "升级到 LV1 的任务" in body
    assert 'id="hold"' not in body
    assert "获得 LV1 后开始考核奖励任务" in body


def test_lv1_page(client: Client) -> None:
    creator = creator_with_login(1)
    assess()
    client.force_login(creator.user)
    body = client.get("/levels/").content.decode()
    assert "升级到 LV2 的任务" in body
    assert "保级 · LV1 当前要求的余量" in body
    assert "奖励任务 2026Q4" in body


def test_lv4_has_no_next_level_and_shows_margins(client: Client) -> None:
    creator = creator_with_login(4)
    assess()
    client.force_login(creator.user)
    body = client.get("/levels/").content.decode()
    assert "当前 LV4 · 已是最高等级" in text_of(body)
    assert "已是最高等级" in body
    assert "余 1 条" in " ".join(rows(body, "hold"))  # 31 posts against ≥ 30


def test_at_risk_ribbon_and_failing_requirements_of_the_held_level(client: Client) -> None:
    creator = creator_with_login(2)
    hold(creator, 3)
    client.force_login(creator.user)
    body = client.get("/levels/").content.decode()
    assert "本月底前完成 7 项即可保住 LV3，剩 30 天" in text_of(body)
    hold_rows = rows(body, "hold")
    assert any(r.startswith("粉丝量 8万 / > 30万 未达成 还差 22万") for r in hold_rows)
    assert "is-at-risk" in body  # the margins card moves above the checklist


def test_pending_upgrade_is_explained(client: Client) -> None:
    creator = creator_with_login(3)
    hold(creator, 2)
    client.force_login(creator.user)
    assert "已满足 LV3 全部任务" in text(client.get("/levels/"))


# --- reward cycle ------------------------------------------------------------------------------------


def test_reward_cycle_so_far(creator_client: Client, creator) -> None:
    assess()
    # In 2026Q4 so far (to NOW): the builders' one order on 11-26, 21 videos at 60,000 plays.
    order(creator, completed_at=NOW - timedelta(hours=1))
    post(creator, 2, at=NOW, plays=90_000, kind="live", published_at=NOW - timedelta(hours=2))
    body = creator_client.get("/levels/").content.decode()
    reward = rows(body, "reward")
    assert reward[0].startswith("订单（本周期） 不含全民任务和小游戏任务 2 / ≥ 6 未达成 还差 4 单")
    assert any(r.startswith("短视频平均有效播放 21 条 6万 / > 8万 未达成 还差 2万") for r in reward)
    assert any(r.startswith("直播平均有效播放 2 条 9万 / > 8万 达成 ✓ 余 1万") for r in reward)
    assert "奖励任务 2026Q4" in body and "剩 30 天" in body


# --- history ------------------------------------------------------------------------------------------


def test_history_lists_every_change_with_its_reason_and_failed_requirements(creator_client: Client, creator) -> None:
    assess()
    LevelChange.objects.create(
        creator=creator, at=AT + timedelta(hours=1), from_level=3, to_level=2, reason=LevelChange.Reason.OVERRIDE,
        failed=["fans", "likes_30d"],
    )  # fmt: skip
    body = text(creator_client.get("/levels/"))
    assert "2026-12-01 03:00 LV3 → 变为 LV2 运营手动调整 未达成：粉丝量、点赞量" in body
    assert "2026-12-01 02:00 无等级 → 变为 LV3 月度评估 完成全部基础任务" in body
    history = body[body.index("等级记录") :]
    assert history.index("运营手动调整") < history.index("月度评估")  # newest first


def test_another_creators_history_is_not_shown(creator_client: Client, creator, other_creator) -> None:
    LevelChange.objects.create(creator=other_creator, at=AT, from_level=0, to_level=4, reason="operator")
    assert "运营调整" not in text(creator_client.get("/levels/"))


# --- refresh -----------------------------------------------------------------------------------------


def test_refresh_over_htmx_returns_the_checklist_fragment_with_new_figures(creator_client: Client, creator) -> None:
    assess()
    before = creator_client.get("/levels/").content.decode()
    assert "8 / ≥ 10" in before
    complete_courses(creator, 2, at=NOW - timedelta(hours=1))
    response = creator_client.post("/levels/refresh/", headers={"HX-Request": "true"})
    body = fragment(response)
    assert response.status_code == 200
    assert body.lstrip().startswith('<div id="progress"')
    assert "10 / ≥ 10" in body and "刚刚刷新" in body
    assert 'hx-swap-oob="beforeend"' in body and "进度已刷新" in body  # the toast
    assert 'id="history"' not in body


def test_refresh_without_javascript_redirects_back_with_a_message(creator_client: Client, creator) -> None:
    response = creator_client.post("/levels/refresh/")
    assert response.status_code == 302
    assert response["Location"] == "/levels/"
    assert "进度已刷新" in text(creator_client.get("/levels/"))


def test_refresh_changes_no_level(creator_client: Client, creator) -> None:
    hold(creator, 1)
    creator_client.post("/levels/refresh/")
    assert creator.level_held.level == 1
    assert not LevelChange.objects.filter(creator=creator).exists()


# --- cost -----------------------------------------------------------------------------------------------


def test_query_count_does_not_grow_with_history(creator_client: Client, creator) -> None:
    assess()
    with CaptureQueriesContext(connection) as few:
        assert creator_client.get("/levels/").status_code == 200
    LevelChange.objects.bulk_create(
        LevelChange(creator=creator, at=AT - timedelta(days=30 * i), from_level=i % 4, to_level=(i + 1) % 4,
                    reason="monthly", failed=["fans"])
        for i in range(1, 25)
    )  # fmt: skip
    with CaptureQueriesContext(connection) as many:
        response = creator_client.get("/levels/")
    assert response.status_code == 200
    assert response.content.decode().count('class="history-row') >= 24  # the history it counts is shown
    assert len(many) == len(few)


def test_requirement_row_gap_for_strict_bars_and_means() -> None:
    from fractions import Fraction

    avg_plays = Requirement(2, "avg_plays_30d", "gt", 10_000)
    row = requirement_row(requirement=avg_plays, value=Fraction(19_999, 2), met=False)
    assert (row.met, row.value, row.gap) == (False, "9,999.5", "还差 1")
    fans = Requirement(3, "fans", "gt", 300_000)
    row = requirement_row(requirement=fans, value=300_000, met=False)
    assert (row.met, row.gap, row.pct) == (False, "还差 1", 99)
    row = requirement_row(requirement=fans, value=300_001, met=True)
    assert (row.met, row.margin, row.tight) == (True, "刚好达标", True)


def text_of(body: str) -> str:
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", body)))
