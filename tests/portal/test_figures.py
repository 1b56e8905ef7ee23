"""Pages write related figures in one unit (docs/ui.md "Look"): an entry's plays beside its task's
threshold, money in 万, exact figures near the bar and in titles."""

import pytest
from django.test import Client
from django.utils import timezone

from benefits.services.cards import card_attach
from tests.activity_builders import card, content, entry, task
from tests.portal.support import text

pytestmark = pytest.mark.django_db


def guarantee_entry(creator, plays: int):
    t = task(guarantee=True, threshold=100_000)
    e = entry(creator, t, content=content(creator, title="作品"), effective_plays=plays)
    card_attach(creator=creator, card_id=card(creator).pk, entry=e, at=timezone.now())
    return t


def test_an_entrys_plays_and_its_tasks_threshold_share_a_unit(creator_client: Client, creator) -> None:
    t = guarantee_entry(creator, 72_258)
    response = creator_client.get(f"/tasks/{t.code}/")
    assert response.status_code == 200
    assert "有效播放 7.2万 / 要求 10万" in text(response)
    assert 'title="72,258 / 100,000"' in response.content.decode()


def test_plays_just_under_the_threshold_read_exactly(creator_client: Client, creator) -> None:
    t = guarantee_entry(creator, 99_950)
    assert "有效播放 99,950 / 要求 100,000" in text(creator_client.get(f"/tasks/{t.code}/"))


def test_the_same_in_english(creator_client: Client, creator) -> None:
    t = guarantee_entry(creator, 72_258)
    creator_client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    body = text(creator_client.get(f"/tasks/{t.code}/"))
    assert "72.3k" in body and "100k" in body
