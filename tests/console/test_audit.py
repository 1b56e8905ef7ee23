"""审计日志: filters, newest first, times in Asia/Shanghai, constant queries, and rows nobody can change."""

from datetime import UTC, datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from creators.models import AuditLog
from creators.services import audit_record
from lib.periods import TZ
from tests.builders import creator_at_level

pytestmark = pytest.mark.django_db

URL = reverse("console:audit")


def row(action: str, *, actor=None, creator=None, at: datetime | None = None, **extra) -> AuditLog:
    made = audit_record(actor=actor, action=action, target=creator, creator_id=creator.pk if creator else None, **extra)
    if at is not None:  # ``at`` is auto_now_add: move it after the insert
        AuditLog.objects.filter(pk=made.pk).update(at=at)
    return made


def shown(response) -> list[int]:
    return [r.pk for r, _changes in response.context["entries"]]


def test_rows_are_newest_first_with_actor_action_object_creator_reason_and_changes(viewer_client, operator):
    creator = creator_at_level(1, external_id="c-77")
    old = row("card.issue", actor=operator, creator=creator, at=datetime(2026, 5, 1, tzinfo=TZ))
    new = row("card.revoke", actor=operator, creator=creator, reason="重复发放",
              before={"status": "active"}, after={"status": "revoked"})  # fmt: skip

    response = viewer_client.get(URL)

    assert response.status_code == 200
    assert shown(response) == [new.pk, old.pk]
    body = response.content.decode()
    assert "card.revoke" in body and "ops1" in body and "重复发放" in body
    assert f'href="{reverse("console:creator", args=["c-77"])}"' in body
    assert "creators.Creator" in body and f"#{creator.pk}" in body
    assert "active → revoked" in body


def test_time_is_shown_in_shanghai_with_utc_in_the_title(viewer_client):
    row("token.create", at=datetime(2026, 5, 1, 16, 30, tzinfo=UTC))

    body = viewer_client.get(URL).content.decode()

    assert "2026-05-02 00:30:00" in body  # 16:30 UTC is the next morning in Shanghai
    assert 'title="UTC 2026-05-01 16:30:00"' in body


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"action": "card.issue"}, {"a"}),
        ({"action": "card."}, {"a", "b"}),
        ({"action": "card"}, set()),  # exact unless it ends with a dot
        ({"actor": "ops1"}, {"a", "c"}),
        ({"creator": "c-1"}, {"a", "b"}),
        ({"date_from": "2026-05-02"}, {"b", "c"}),
        ({"date_to": "2026-05-01"}, {"a"}),
        ({"date_from": "2026-05-02", "date_to": "2026-05-02", "actor": "ops1"}, {"c"}),
    ],
)
def test_filters(viewer_client, operator, query, expected):
    creator = creator_at_level(1, external_id="c-1")
    # 2026-05-01 23:30 in Shanghai is still 2026-05-01 there, though 15:30 UTC.
    rows = {
        "a": row("card.issue", actor=operator, creator=creator, at=datetime(2026, 5, 1, 23, 30, tzinfo=TZ)),
        "b": row("card.revoke", creator=creator, at=datetime(2026, 5, 2, 0, 30, tzinfo=TZ)),
        "c": row("token.create", actor=operator, at=datetime(2026, 5, 2, 12, 0, tzinfo=TZ)),
    }

    response = viewer_client.get(URL, query)

    assert set(shown(response)) == {rows[k].pk for k in expected}


def test_a_bad_date_is_shown_as_an_error_and_not_applied(viewer_client):
    row("token.create")

    response = viewer_client.get(URL, {"date_from": "yesterday"})

    assert response.status_code == 200
    assert len(shown(response)) == 1
    assert response.context["form"].errors["date_from"]


def test_pages_of_fifty_keep_the_filters(viewer_client):
    for _ in range(51):
        row("card.issue")

    first = viewer_client.get(URL, {"action": "card."})
    second = viewer_client.get(URL, {"action": "card.", "page": 2})

    assert len(shown(first)) == 50 and len(shown(second)) == 1
    assert "action=card.&amp;page=2" in first.content.decode()


def test_constant_query_count_as_rows_grow(viewer_client, operator):
    creator = creator_at_level(1)
    row("card.issue", actor=operator, creator=creator)
    with CaptureQueriesContext(connection) as first:
        viewer_client.get(URL)
    for i in range(10):
        row("card.issue", actor=operator, creator=creator_at_level(1), before={"n": i}, after={"n": i + 1})

    with CaptureQueriesContext(connection) as later:
        response = viewer_client.get(URL)

    assert response.status_code == 200 and len(shown(response)) == 11
    assert len(later) == len(first)


def test_the_page_offers_no_way_to_change_a_row(operator_client):
    row("card.issue")
    body = operator_client.get(URL).content.decode()
    table = body[body.index('<table class="table audit-table">') : body.index("</table>")]
    assert "<form" not in table and "<button" not in table
    assert operator_client.post(URL).status_code == 405


@pytest.mark.parametrize("who", ["creator_user", "client_user"])
def test_creators_and_clients_may_not_read_it(client, request, who):
    client.force_login(request.getfixturevalue(who))
    assert client.get(URL).status_code == 403


# --- The admin is read-only for everyone --------------------------------------------------------


def test_the_admin_cannot_add_change_or_delete_a_row_even_as_superuser(client, superuser):
    made = row("card.issue", reason="原因")
    client.force_login(superuser)
    base = "/admin/creators/auditlog/"

    assert client.get(base + "add/").status_code == 403
    client.post(base + f"{made.pk}/change/", {"reason": "改掉"})
    assert client.post(base + f"{made.pk}/delete/", {"post": "yes"}).status_code == 403
    client.post(base, {"action": "delete_selected", "_selected_action": [made.pk], "post": "yes"})

    made.refresh_from_db()
    assert made.reason == "原因"
    assert AuditLog.objects.count() == 1
    assert 'name="reason"' not in client.get(base + f"{made.pk}/change/").content.decode()
