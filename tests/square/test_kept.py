"""The square kept (``square.kept``, ``lib.kept``): a client sees what a fresh draw shows after the listing
is refreshed, a creator on the page changes or leaves, or the counts change; a kept answer costs three
queries and counts its impressions as a drawn one; a creator's view, which marks their card, names their
place and carries their unread messages, is drawn every time."""

import re
from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from creators.models import AssistantMessage, Creator
from insights.impressions import impressions_flush
from insights.models import Impression
from lib import kept as store
from square.listing import creator_erased_drop
from square.models import SquareCount
from square.selectors import AD_POSITIONS, PAGE_SIZE
from tests.square.conftest import NOW, make_creator, refresh

pytestmark = pytest.mark.django_db
URL = "/square/"
KEPT = 3  # session, user, the viewer with the fingerprint (the impressions are written every few seconds)
CSRF = re.compile(r'(name="csrfmiddlewaretoken" value="|"x-csrftoken": ")[A-Za-z0-9]+')


def page(client: Client, url: str = URL) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return CSRF.sub(r"\1…", response.content.decode())


def drawn(client: Client, url: str = URL) -> str:
    store.clear()
    page(client, url)  # the cards are noted
    return page(client, url)


def queries(client: Client, url: str = URL) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.fixture
def listed(db) -> list[Creator]:
    """More creators than a page holds, ad-slot holders among them, in the day's listing."""
    found = [make_creator(level=2, codes=("square_ad_slot",), posts=3) for _ in range(AD_POSITIONS)]
    found += [make_creator(level=1 + i % 3, posts=i % 7, region=("上海", "北京")[i % 2]) for i in range(PAGE_SIZE + 5)]
    refresh()
    return found


def first_shown(html: str) -> Creator:
    return next(c for c in Creator.objects.order_by("pk") if c.nickname in html)


# Writes to what a page is drawn from, as the product and people make them (``update()`` sends no signal).
WRITES = {
    "listing refreshed the next day": lambda html: refresh(NOW + timedelta(days=1)),
    "a shown creator renamed": lambda html: Creator.objects.filter(pk=first_shown(html).pk).update(nickname="改名"),
    "a shown creator's intro": lambda html: Creator.objects.filter(pk=first_shown(html).pk).update(intro="新简介"),
    "a shown creator erased": lambda html: creator_erased_drop(creator_id=first_shown(html).pk),
}


@pytest.mark.parametrize("write", WRITES)
def test_after_any_write_the_next_view_is_what_a_fresh_draw_shows(advertiser: Client, listed, write) -> None:
    before = drawn(advertiser)
    assert page(advertiser) == before
    if store.supported():
        assert queries(advertiser) == KEPT

    WRITES[write](before)

    after = page(advertiser)
    assert after != before
    assert after == drawn(advertiser)


def test_the_counts_of_the_region_filter_are_read_again(advertiser: Client, listed) -> None:
    before = drawn(advertiser)
    SquareCount.objects.filter(region="").update(count=999)  # the total the page names
    after = page(advertiser)
    assert after != before and after == drawn(advertiser)


def test_a_change_to_a_creator_not_on_the_page_keeps_it(advertiser: Client, listed) -> None:
    html = drawn(advertiser)
    unseen = next(c for c in Creator.objects.order_by("-pk") if c.nickname not in html)
    Creator.objects.filter(pk=unseen.pk).update(nickname="不在这一页")
    assert page(advertiser) == html
    if store.supported():
        assert queries(advertiser) == KEPT


def test_a_kept_answer_counts_its_impressions_as_a_drawn_one(advertiser: Client, listed) -> None:
    drawn(advertiser)  # two views, the second kept
    impressions_flush()
    counts = dict(Impression.objects.values_list("creator_id", "count"))
    assert len(counts) == AD_POSITIONS + PAGE_SIZE and set(counts.values()) == {2}
    page(advertiser)
    impressions_flush()
    assert set(Impression.objects.values_list("count", flat=True)) == {3}


def test_each_viewer_gets_their_own_page(client_user, me, listed) -> None:
    """The creator's card is marked and ranked for them, not for an advertiser viewing the same page."""
    refresh()  # the listing with ``me``
    viewers = {"creator": Client(), "advertiser": Client()}
    viewers["creator"].force_login(me.user)
    viewers["advertiser"].force_login(client_user)
    seen = {who: drawn(browser, URL + "?page=me") for who, browser in viewers.items()}
    for _ in range(2):
        assert {who: page(browser, URL + "?page=me") for who, browser in viewers.items()} == seen
    assert 'id="me"' in seen["creator"] and 'id="me"' not in seen["advertiser"]


def test_a_user_linked_to_another_creator_is_told_that_ones_place(creator_client: Client, me, listed) -> None:
    """On a page showing neither creator, only the place the page names for the viewer changes."""
    refresh()
    url = next(u for u in (URL, URL + "?page=2") if me.nickname not in drawn(creator_client, u))
    before = drawn(creator_client, url)
    other = next(c for c in reversed(listed) if c.nickname not in before)
    Creator.objects.filter(pk=me.pk).update(user=None)
    Creator.objects.filter(pk=other.pk).update(user=me.user)
    after = page(creator_client, url)
    assert after != before and after == drawn(creator_client, url)


def test_a_creators_view_shows_a_new_message_at_once(creator_client: Client, me, listed) -> None:
    refresh()
    before = drawn(creator_client)
    AssistantMessage.objects.create(creator=me, kind="info", title="新消息", created_at=NOW)
    after = page(creator_client)
    assert after != before and after == drawn(creator_client)


def test_a_user_given_the_console_sees_its_link_at_once(advertiser: Client, client_user, listed) -> None:
    before = drawn(advertiser)
    assert 'href="/console/"' not in before
    client_user.groups.add(Group.objects.get(name=settings.OPERATORS_GROUP))
    after = page(advertiser)
    assert 'href="/console/"' in after and after == drawn(advertiser)
