"""接入令牌 in the console, the ``ingest_token`` command and the admin: one audited service each way, the
raw token shown once on the creating response and kept nowhere else."""

import io

import pytest
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.management import CommandError, call_command
from django.db import connection
from django.http import HttpRequest
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from console.forms import new_request_id
from creators.models import AuditLog, IngestToken
from creators.tokens import token_create, token_revoke
from lib.errors import ApplicationError

pytestmark = pytest.mark.django_db

URL = reverse("console:tokens")


def create(client, name: str = "数据平台", request_id: str | None = None):
    return client.post(URL, {"name": name, "request_id": request_id or new_request_id()})


def raw_of(response) -> str:
    body = response.content.decode()
    start = body.index('id="raw-token">') + len('id="raw-token">')
    return body[start : body.index("<", start)]


def assert_in_no_cookie(response, raw: str) -> None:
    """No Set-Cookie of the response carries the token: not as text, and not inside the messages cookie,
    whose value is signed and compressed (so a plain search would miss it)."""
    assert response.cookies, "the test means something only if the response sets cookies"
    for name, morsel in response.cookies.items():
        assert raw not in morsel.OutputString(), name
        if name == CookieStorage.cookie_name and morsel.value:
            decoded = CookieStorage(HttpRequest())._decode(morsel.value) or []
            assert all(raw not in str(message) for message in decoded), name


def authorized(raw: str, client) -> int:
    # One valid line: an empty body is refused (400) whatever the token.
    line = b'{"type": "creator", "id": "c-token", "nickname": "token check"}\n'
    return client.post("/api/v1/ingest", line, content_type="application/x-ndjson",
                       HTTP_AUTHORIZATION=f"Bearer {raw}").status_code  # fmt: skip


# --- Create -------------------------------------------------------------------------------------


def test_creating_shows_the_raw_token_once_on_the_response_and_stores_its_hash(operator_client, operator):
    response = create(operator_client)

    assert response.status_code == 200  # rendered, not a redirect carrying the token
    raw = raw_of(response)
    token = IngestToken.objects.get()
    assert raw.startswith(token.prefix) and raw not in token.token_hash
    assert IngestToken.objects.matching(raw).get() == token
    assert token.created_by == operator
    row = AuditLog.objects.get()
    assert (row.action, row.actor, row.target_id) == ("token.create", operator, str(token.pk))


def test_the_raw_token_is_in_no_cookie_session_or_message(operator_client):
    response = create(operator_client)
    raw = raw_of(response)

    assert_in_no_cookie(response, raw)
    assert all(raw not in str(value) for value in operator_client.session.values())
    assert not list(response.context["messages"])
    again = operator_client.get(URL).content.decode()
    assert raw not in again and IngestToken.objects.get().prefix in again


def test_the_created_token_authorizes_the_ingest(operator_client, client):
    raw = raw_of(create(operator_client))
    assert authorized(raw, client) == 200


def test_posting_the_same_form_twice_creates_one_token(operator_client):
    request_id = new_request_id()
    create(operator_client, request_id=request_id)

    response = create(operator_client, request_id=request_id)

    assert response.status_code == 200
    assert "这次提交已经处理过了" in response.content.decode()
    assert 'id="raw-token"' not in response.content.decode()
    assert IngestToken.objects.count() == AuditLog.objects.count() == 1


def test_a_blank_name_is_refused_and_writes_nothing(operator_client):
    response = create(operator_client, name="  ")

    assert response.status_code == 200
    assert 'id="raw-token"' not in response.content.decode()
    assert not IngestToken.objects.exists() and not AuditLog.objects.exists()


# --- List ---------------------------------------------------------------------------------------


def test_the_list_shows_each_token_in_constant_queries(operator_client, operator, django_assert_num_queries):
    token_create(name="first", actor=operator, request_id=None)
    with CaptureQueriesContext(connection) as first:
        assert operator_client.get(URL).status_code == 200
    for i in range(5):
        token_create(name=f"t{i}", actor=None if i % 2 else operator, request_id=None)

    with django_assert_num_queries(len(first)):
        response = operator_client.get(URL)

    body = response.content.decode()
    assert "first" in body and "t4" in body and "ops1" in body


def test_the_viewer_sees_the_list_without_forms_and_may_not_act(viewer_client, operator):
    token, _ = token_create(name="数据平台", actor=operator, request_id=None)

    body = viewer_client.get(URL).content.decode()

    assert "数据平台" in body and token.prefix in body
    assert 'name="name"' not in body and reverse("console:token-revoke", args=[token.pk]) not in body
    assert create(viewer_client).status_code == 403
    revoke = reverse("console:token-revoke", args=[token.pk])
    assert viewer_client.post(revoke, {"request_id": new_request_id()}).status_code == 403
    assert IngestToken.objects.count() == 1 and AuditLog.objects.filter(action="token.revoke").count() == 0


# --- Revoke -------------------------------------------------------------------------------------


def test_revoking_stops_the_token_and_is_audited(operator_client, operator, client):
    token, raw = token_create(name="数据平台", actor=None, request_id=None)

    response = operator_client.post(reverse("console:token-revoke", args=[token.pk]), {"request_id": new_request_id()})

    assert response.status_code == 302 and response["Location"] == URL
    token.refresh_from_db()
    assert token.revoked_at is not None
    row = AuditLog.objects.get(action="token.revoke")
    assert (row.actor, row.target_id) == (operator, str(token.pk))
    assert authorized(raw, client) == 401


def test_revoking_with_htmx_swaps_the_row_and_toasts(operator_client):
    token, _ = token_create(name="数据平台", actor=None, request_id=None)

    response = operator_client.post(reverse("console:token-revoke", args=[token.pk]),
                                    {"request_id": new_request_id()}, headers={"HX-Request": "true"})  # fmt: skip

    body = response.content.decode()
    assert "<html" not in body and f'id="token-{token.pk}"' in body
    assert "已吊销" in body and "toast-success" in body


def test_revoking_twice_writes_one_row(operator_client):
    token, _ = token_create(name="数据平台", actor=None, request_id=None)
    url = reverse("console:token-revoke", args=[token.pk])

    operator_client.post(url, {"request_id": new_request_id()})
    operator_client.post(url, {"request_id": new_request_id()})

    assert AuditLog.objects.filter(action="token.revoke").count() == 1


def test_revoke_answers_no_get(operator_client):
    token, _ = token_create(name="数据平台", actor=None, request_id=None)
    assert operator_client.get(reverse("console:token-revoke", args=[token.pk])).status_code == 405


def test_a_revoked_token_is_refused_by_the_service():
    token, _ = token_create(name="x", actor=None, request_id=None)
    token_revoke(token_id=token.pk, actor=None, request_id=None, at=timezone.now())

    with pytest.raises(ApplicationError) as refused:
        token_revoke(token_id=token.pk, actor=None, request_id=None, at=timezone.now())

    assert refused.value.code == "already_revoked"
    assert AuditLog.objects.filter(action="token.revoke").count() == 1


# --- The command --------------------------------------------------------------------------------


def test_the_command_prints_the_raw_token_last_and_stores_only_its_hash(client):
    out = io.StringIO()
    call_command("ingest_token", "数据平台", stdout=out, stderr=io.StringIO())

    raw = out.getvalue().strip().splitlines()[-1]
    token = IngestToken.objects.get()
    assert token.name == "数据平台" and token.created_by is None
    assert IngestToken.objects.matching(raw).exists() and raw != token.token_hash
    assert AuditLog.objects.get().action == "token.create"
    assert authorized(raw, client) == 200


def test_the_command_revokes_by_prefix(client):
    out = io.StringIO()
    call_command("ingest_token", "数据平台", stdout=out, stderr=io.StringIO())
    raw = out.getvalue().strip().splitlines()[-1]

    call_command("ingest_token", "--revoke", raw[:8], stdout=io.StringIO())

    assert IngestToken.objects.get().revoked_at is not None
    assert AuditLog.objects.filter(action="token.revoke", actor=None).count() == 1
    assert authorized(raw, client) == 401


def test_the_command_refuses_an_unknown_prefix_or_both_arguments():
    with pytest.raises(CommandError, match="no live token"):
        call_command("ingest_token", "--revoke", "xt_nope", stdout=io.StringIO())
    with pytest.raises(CommandError, match="either NAME"):
        call_command("ingest_token", "x", "--revoke", "xt_nope", stdout=io.StringIO())
    assert not AuditLog.objects.exists()


# --- The admin ----------------------------------------------------------------------------------


def test_the_admin_creates_through_the_service_and_shows_the_token_on_the_response(client, superuser):
    client.force_login(superuser)

    response = client.post("/admin/creators/ingesttoken/add/", {"name": "数据平台"})

    assert response.status_code == 200
    raw = raw_of(response)
    token = IngestToken.objects.get()
    assert IngestToken.objects.matching(raw).get() == token
    assert_in_no_cookie(response, raw)
    row = AuditLog.objects.get()
    assert (row.action, row.actor, row.target_id) == ("token.create", superuser, str(token.pk))


def test_the_admin_revoke_action_goes_through_the_service(client, superuser):
    token, _ = token_create(name="x", actor=None, request_id=None)
    client.force_login(superuser)

    client.post("/admin/creators/ingesttoken/", {"action": "revoke", "_selected_action": [token.pk]})

    token.refresh_from_db()
    assert token.revoked_at is not None
    assert AuditLog.objects.filter(action="token.revoke", actor=superuser).count() == 1
