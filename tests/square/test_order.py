"""The square's order (docs/program.md §5): level weight raised by the square benefits held, recent activity,
and a daily rotation among equals; the ad slots at the top of page 1; the filters; a creator's rank."""

from datetime import timedelta

import pytest

from creators.models import Content
from square.selectors import (
    ACTIVITY_CAP,
    AD_POSITIONS,
    PAGE_SIZE,
    SquareFilters,
    creators_scored,
    square_page,
)
from tests.square.conftest import NOW, listing, make_creator, refresh

pytestmark = pytest.mark.django_db

ANY = SquareFilters()


def order(at=NOW, filters=ANY) -> list[int]:
    return list(creators_scored(filters=filters, at=at).values_list("pk", flat=True))


def names(at=NOW, filters=ANY) -> list[str]:
    return list(creators_scored(filters=filters, at=at).values_list("nickname", flat=True))


# --- the score -----------------------------------------------------------------------------------------


def test_a_higher_level_comes_first():
    lv1 = make_creator(level=1)
    lv3 = make_creator(level=3)
    lv2 = make_creator(level=2)
    assert order() == [lv3.pk, lv2.pk, lv1.pk]


def test_a_square_benefit_held_raises_the_level_weight():
    """Two LV2 creators: the one holding the LV2 square benefits (10 + 5) comes first, though the other
    posted 9 times more."""
    plain = make_creator(level=2, posts=9)
    slotted = make_creator(level=2, posts=0, codes=("square_ad_slot", "diamond_slot"))
    assert order() == [slotted.pk, plain.pk]


def test_a_lapsed_benefit_no_longer_raises_it():
    lapsed = make_creator(level=2, posts=4, lapsed=("square_ad_slot",))
    plain = make_creator(level=2, posts=5)
    assert order() == [plain.pk, lapsed.pk]


def test_the_slot_benefits_can_lift_a_creator_over_the_next_level():
    """10 points a level; an LV2 holding its square benefits (10 + 5) and 10 posts beats a bare LV3."""
    bare_lv3 = make_creator(level=3, posts=0)
    lv2 = make_creator(level=2, posts=10, codes=("square_ad_slot", "diamond_slot"))
    assert order() == [lv2.pk, bare_lv3.pk]


def test_without_slot_benefits_level_then_activity_decide():
    quiet = make_creator(level=2, posts=1)
    busy = make_creator(level=2, posts=9)
    top = make_creator(level=3, posts=0)
    assert order() == [top.pk, busy.pk, quiet.pk]


def test_only_posts_of_the_last_30_days_count():
    old = make_creator(level=1, posts=0)
    Content.objects.bulk_create(
        Content(external_id=f"old-{i}", creator=old, kind="video", published_at=NOW - timedelta(days=30, seconds=1))
        for i in range(5)
    )
    recent = make_creator(level=1, posts=1)
    assert order()[0] == recent.pk


def test_activity_counts_up_to_its_cap():
    """Beyond ACTIVITY_CAP posts a creator gains nothing more, so equals at the cap are ordered by the
    rotation, not by who posted more."""
    a = make_creator(level=1, posts=ACTIVITY_CAP)
    b = make_creator(level=1, posts=ACTIVITY_CAP + 5)
    scored = {c.pk: c.order_key // 1_000_003 for c in creators_scored(filters=ANY, at=NOW)}
    assert scored[a.pk] == scored[b.pk]


# --- the rotation --------------------------------------------------------------------------------------


def equals(n: int = 8) -> list[int]:
    return [make_creator(level=2, posts=3).pk for _ in range(n)]


def test_equal_creators_keep_their_order_all_day():
    equals()
    morning = NOW.replace(hour=0, minute=0, second=1)
    night = NOW.replace(hour=23, minute=59, second=59)
    assert order(morning) == order(NOW) == order(night)


def test_equal_creators_take_turns_from_one_day_to_the_next():
    ids = equals()
    days = [order(NOW + timedelta(days=n)) for n in range(14)]
    # Each day has an order of its own (two days may draw the same one of the 8! orders, rarely).
    assert len({tuple(d) for d in days}) >= 13
    # Within two weeks, several different creators lead: nobody owns the top.
    assert len({d[0] for d in days}) >= 3
    assert all(sorted(d) == sorted(ids) for d in days)


def test_the_rotation_never_outweighs_a_point():
    """The rotation orders equals only: a creator one post ahead stays ahead on every day."""
    ahead = make_creator(level=2, posts=4)
    equals(6)
    for n in range(10):
        assert order(NOW + timedelta(days=n))[0] == ahead.pk


def test_the_day_is_the_local_day():
    """23:59 and 00:01 in Shanghai (15:59 and 16:01 UTC) are two days, two draws."""
    equals()
    before = NOW.replace(hour=23, minute=59)
    after = before + timedelta(minutes=2)
    assert order(before) != order(after)


# --- the ad slots --------------------------------------------------------------------------------------


def test_page_one_opens_with_ad_slots_of_holders_taken_by_rotation():
    """Holders of a square slot benefit fill the ad slots whatever their score (an LV1 with no posts among
    them is possible), and are not repeated below."""
    holders = [make_creator(level=1, codes=("square_diamond_fixed",)) for _ in range(5)]
    others = [make_creator(level=4, posts=20) for _ in range(3)]
    refresh()
    page = square_page(filters=ANY, page=1, me=None)
    ads = [c.pk for c in page.ads]
    assert len(ads) == AD_POSITIONS and set(ads) <= {h.pk for h in holders}
    rest = [c.pk for c in page.page]
    assert not set(ads) & set(rest)
    assert rest[:3] == [c.pk for c in creators_scored(filters=ANY, at=NOW) if c.pk in {o.pk for o in others}]
    assert page.total == 8


def test_the_ad_slots_rotate_daily():
    holders = {make_creator(level=2, codes=("square_ad_slot",)).pk for _ in range(20)}
    days = []
    for n in range(7):
        refresh(NOW + timedelta(days=n))
        days.append([c.pk for c in square_page(filters=ANY, page=1, me=None).ads])
    assert len({tuple(d) for d in days}) >= 6  # (a repeat of the same three in order is possible, not likely)
    shown = {pk for d in days for pk in d}
    assert shown <= holders and len(shown) >= 6  # turns go round


def test_without_holders_there_are_no_ad_slots():
    make_creator(level=0, posts=2)
    refresh()
    page = square_page(filters=ANY, page=1, me=None)
    assert page.ads == [] and len(page.page) == 1


def test_later_pages_show_no_ad_slots():
    for _ in range(AD_POSITIONS + PAGE_SIZE + 2):
        make_creator(level=1, codes=("square_diamond_fixed",))
    refresh()
    first = square_page(filters=ANY, page=1, me=None)
    second = square_page(filters=ANY, page=2, me=None)
    assert len(first.ads) == AD_POSITIONS and len(first.page) == PAGE_SIZE
    assert second.ads == [] and len(second.page) == 2
    everyone = [c.pk for c in first.ads] + [c.pk for c in first.page] + [c.pk for c in second.page]
    assert len(set(everyone)) == AD_POSITIONS + PAGE_SIZE + 2


# --- filters -------------------------------------------------------------------------------------------


def test_filters_by_industry_region_level_and_fans():
    food = make_creator(level=2, industries=("美食", "旅行"), region="上海", fans=80_000)
    beauty = make_creator(level=3, industries=("美妆",), region="北京", fans=2_000_000)
    small = make_creator(level=0, industries=("美食",), region="北京", fans=5_000)
    assert set(order(filters=SquareFilters(industry="旅行"))) == {food.pk}
    assert set(order(filters=SquareFilters(industry="美食"))) == {food.pk, small.pk}
    assert set(order(filters=SquareFilters(region="北京"))) == {beauty.pk, small.pk}
    assert set(order(filters=SquareFilters(level=3))) == {beauty.pk}
    assert set(order(filters=SquareFilters(level=0))) == {small.pk}
    assert set(order(filters=SquareFilters(fans="1w-10w"))) == {food.pk}
    assert set(order(filters=SquareFilters(fans="lt1w"))) == {small.pk}
    assert set(order(filters=SquareFilters(fans="100w+"))) == {beauty.pk}
    assert set(order(filters=SquareFilters(industry="美食", region="北京", level=0, fans="lt1w"))) == {small.pk}


def test_fans_ranges_meet_without_a_gap():
    at_bound = make_creator(fans=10_000)
    below = make_creator(fans=9_999)
    assert set(order(filters=SquareFilters(fans="1w-10w"))) == {at_bound.pk}
    assert set(order(filters=SquareFilters(fans="lt1w"))) == {below.pk}


# --- the creator's rank --------------------------------------------------------------------------------


def test_a_creators_rank_is_its_place_in_the_listing():
    for n in range(30):
        make_creator(level=n % 5, posts=n % 7, codes=("square_ad_slot",) if n % 3 == 0 else ())
    refresh()
    everyone = listing()
    for place in (1, 2, AD_POSITIONS, AD_POSITIONS + 1, 17, 30):
        me = everyone[place - 1]
        assert square_page(filters=ANY, page=1, me=me).rank == place


def test_the_rank_follows_the_filters_and_is_none_outside_them():
    me = make_creator(level=2, region="上海", posts=2)
    for _ in range(4):
        make_creator(level=3, region="北京")
    make_creator(level=1, region="上海")
    refresh()
    assert square_page(filters=ANY, page=1, me=me.pk).rank == 5
    assert square_page(filters=SquareFilters(region="上海"), page=1, me=me.pk).rank == 1
    assert square_page(filters=SquareFilters(region="北京"), page=1, me=me.pk).rank is None


def test_page_me_opens_the_page_with_the_creators_card():
    for _ in range(PAGE_SIZE + 5):
        make_creator(level=3, posts=5)
    me = make_creator(level=0)
    refresh()
    page = square_page(filters=ANY, page="me", me=me.pk)
    assert page.page.number == 2 and me.pk in [c.pk for c in page.page]
    assert page.rank == PAGE_SIZE + 6
