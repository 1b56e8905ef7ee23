"""Impressions (docs/program.md §5): a client's page view adds one per card shown, on the surface it was shown
on; the views of a few seconds are written together in one statement; operators' and creators' views add
nothing. The upsert itself adds to what is there."""

import threading
from datetime import date, timedelta
from unittest.mock import Mock

import pytest
from django.conf import settings
from django.db import OperationalError, connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from insights.impressions import impressions_add, impressions_flush
from insights.models import Impression, Surface
from lib.periods import local_date
from square.selectors import AD_POSITIONS, PAGE_SIZE
from tests.square.conftest import NOW, index_row, make_creator, refresh

pytestmark = pytest.mark.django_db

TODAY = local_date(NOW)


def counts() -> dict[tuple[int, str], int]:
    """Today's impressions once the views this process holds are written."""
    impressions_flush()
    return {(i.creator_id, i.surface): i.count for i in Impression.objects.filter(date=TODAY)}


def test_a_client_view_counts_each_card_on_its_surface(advertiser):
    holders = [make_creator(level=2, codes=("square_ad_slot",)) for _ in range(AD_POSITIONS + 1)]
    plain = make_creator(level=1)
    refresh()
    advertiser.get("/square/")
    shown = counts()
    slots = [pk for (pk, surface) in shown if surface == Surface.SQUARE_SLOT]
    listed = {pk for (pk, surface) in shown if surface == Surface.SQUARE}
    assert len(slots) == AD_POSITIONS
    # Everyone appears once: the ad slots as square_slot, the rest of page 1 as square.
    assert listed == {h.pk for h in holders} - set(slots) | {plain.pk}
    assert set(shown.values()) == {1}
    advertiser.get("/square/")
    assert set(counts().values()) == {2}


def test_only_the_cards_of_the_page_viewed_count(advertiser):
    creators = [make_creator(level=1) for _ in range(PAGE_SIZE + 4)]
    refresh()
    advertiser.get("/square/?page=2")
    assert len(counts()) == 4 and {pk for pk, _s in counts()} <= {c.pk for c in creators}


def writes(client: Client, path: str = "/square/") -> int:
    """The impressions statements a view of ``path`` makes."""
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    return sum(q["sql"].startswith(("INSERT", "SET LOCAL")) and "ON CONFLICT" in q["sql"] for q in queries)


@pytest.fixture
def twelve_slots(db) -> None:
    for _ in range(12):
        make_creator(level=2, codes=("square_ad_slot",))
    refresh()


def test_views_within_the_interval_are_written_together_in_one_statement(advertiser, twelve_slots, monkeypatch):
    """The views of ``IMPRESSIONS_FLUSH_SECONDS`` are held; the first view after it writes them all, its own
    included, in one statement."""
    clock = [1000.0]
    monkeypatch.setattr("insights.impressions.time.monotonic", lambda: clock[0])
    assert writes(advertiser) == 0
    clock[0] += settings.IMPRESSIONS_FLUSH_SECONDS - 0.01
    assert writes(advertiser) == 0 and not Impression.objects.exists()
    clock[0] += 0.01
    assert writes(advertiser) == 1
    assert set(Impression.objects.values_list("count", flat=True)) == {3} and Impression.objects.count() == 12
    assert writes(advertiser) == 0  # a new interval from here


def test_at_zero_each_view_is_written_at_once(advertiser, twelve_slots, settings):
    settings.IMPRESSIONS_FLUSH_SECONDS = 0
    assert [writes(advertiser), writes(advertiser)] == [1, 1]
    assert set(Impression.objects.values_list("count", flat=True)) == {2}


def test_views_the_database_refused_are_written_by_the_next_flush(advertiser, twelve_slots, monkeypatch):
    advertiser.get("/square/")
    with monkeypatch.context() as refusing:
        refusing.setattr("insights.impressions.impressions_add", Mock(side_effect=OperationalError("down")))
        with pytest.raises(OperationalError):
            impressions_flush()
    advertiser.get("/square/")
    assert sum(counts().values()) == 24


def test_leaderboard_views_count_on_their_board(advertiser):
    a, b = make_creator(), make_creator()
    index_row(a, TODAY, composite=70.0)
    index_row(b, TODAY - timedelta(days=2), plays_total=100)
    index_row(b, TODAY - timedelta(days=1), plays_total=900)
    refresh()
    advertiser.get("/leaderboards/")
    advertiser.get("/leaderboards/?board=daily")
    advertiser.get("/leaderboards/?board=daily")
    assert counts() == {(a.pk, Surface.BUSINESS_BOARD): 1, (b.pk, Surface.DAILY_BOARD): 2}


@pytest.mark.parametrize("who", ["operator_client", "viewer_client", "creator_client"])
def test_operators_and_creators_views_do_not_count(request, who):
    """Impressions measure exposure to advertisers: a creator looking at their own card, or an operator
    checking the page, is not one."""
    creator = make_creator(level=2, codes=("square_ad_slot",))
    index_row(creator, TODAY, composite=70.0)
    viewer = request.getfixturevalue(who)
    refresh()
    assert viewer.get("/square/").status_code == 200
    assert viewer.get("/leaderboards/").status_code == 200
    assert counts() == {}


def test_a_head_request_shows_nothing_and_counts_nothing(advertiser):
    index_row(make_creator(), TODAY, composite=70.0)
    refresh()
    assert advertiser.head("/square/").status_code == 200
    assert advertiser.head("/leaderboards/").status_code == 200
    assert counts() == {}


def test_a_view_is_counted_on_the_local_day(advertiser, monkeypatch):
    creator = make_creator()
    late = NOW.replace(hour=23, minute=59)
    monkeypatch.setattr("square.clock.now", lambda: late)
    refresh()
    advertiser.get("/square/")
    monkeypatch.setattr("square.clock.now", lambda: late + timedelta(minutes=2))
    advertiser.get("/square/")
    impressions_flush()
    assert set(Impression.objects.values_list("creator_id", "date", "count")) == {
        (creator.pk, TODAY, 1),
        (creator.pk, TODAY + timedelta(days=1), 1),
    }


# --- the upsert -----------------------------------------------------------------------------------------


def test_the_upsert_adds_to_existing_counts_and_creates_new_ones():
    a, b = make_creator(), make_creator()
    day = date(2026, 12, 1)
    Impression.objects.create(creator=a, date=day, surface=Surface.SQUARE, count=40)
    written = impressions_add(rows=[(a.pk, day, Surface.SQUARE, 3), (b.pk, day, Surface.SQUARE_SLOT, 2),
                                    (a.pk, day, Surface.SQUARE, 1), (b.pk, day, Surface.SQUARE, 0)])  # fmt: skip
    assert written == 2
    assert set(Impression.objects.values_list("creator_id", "surface", "count")) == {
        (a.pk, Surface.SQUARE, 44),
        (b.pk, Surface.SQUARE_SLOT, 2),
    }


def test_nothing_to_write_writes_nothing(django_assert_num_queries):
    with django_assert_num_queries(0):
        assert impressions_add(rows=[]) == 0


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("flush_seconds", [0, 5])
def test_simultaneous_views_all_count(client_user, settings, flush_seconds):
    """Views at the same moment lose nothing: written each at once, each view's statement adds in the
    database; held, each adds under the process's lock."""
    settings.IMPRESSIONS_FLUSH_SECONDS = flush_seconds
    creator = make_creator()
    refresh()
    views, barrier = 6, threading.Barrier(6)

    def view() -> None:
        browser = Client()
        browser.force_login(client_user)
        barrier.wait()
        assert browser.get("/square/").status_code == 200
        connection.close()

    threads = [threading.Thread(target=view) for _ in range(views)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    impressions_flush()
    assert Impression.objects.get(creator=creator).count == views


def synchronous_commit() -> str | None:
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SHOW synchronous_commit")
        return cursor.fetchone()[0]


@pytest.mark.django_db(transaction=True)
def test_a_page_views_statement_alone_commits_without_waiting_for_the_disk():
    """Outside a transaction the upsert carries ``SET LOCAL synchronous_commit = off`` in its own string (on
    PostgreSQL): that statement only; what follows waits for the disk again. Inside one, it is left alone."""
    creator = make_creator()
    row = [(creator.pk, TODAY, Surface.SQUARE, 1)]
    before = synchronous_commit()
    with CaptureQueriesContext(connection) as captured:
        impressions_add(rows=row, wait_for_disk=False)
    postgres = connection.vendor == "postgresql"
    assert captured[0]["sql"].startswith("SET LOCAL synchronous_commit = off;") is postgres
    assert synchronous_commit() == before and before in (None, "on")
    assert Impression.objects.get(creator=creator).count == 1
    from django.db import transaction

    with transaction.atomic(), CaptureQueriesContext(connection) as captured:
        impressions_add(rows=row, wait_for_disk=False)
        assert synchronous_commit() == before  # the caller's transaction keeps its own commit
    assert captured[0]["sql"].startswith("INSERT")
    with CaptureQueriesContext(connection) as captured:
        impressions_add(rows=row)  # the default waits
    assert captured[0]["sql"].startswith("INSERT")
    assert Impression.objects.get(creator=creator).count == 3
