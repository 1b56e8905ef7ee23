"""The square page as clients and creators read it: the cards (level, identity tag, slot badges, industries
in the reader's language, fans, activity, the intro's first line, nothing private), the filters with their
errors, HTMX and full-page paths, a creator's own card and rank; and both pages' query counts, the same at
5 and at 50 creators."""

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test.utils import CaptureQueriesContext

from benefits.models import Entitlement, EntitlementStatus
from creators.models import Quote
from insights.impressions import impressions_forget
from lib import kept as store
from lib.periods import local_date
from square.selectors import AD_POSITIONS, PAGE_SIZE, SquareFilters, square_page
from tests.square.conftest import NOW, index_row, make_creator, refresh

pytestmark = pytest.mark.django_db


def card_of(body: str, nickname: str) -> str:
    """The HTML of the card showing ``nickname``."""
    end = body.index(nickname)
    start = body.rindex('<li class="cc card', 0, end)
    return body[start : body.index("</li>", end)]


def test_a_card_shows_what_clients_choose_by(advertiser):
    creator = make_creator(
        level=3, posts=7, fans=286_000, industries=("美食", "旅行"), region="成都", nickname="桃桃",
        codes=("identity_tag", "square_ad_slot_fixed", "diamond_slot", "leaderboard_priority"),
        intro="成都美食探店，每周三更。\n合作请私信，报价另议。",
    )  # fmt: skip
    Quote.objects.create(creator=creator, kind="video_1_20s", amount=8_888)
    refresh()
    card = card_of(advertiser.get("/square/").content.decode(), "桃桃")
    assert "LV3" in card and "星图认证达人" in card
    assert "固定广告位" in card and "钻展位" in card
    assert "美食、旅行 · 成都" in card
    assert "28.6万" in card and 'title="286,000"' in card
    assert "7 条" in card
    assert "成都美食探店，每周三更。" in card
    # Private or commercial details stay off the card: quotes, the intro beyond its first line.
    assert "8,888" not in card and "8888" not in card and "报价另议" not in card


def test_a_card_without_benefits_shows_no_badges(advertiser):
    make_creator(level=0, nickname="新人")
    refresh()
    card = card_of(advertiser.get("/square/").content.decode(), "新人")
    assert "暂无等级" in card and "cc-tags" not in card


def test_english_readers_read_industries_and_labels_in_english(advertiser):
    make_creator(level=2, industries=("美食", "宠物"), nickname="Momo", codes=("square_ad_slot",))
    advertiser.cookies["django_language"] = "en"
    refresh()
    body = advertiser.get("/square/").content.decode()
    assert "Food, Pets" in body and "Ad slot" in body and "Creator Square" in body


def test_ad_slot_cards_are_marked_and_come_first(advertiser):
    make_creator(level=1, codes=("square_diamond_fixed",), nickname="广告达人")
    make_creator(level=4, posts=20, nickname="顶级达人")
    refresh()
    body = advertiser.get("/square/").content.decode()
    assert body.index("广告达人") < body.index("顶级达人")
    assert card_of(body, "广告达人").startswith('<li class="cc card lv-1 is-ad"')
    assert "cc-slot" not in card_of(body, "顶级达人")


def test_filters_apply_and_keep_their_values(advertiser):
    make_creator(level=2, industries=("美妆",), region="杭州", nickname="美妆姐")
    make_creator(level=2, industries=("数码",), region="深圳", nickname="数码哥")
    refresh()
    body = advertiser.get("/square/?industry=美妆&region=杭州&level=2&fans=1w-10w").content.decode()
    assert "美妆姐" in body and "数码哥" not in body
    assert '<option value="美妆" selected>' in body and '<option value="杭州" selected>' in body
    assert "共 1 位达人" in body and "清除筛选" in body


def test_a_bad_filter_is_named_and_the_others_still_apply(advertiser):
    make_creator(level=2, industries=("美妆",), nickname="美妆姐")
    make_creator(level=3, industries=("数码",), nickname="数码哥")
    refresh()
    response = advertiser.get("/square/?industry=美妆&level=9&fans=lots&region=火星")
    body = response.content.decode()
    assert response.status_code == 200
    assert "等级只能是 LV1–LV4 或暂无等级。" in body
    assert "请从列表中选择粉丝量范围。" in body
    assert "没有来自“火星”的达人" in body
    assert "有筛选条件无效" in body
    assert "美妆姐" in body and "数码哥" not in body  # the valid industry filter still applies


def test_no_match_says_so(advertiser):
    make_creator(industries=("美食",))
    refresh()
    body = advertiser.get("/square/?industry=汽车").content.decode()
    assert "没有符合条件的达人" in body


def test_htmx_filtering_returns_only_the_results(advertiser):
    make_creator(level=2, industries=("美妆",), nickname="美妆姐")
    make_creator(level=2, industries=("数码",), nickname="数码哥")
    refresh()
    response = advertiser.get("/square/?industry=数码", headers={"HX-Request": "true", "HX-Target": "square-results"})
    body = response.content.decode()
    assert response.status_code == 200
    assert body.lstrip().startswith('<div id="square-results"') and "<html" not in body
    assert "数码哥" in body and "美妆姐" not in body


def test_pages_keep_the_filters(advertiser):
    for _ in range(PAGE_SIZE + 1):
        make_creator(industries=("美食",))
    refresh()
    body = advertiser.get("/square/?industry=美食").content.decode()
    assert 'href="?industry=%E7%BE%8E%E9%A3%9F&amp;page=2"' in body


def test_a_creator_sees_their_card_marked_and_their_rank(creator_client, me):
    for _ in range(4):
        make_creator(level=3, posts=9)
    refresh()
    body = creator_client.get("/square/").content.decode()
    assert "你的排名：第" in body
    card = card_of(body, "我自己")
    assert 'id="me"' in card and "这是你" in card


def test_the_rank_line_names_the_place(creator_client, me):
    for _ in range(AD_POSITIONS + 2):
        make_creator(level=4, posts=20)  # no slot benefits: the only ad slot holder is ``me``
    refresh()
    assert "你的排名：第 1 位" in creator_client.get("/square/").content.decode()


def test_the_rank_line_shows_the_rank_below_the_ads(creator_client, me):
    """``me`` without its ad slot benefit, after 8 LV4 holders: 3 in the ad slots, 5 listed before it."""
    Entitlement.objects.filter(creator=me, benefit__code="square_ad_slot").update(status=EntitlementStatus.LAPSED)
    for _ in range(8):
        make_creator(level=4, posts=20, codes=("square_ad_slot_fixed",))
    refresh()
    assert square_page(filters=SquareFilters(), page=1, me=me.pk).rank == 9
    assert "你的排名：第 9 位" in creator_client.get("/square/").content.decode()


def test_a_creator_outside_the_filters_is_told(creator_client, me):
    make_creator(region="北京")
    refresh()
    body = creator_client.get("/square/?region=北京").content.decode()
    assert "在当前筛选条件下，你不在列表中。" in body


def test_page_me_opens_the_creators_page(creator_client, me):
    """``me`` (its ad slot benefit lapsed, so never in an ad slot) last after a page and a half of LV4s."""
    Entitlement.objects.filter(creator=me, benefit__code="square_ad_slot").update(status=EntitlementStatus.LAPSED)
    for _ in range(PAGE_SIZE + AD_POSITIONS + 3):
        make_creator(level=4, posts=20, codes=("square_ad_slot_fixed",))
    refresh()
    body = creator_client.get("/square/?page=me").content.decode()
    assert 'id="me"' in body and "2 / 2" in body


def test_clients_see_no_rank_line(advertiser):
    make_creator()
    refresh()
    assert "你的排名" not in advertiser.get("/square/").content.decode()


# --- query counts -----------------------------------------------------------------------------------------


def populate(n: int) -> None:
    """Creators at every level, half of them slot holders, each with an index row."""
    for i in range(n):
        creator = make_creator(level=1 + i % 4, posts=i % 3, codes=("square_ad_slot", "identity_tag") if i % 2 else ())
        index_row(creator, local_date(NOW), composite=float(i), plays_total=i * 100)
    refresh()


def count_queries(client, path: str) -> int:
    """The queries of ``path`` drawn (the square's kept pages forgotten: tests/square/test_kept.py), holding
    no earlier view's impressions (a view would write them once they are a few seconds old)."""
    store.clear()
    impressions_forget()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200
    return len(queries.captured_queries)


@pytest.fixture
def ranked_client(client, db):
    """A creator who holds no slot benefit, so their rank is always counted below the ad slots (a creator in
    an ad slot is ranked without that query)."""
    creator = make_creator(level=1, posts=1)
    creator.user = User.objects.create_user("ranked", password="pw")
    creator.save(update_fields=["user"])
    client.force_login(creator.user)
    return client


# Session, user, the viewer (its creator, groups and the header's console permission: one, square.access.viewer);
# the square: regions, ad slots, (rank,) count, page; the leaderboards: the board; the header: the unread badge
# (creators). A client's impressions are written every few seconds, not by each view (test_impressions.py).
# The square's first page, unfiltered, reads its count with the regions (square.selectors.region_counts).
EXPECTED = {
    ("advertiser", "/square/"): 6,
    ("ranked_client", "/square/"): 8,
    ("operator_client", "/square/"): 6,
    ("advertiser", "/square/?industry=美食&level=1"): 7,
    ("ranked_client", "/square/?industry=美食&level=1"): 9,
    ("operator_client", "/square/?industry=美食&level=1"): 7,
    ("advertiser", "/leaderboards/"): 4,
    ("ranked_client", "/leaderboards/"): 5,
    ("operator_client", "/leaderboards/"): 4,
}


@pytest.mark.parametrize("who", ["advertiser", "ranked_client", "operator_client"])
@pytest.mark.parametrize("path", ["/square/", "/square/?industry=美食&level=1", "/leaderboards/"])
def test_the_first_page_takes_the_same_queries_at_5_and_at_50_creators(request, who, path):
    client = request.getfixturevalue(who)
    expected = EXPECTED[(who, path)]
    populate(5)
    assert count_queries(client, path) == expected
    populate(45)
    assert count_queries(client, path) == expected
