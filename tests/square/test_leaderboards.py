"""The leaderboards (docs/program.md §5, FAQ Q12): holders of leaderboard_priority first, then the board's
figure (composite index on the latest index day; yesterday's plays growth), then recent activity; each row
says why it ranks; a creator sees their own row and rank."""

from datetime import timedelta

import pytest

from lib.periods import local_date
from square.boards import BOARD_SIZE, business_board, daily_board
from tests.square.conftest import NOW, index_row, make_creator, refresh

pytestmark = pytest.mark.django_db

TODAY = local_date(NOW)
YESTERDAY = TODAY - timedelta(days=1)
BEFORE = TODAY - timedelta(days=2)


def ids(board) -> list[int]:
    return [row.creator_id for row in board.rows]


# --- 商业影响力榜单 ---------------------------------------------------------------------------------------


def test_priority_holders_come_first_then_composite():
    high = make_creator(level=2)
    priority_low = make_creator(level=3, codes=("leaderboard_priority",))
    priority_high = make_creator(level=4, codes=("leaderboard_priority",))
    mid = make_creator(level=1)
    for creator, composite in ((high, 95.0), (priority_low, 40.0), (priority_high, 70.0), (mid, 60.0)):
        index_row(creator, TODAY, composite=composite)
    assert ids(business_board(at=NOW)) == [priority_high.pk, priority_low.pk, high.pk, mid.pk]


def test_a_lapsed_priority_gives_no_precedence():
    lapsed = make_creator(level=2, lapsed=("leaderboard_priority",))
    better = make_creator(level=2)
    index_row(lapsed, TODAY, composite=50.0)
    index_row(better, TODAY, composite=60.0)
    assert ids(business_board(at=NOW)) == [better.pk, lapsed.pk]


def test_equal_composites_are_ordered_by_recent_activity():
    quiet = make_creator(level=2, posts=1)
    busy = make_creator(level=2, posts=6)
    index_row(quiet, TODAY, composite=66.6)
    index_row(busy, TODAY, composite=66.6)
    board = business_board(at=NOW)
    assert ids(board) == [busy.pk, quiet.pk]
    assert [row.posts_30d for row in board.rows] == [6, 1]


def test_the_business_board_reads_the_latest_index_day_up_to_today():
    """Yesterday's index when today's is not computed yet; a row dated tomorrow is ignored; a creator without
    a composite that day is not listed."""
    a, b, c = make_creator(), make_creator(), make_creator()
    index_row(a, BEFORE, composite=99.0)
    index_row(b, YESTERDAY, composite=50.0)
    index_row(c, YESTERDAY, composite=None, plays_total=10)
    index_row(c, TODAY + timedelta(days=1), composite=80.0)
    board = business_board(at=NOW)
    assert board.day == YESTERDAY and ids(board) == [b.pk]


def test_the_board_keeps_its_top_fifty():
    for n in range(BOARD_SIZE + 3):
        index_row(make_creator(), TODAY, composite=float(n))
    board = business_board(at=NOW)
    assert len(board.rows) == BOARD_SIZE
    assert [row.composite for row in board.rows][:2] == [BOARD_SIZE + 2.0, BOARD_SIZE + 1.0]


def test_no_index_yet_is_an_empty_board():
    board = business_board(at=NOW)
    assert board.rows == [] and board.day is None


# --- 每日热榜 --------------------------------------------------------------------------------------------


def test_the_daily_board_ranks_yesterdays_plays_growth():
    """Today's 05:00 run snapshot the plays as yesterday ended: today's figure less yesterday's."""
    slow, fast, shrinking, new = make_creator(), make_creator(), make_creator(), make_creator()
    for creator, before, now in ((slow, 1_000, 1_500), (fast, 10_000, 41_000), (shrinking, 9_000, 8_000)):
        index_row(creator, YESTERDAY, plays_total=before)
        index_row(creator, TODAY, plays_total=now)
    index_row(new, TODAY, plays_total=50_000)  # no figure the day before: no growth to rank
    index_row(fast, BEFORE, plays_total=0)  # an older day is not compared
    board = daily_board(at=NOW)
    assert board.day == YESTERDAY
    assert ids(board) == [fast.pk, slow.pk]
    assert [row.plays_growth for row in board.rows] == [31_000, 500]


def test_before_todays_run_the_daily_board_shows_the_day_before():
    creator = make_creator()
    index_row(creator, BEFORE, plays_total=1_000)
    index_row(creator, YESTERDAY, plays_total=3_000)
    board = daily_board(at=NOW)
    assert board.day == BEFORE and [row.plays_growth for row in board.rows] == [2_000]


def test_priority_holders_lead_the_daily_board_too():
    fast = make_creator()
    holder = make_creator(level=3, codes=("leaderboard_priority",))
    for creator, growth in ((fast, 90_000), (holder, 100)):
        index_row(creator, BEFORE, plays_total=1_000)
        index_row(creator, YESTERDAY, plays_total=1_000 + growth)
    assert ids(daily_board(at=NOW)) == [holder.pk, fast.pk]


# --- the page ------------------------------------------------------------------------------------------


def test_each_row_says_why_it_ranks(advertiser):
    holder = make_creator(level=3, codes=("leaderboard_priority",), nickname="优先达人", posts=4)
    other = make_creator(level=1, nickname="普通达人")
    index_row(holder, TODAY, composite=78.24)
    index_row(other, TODAY, composite=81.0)
    refresh()
    body = advertiser.get("/leaderboards/").content.decode()
    assert body.index("优先达人") < body.index("普通达人")
    assert "榜单优先权益" in body and ">78.2</span>" in body and ">81.0</span>" in body and "综合指数" in body
    assert "近30天发布 4 条" in body
    assert TODAY.isoformat() in body


def test_the_daily_tab_shows_the_growth(advertiser):
    creator = make_creator(nickname="涨得快")
    index_row(creator, YESTERDAY, plays_total=100_000)
    index_row(creator, TODAY, plays_total=131_000)
    refresh()
    response = advertiser.get("/leaderboards/?board=daily")
    body = response.content.decode()
    assert response.status_code == 200
    assert "每日热榜" in body and "涨得快" in body and "昨日播放" in body and 'title="31,000">+3.1万</span>' in body
    assert YESTERDAY.isoformat() in body


def test_an_unknown_board_says_so_and_shows_the_business_board(advertiser):
    refresh()
    response = advertiser.get("/leaderboards/?board=weekly")
    body = response.content.decode()
    assert response.status_code == 200
    assert "没有这个榜单" in body and "商业影响力榜单" in body


def test_empty_boards_say_when_they_fill(advertiser):
    refresh()
    assert "星图指数每天早上更新" in advertiser.get("/leaderboards/").content.decode()
    assert "需要前两天的星图指数数据" in advertiser.get("/leaderboards/?board=daily").content.decode()


def test_a_creator_sees_their_row_and_rank(creator_client, me):
    for n in range(3):
        index_row(make_creator(), TODAY, composite=90.0 - n)
    index_row(me, TODAY, composite=50.0)
    refresh()
    body = creator_client.get("/leaderboards/").content.decode()
    assert "你的排名：第 4 位" in body
    assert 'class="board-row is-me" id="me"' in body


def test_a_creator_off_the_board_is_told(creator_client, me):
    index_row(make_creator(), TODAY, composite=90.0)
    refresh()
    body = creator_client.get("/leaderboards/").content.decode()
    assert f"你暂未进入前 {BOARD_SIZE} 名" in body


def test_the_page_shows_the_boards_as_last_ranked(advertiser):
    """Ranking reads every creator's index row, so it is done by the refresh, not by the page view."""
    first, second = make_creator(nickname="甲"), make_creator(nickname="乙")
    index_row(first, TODAY, composite=80.0)
    row = index_row(second, TODAY, composite=70.0)
    refresh()
    row.composite = 90.0
    row.save()
    body = advertiser.get("/leaderboards/").content.decode()
    assert body.index("甲") < body.index("乙")
    refresh(NOW + timedelta(minutes=10))
    body = advertiser.get("/leaderboards/").content.decode()
    assert body.index("乙") < body.index("甲")
