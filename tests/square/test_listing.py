"""The square's listing of the day (``square.listing``): every creator scored once, their places written in
the order ``creators_scored`` gives (ad slots first), read by the pages until the next day's refresh."""

import io
import json
from datetime import timedelta
from itertools import product

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_celery_beat.models import PeriodicTask

from creators.models import Creator
from levels.models import CreatorLevel
from lib.periods import local_date
from square.boards import board_rows
from square.listing import REFRESH_ENTRY, REFRESH_TASK, listing_day, listing_refresh, refresh_due
from square.models import SquareEntry
from square.selectors import (
    AD_POSITIONS,
    FANS_RANGES,
    SquareFilters,
    creators_scored,
    listed_regions,
    region_counts,
    square_page,
)
from tests.square.conftest import NOW, index_row, listing, make_creator, refresh

pytestmark = pytest.mark.django_db

ANY = SquareFilters()


def places() -> list[int]:
    return list(SquareEntry.objects.order_by("position").values_list("creator_id", flat=True))


def test_the_listing_is_the_ad_slots_then_the_score_order():
    holders = [make_creator(level=1, codes=("square_ad_slot",)).pk for _ in range(5)]
    for n in range(12):
        make_creator(level=n % 5, posts=n % 4)
    assert listing_refresh(at=NOW) == {"day": local_date(NOW).isoformat(), "listed": 17}
    scored = list(creators_scored(filters=ANY, at=NOW))
    ads = sorted((c for c in scored if c.pk in holders), key=lambda c: (-c.rotation, c.pk))[:AD_POSITIONS]
    rest = [c.pk for c in scored if c not in ads]
    assert places() == [c.pk for c in ads] + rest
    assert list(SquareEntry.objects.order_by("position").values_list("position", flat=True)) == list(range(1, 18))
    page = square_page(filters=ANY, page=1, me=None)
    assert [c.pk for c in page.ads] == [c.pk for c in ads] and [c.pk for c in page.page] == rest
    assert page.total == 17 and page.day == local_date(NOW)


def test_the_entry_keeps_what_the_card_shows_as_scored():
    creator = make_creator(level=3, posts=25, codes=("identity_tag", "diamond_slot"))
    refresh()
    entry = SquareEntry.objects.get(creator=creator)
    scored = creators_scored(filters=ANY, at=NOW).get(pk=creator.pk)
    assert (entry.level, entry.posts_30d, entry.held, entry.order_key, entry.rotation, entry.ad) == (
        3, 25, scored.held, scored.order_key, scored.rotation, False
    )  # fmt: skip


def test_pages_read_the_listing_until_the_next_refresh():
    """A level won after the refresh, or a creator new since, shows from the next refresh on."""
    first = make_creator(level=2)
    second = make_creator(level=1)
    refresh()
    CreatorLevel.objects.filter(creator=second).update(level=4)
    newcomer = make_creator(level=4, posts=1)
    page = square_page(filters=ANY, page=1, me=newcomer.pk)
    assert [c.pk for c in page.page] == [first.pk, second.pk] and page.rank is None and page.total == 2
    refresh(NOW + timedelta(hours=1))
    assert [c.pk for c in square_page(filters=ANY, page=1, me=None).page][:2] == [newcomer.pk, second.pk]


def test_a_refresh_replaces_the_listing():
    make_creator(level=1)
    gone = make_creator(level=2)
    refresh()
    gone.delete()
    refresh()
    assert SquareEntry.objects.count() == 1 and listing_refresh(at=NOW)["listed"] == 1


def test_beats_refresh_scores_the_listing_once_a_local_day():
    make_creator(level=1)
    assert listing_day() is None
    assert refresh_due(now=NOW)["listing"]["listed"] == 1
    assert listing_day() == local_date(NOW)
    make_creator(level=2)
    assert refresh_due(now=NOW + timedelta(hours=8)) == {}  # 23:00 the same day: nothing to do
    midnight = NOW.replace(hour=0, minute=0) + timedelta(days=1)
    assert refresh_due(now=midnight)["listing"] == {"day": local_date(midnight).isoformat(), "listed": 2}


def test_a_new_index_day_re_ranks_the_boards_and_leaves_the_listing():
    creator = make_creator(level=1)
    index_row(creator, local_date(NOW) - timedelta(days=1), composite=50.0)
    assert set(refresh_due(now=NOW)) == {"listing", "boards"}
    assert board_rows(board="business").day == local_date(NOW) - timedelta(days=1)
    assert refresh_due(now=NOW + timedelta(minutes=10)) == {}
    index_row(creator, local_date(NOW), composite=60.0)  # the 05:00 index run of the day
    assert refresh_due(now=NOW + timedelta(minutes=20)) == {"boards": {"business": 1, "daily": 0}}
    assert [(r.day, r.figure) for r in board_rows(board="business").rows] == [(local_date(NOW), 60.0)]


def test_the_rotation_changes_with_the_days_refresh():
    for _ in range(8):
        make_creator(level=2, posts=3)
    refresh()
    today = places()
    refresh(NOW + timedelta(days=1))
    assert places() != today and sorted(places()) == sorted(today)


def test_an_empty_listing_shows_nobody():
    make_creator(level=4)
    page = square_page(filters=ANY, page=1, me=None)
    assert page.ads == [] and list(page.page) == [] and page.total == 0 and page.day is None


def test_the_filtered_count_and_the_unfiltered_one_agree():
    for n in range(30):
        make_creator(level=n % 3, codes=("square_ad_slot",) if n % 4 == 0 else (), region="北京" if n % 2 else "上海")
    refresh()
    unfiltered = square_page(filters=ANY, page=1, me=None)
    both = [square_page(filters=SquareFilters(region=r), page=1, me=None).total for r in ("北京", "上海")]
    assert unfiltered.total == 30 == sum(both)
    assert unfiltered.page.paginator.count == 30 - AD_POSITIONS


def test_the_command_refreshes_at_an_instant():
    make_creator(level=1)
    out = io.StringIO()
    call_command("refresh_square", "--at", "2026-12-10T00:05:00", stdout=out)
    assert json.loads(out.getvalue()) == {
        "listing": {"day": "2026-12-10", "listed": 1},
        "boards": {"business": 0, "daily": 0},
    }
    with pytest.raises(CommandError, match="ISO 8601"):
        call_command("refresh_square", "--at", "yesterday")


def test_beat_checks_every_ten_minutes():
    task = PeriodicTask.objects.get(name=REFRESH_ENTRY)
    assert task.task == REFRESH_TASK and task.enabled
    assert (task.crontab.minute, task.crontab.hour, str(task.crontab.timezone)) == ("*/10", "*", "Asia/Shanghai")
    from config.celery_app import app

    app.loader.import_default_modules()
    assert REFRESH_TASK in app.tasks


def test_the_region_choices_are_the_listings_regions_in_one_query(django_assert_num_queries):
    for region in ("北京", "上海", "上海", "成都", ""):
        make_creator(region=region)
    refresh()
    make_creator(region="拉萨")  # listed from the next refresh on
    distinct = list(
        SquareEntry.objects.exclude(region="").order_by("region").values_list("region", flat=True).distinct()
    )
    with django_assert_num_queries(1):
        regions = listed_regions()
    assert regions == distinct and len(distinct) == 3


def test_the_region_counts_answer_the_count_of_a_page_filtered_by_region_at_most(django_assert_num_queries):
    me = make_creator(region="上海", level=1, codes=("square_ad_slot",))
    for region in ("北京", "上海", "上海", ""):
        make_creator(region=region, posts=2)
    refresh()
    with django_assert_num_queries(1):
        counts = region_counts()
    assert counts == {"": 5, "上海": 3, "北京": 1} and next(iter(counts)) == ""
    assert listed_regions(counts) == listed_regions() and set(listed_regions(counts)) == {"上海", "北京"}
    by_region = [SquareFilters(), *(SquareFilters(region=r) for r in ("上海", "北京", "拉萨"))]
    others = [SquareFilters(industry="美食"), SquareFilters(region="上海", level=1), SquareFilters(fans="1w-10w")]
    for filters in by_region + others:
        read = square_page(filters=filters, page=1, me=me.pk)
        with CaptureQueriesContext(connection) as plain:
            square_page(filters=filters, page=1, me=me.pk)
        with CaptureQueriesContext(connection) as counted:
            found = square_page(filters=filters, page=1, me=me.pk, counts=counts)
        shown = lambda p: ([c.pk for c in p.ads], [c.pk for c in p.page], p.total, p.rank, p.day)  # noqa: E731
        assert shown(found) == shown(read), filters
        fewer = 1 if filters in by_region else 0
        assert len(counted.captured_queries) == len(plain.captured_queries) - fewer, filters


def test_the_region_filter_reads_the_listing():
    moved = make_creator(region="北京")
    refresh()
    moved.region = "上海"
    moved.save()
    assert [c.pk for c in square_page(filters=SquareFilters(region="北京"), page=1, me=None).page] == [moved.pk]


def test_the_days_counts_are_the_counts_of_what_each_filter_lists():
    """Every combination of filters, counted by listing the whole of it, matches the count kept for it."""
    for n in range(24):
        make_creator(
            level=n % 3,
            codes=("square_ad_slot",) if n % 5 == 0 else (),
            region=("北京", "上海", "")[n % 3 if n % 4 else 2],
            industries=(("美食",), ("美妆", "美食"), ())[n % 3],
            fans=(5_000, 50_000, 500_000, 5_000_000)[n % 4],
        )
    refresh()
    for industry, region, level, fans in product(("", "美食", "美妆"), ("", "北京", "上海"), (None, 0, 2), FANS_RANGES):
        filters = SquareFilters(industry=industry, region=region, level=level, fans=fans)
        assert square_page(filters=filters, page=1, me=None).total == len(listing(filters)), filters
    assert square_page(filters=ANY, page=1, me=None).total == 24


def test_the_filters_read_the_listing_as_scored():
    creator = make_creator(fans=5_000, industries=("美食",))
    refresh()
    Creator.objects.filter(pk=creator.pk).update(fans=5_000_000, industries=["数码"])
    listed = square_page(filters=SquareFilters(industry="美食", fans="lt1w"), page=1, me=None)
    assert [c.pk for c in listed.page] == [creator.pk] and listed.total == 1
    refresh()
    assert square_page(filters=SquareFilters(industry="美食"), page=1, me=None).total == 0


def test_filters_that_match_no_one_read_only_the_days_count(django_assert_num_queries):
    """No count row: nothing is listed under the filters, so the ad slots, the rank and the page are not
    read (the ad slots' query would walk every slot holder's entry to find none)."""
    holder = make_creator(region="上海", codes=("square_ad_slot",))
    refresh()
    with django_assert_num_queries(1):
        found = square_page(filters=SquareFilters(region="北京"), page=1, me=holder.pk)
    assert (found.ads, list(found.page), found.total, found.rank, found.day) == ([], [], 0, None, None)
    found = square_page(filters=SquareFilters(region="上海"), page=1, me=holder.pk)
    assert ([c.pk for c in found.ads], found.total, found.rank) == ([holder.pk], 1, 1)
