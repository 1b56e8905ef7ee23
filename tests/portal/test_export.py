"""下载我的数据 (docs/privacy.md): the signed-in creator downloads their own data as a JSON attachment, in a
fixed number of queries however many rows they have; only ever their own; every download audited."""

import json
from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from creators.models import AuditLog
from levels.erasure import EXPORT_ACTION
from tests.builders import AT, post
from tests.console import ledger

URL = reverse("profile-export")


def download(client) -> tuple[object, dict]:
    response = client.get(URL)
    assert response.status_code == 200
    return response, json.loads(b"".join(response.streaming_content))


def test_the_creator_downloads_their_own_data_as_an_attachment(creator_client, creator, other_creator):
    ledger.card(creator, expires_at=timezone.now() + timedelta(days=5))
    ledger.message(creator)
    ledger.recommendation(creator)
    theirs = post(other_creator, 2, at=AT, plays=1)
    ledger.message(other_creator)

    response, data = download(creator_client)

    assert response["Content-Disposition"] == (
        f'attachment; filename="xingtu-{creator.external_id}-{timezone.localdate():%Y%m%d}.json"'
    )
    assert response["Content-Type"].startswith("application/json")
    assert set(response["Cache-Control"].split(", ")) == {"private", "no-store"}
    assert data["format"] == "xingtu-creator-export/1"
    assert data["profile"]["external_id"] == creator.external_id
    assert data["profile"]["nickname"] == creator.nickname
    assert data["profile"]["intro"] == creator.intro
    assert len(data["content"]) == creator.contents.count() > 0
    assert {row["external_id"] for row in data["content"]}.isdisjoint({c.external_id for c in theirs})
    assert len(data["orders"]) == creator.orders.count()
    assert len(data["course_progress"]) == creator.course_progress.count()
    assert [m["title"] for m in data["messages"]] == list(
        creator.messages.order_by("created_at").values_list("title", flat=True)
    )
    assert data["program"]["creator"] == creator.external_id
    assert len(data["program"]["guarantee_cards"]) == 1
    assert data["client_recommendations"][0]["client_name"] == "某美妆品牌"
    assert sum(month["posts"] for month in data["activity_by_month"]) == len(data["content"])


def test_every_download_is_audited_without_its_content(creator_client, creator):
    download(creator_client)

    row = AuditLog.objects.get(action=EXPORT_ACTION)
    assert (row.actor, row.creator_id, row.target_id) == (creator.user, creator.pk, str(creator.pk))
    assert creator.nickname not in json.dumps([row.detail, row.before, row.after, row.reason], ensure_ascii=False)


def test_the_queries_do_not_grow_with_the_rows(creator_client, creator):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            download(creator_client)
        return len(captured)

    few = queries()
    post(creator, 300, at=AT, plays=5)
    for _ in range(30):
        ledger.message(creator)
    for _ in range(5):
        ledger.card(creator, expires_at=timezone.now() + timedelta(days=5))
        ledger.dispatch(creator)
    assert queries() == few


def test_only_a_signed_in_creator_downloads(client, operator_client, creator):
    assert operator_client.get(URL).status_code == 403
    operator_client.logout()
    assert client.get(URL).status_code == 302


def test_a_head_request_is_refused_and_not_audited(creator_client):
    assert creator_client.head(URL).status_code == 405
    assert not AuditLog.objects.filter(action=EXPORT_ACTION).exists()


def test_the_profile_page_links_the_download(creator_client):
    response = creator_client.get(reverse("profile"))
    assert response.status_code == 200
    assert f'href="{URL}"'.encode() in response.content
