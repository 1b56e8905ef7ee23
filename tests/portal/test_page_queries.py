"""What the creator's main pages cost in queries once the process has read the rules in force (kept per
process, ``levels.rules``): a fixed number per page, whatever the creator's history, messages or an
override. Every query is a round trip, and under load the round trips are what these pages wait on."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from benefits.models import LevelPackage
from creators.models import AssistantMessage
from levels.overrides import override_set
from lib import kept as store
from lib.periods import Month
from portal import clock
from tests.builders import AT, order, post
from tests.portal.support import assess, now  # noqa: F401

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("now")]

# session, user, creator (with the unread badge and the console link, subqueries); the version in force; the
# creator's rows (with the level held and the levels' values); the override; then each page's own reads (首页:
# its messages; 我的权益: the catalogue, the entitlements with their latest case, the cards with the DOU+ total).
PAGES = {"/": (7, "星图小助手"), "/levels/": (8, "<title>权益中心"), "/benefits/": (9, "<title>我的权益")}
# A page kept since it was drawn (``portal.kept``, on PostgreSQL): the session, the user, and the creator read
# with the page's fingerprint.
KEPT = {"/": 3, "/levels/": 3, "/benefits/": 3}


def queries(client: Client, path: str, *, drawn: bool = True) -> int:
    """The queries of one view of ``path``: ``drawn`` (none of the process's kept pages), else as it comes."""
    if drawn:
        store.clear()
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200
    assert PAGES[path][1] in response.content.decode()  # the page itself, not an error page
    return len(captured)


def test_each_page_takes_its_fixed_number_of_queries_whatever_the_data(creator_client: Client, creator) -> None:
    assess()
    for path in PAGES:
        creator_client.get(path)  # the process reads the rules in force once
    assert {path: queries(creator_client, path) for path in PAGES} == {p: n for p, (n, _) in PAGES.items()}
    assert_kept(creator_client)
    post(creator, 40, at=AT, plays=5_000, likes=10)
    for day in range(20):
        order(creator, completed_at=AT - timedelta(days=day))
    AssistantMessage.objects.bulk_create(
        AssistantMessage(creator=creator, kind="info", title=f"m{i}", created_at=AT) for i in range(12)
    )
    ops = User.objects.create_user("ops-q")
    override_set(creator=creator, level=4, reason="合作补偿", until=Month(2027, 1), actor=ops, request_id="q1", at=AT)
    assert {path: queries(creator_client, path) for path in PAGES} == {p: n for p, (n, _) in PAGES.items()}
    assert_kept(creator_client)


def assert_kept(client: Client) -> None:
    """Viewed again with nothing changed, a kept page costs ``KEPT``; where rows have no versions (SQLite)
    every view draws the page."""
    for path in PAGES:
        client.get(path)
    again = {path: queries(client, path, drawn=False) for path in PAGES}
    drawn = {p: n for p, (n, _) in PAGES.items()}
    assert again == ({**drawn, **KEPT} if store.supported() else drawn)


def test_levels_reads_the_version_in_force_once_for_a_creator_never_assessed(
    creator_client: Client, monkeypatch
) -> None:
    """The "judged by" line names the version in force, the one the page's rules were read from (when the
    portal's clock is the real one, as outside tests: the rules are those in force now)."""
    monkeypatch.setattr(clock, "now", timezone.now)
    creator_client.get("/levels/")
    assert queries(creator_client, "/levels/") == PAGES["/levels/"][0]


def test_an_operators_change_to_the_levels_values_shows_on_the_next_request(creator_client: Client) -> None:
    """The values are read with the creator's rows on every request (never kept): a change made any way —
    here an ``update()``, which sends no signal — is on the next page."""
    creator_client.get("/levels/")
    LevelPackage.objects.update(value_yuan=70_000)
    assert "解锁 ¥7万 权益" in creator_client.get("/levels/").content.decode()
    LevelPackage.objects.update(value_yuan=80_000)
    assert "解锁 ¥8万 权益" in creator_client.get("/levels/").content.decode()
