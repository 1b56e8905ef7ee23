"""``POST /api/v1/ingest``: token auth, the answers integrations parse, streaming bodies."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from creators.models import Content, Creator

from .lines import content_line, creator_line, jsonl_text

pytestmark = pytest.mark.django_db

URL = "/api/v1/ingest"


def post(client: Client, body: str, raw_token: str | None, *, query: str = ""):
    headers = {"Authorization": f"Bearer {raw_token}"} if raw_token else {}
    return client.post(URL + query, data=body.encode(), content_type="application/x-ndjson", headers=headers)


def test_the_route_is_named_api_ingest():
    assert reverse("api-ingest") == URL


def test_a_valid_token_loads_the_body_and_answers_the_summary(client, token):
    ingest_token, raw = token

    response = post(client, jsonl_text([creator_line("c-1"), content_line()]), raw)

    assert response.status_code == 200
    assert response.json() == {"accepted": 2, "rejected": 0, "by_type": {"creator": 1, "content": 1}, "valid": 2}
    assert Content.objects.count() == 1
    ingest_token.refresh_from_db()
    assert ingest_token.last_used_at is not None


@pytest.mark.parametrize(
    "authorization",
    [None, "Bearer", "Bearer xt_not-a-real-token", "Basic dXNlcjpwYXNz"],
    ids=["missing", "empty", "wrong", "other-scheme"],
)
def test_without_a_valid_token_the_answer_is_401_and_nothing_is_stored(client, token, authorization):
    headers = {"Authorization": authorization} if authorization else {}

    response = client.post(
        URL, data=jsonl_text([creator_line("c-1")]).encode(), content_type="text/plain", headers=headers
    )

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Bearer"
    assert "error" in response.json()
    assert not Creator.objects.exists()


def test_a_revoked_token_is_refused(client, token):
    ingest_token, raw = token
    ingest_token.revoked_at = timezone.now()
    ingest_token.save()

    response = post(client, jsonl_text([creator_line("c-1")]), raw)

    assert response.status_code == 401


def test_a_rejected_line_answers_400_with_the_rejects_and_stores_nothing(client, token):
    response = post(client, jsonl_text([creator_line("c-1"), content_line(effective_plays=-5), "{"]), token[1])

    assert response.status_code == 400
    assert response.json() == {
        "accepted": 0,
        "rejected": 2,
        "by_type": {},
        "valid": 1,
        "rejects": [
            {"line": 2, "reason": '"effective_plays" must be a non-negative integer, got -5'},
            {"line": 3, "reason": "not valid JSON (Expecting property name enclosed in double quotes at column 2)"},
        ],
    }
    assert not Creator.objects.exists()


def test_skip_invalid_stores_the_valid_lines_and_lists_the_rejects(client, token):
    response = post(
        client, jsonl_text([creator_line("c-1"), content_line(kind="x")]), token[1], query="?skip_invalid=1"
    )

    assert response.status_code == 200
    assert response.json()["rejects"] == [{"line": 2, "reason": '"kind" must be one of "video", "live", got "x"'}]
    assert Creator.objects.count() == 1


def test_get_is_not_allowed(client, token):
    response = client.get(URL, headers={"Authorization": f"Bearer {token[1]}"})

    assert response.status_code == 405


def test_no_csrf_token_is_needed_the_bearer_token_is_the_protection(token):
    client = Client(enforce_csrf_checks=True)

    response = post(client, jsonl_text([creator_line("c-1")]), token[1])

    assert response.status_code == 200


def test_a_body_larger_than_the_upload_memory_limit_is_streamed(client, token, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    body = jsonl_text([creator_line("c-1"), *(content_line(f"v-{n}") for n in range(100))])
    assert len(body) > 10 * 1024

    response = post(client, body, token[1])

    assert response.status_code == 200
    assert response.json()["accepted"] == 101


def test_the_400_answer_lists_at_most_the_first_hundred_rejects(client, token):
    response = post(client, jsonl_text(["nope"] * 150), token[1])

    body = response.json()
    assert (response.status_code, body["rejected"]) == (400, 150)
    assert [reject["line"] for reject in body["rejects"]] == list(range(1, 101))


# --- the body limit (INGEST_MAX_BODY_MB, docs/interfaces.md §4) -----------------------------------------


class Unreadable:
    """A request body that fails the test if anything reads it."""

    def read(self, *args):
        raise AssertionError("the body was read")

    readline = read


def test_a_body_declared_over_the_limit_is_refused_413_before_it_is_read(client, token, settings):
    settings.INGEST_MAX_BODY_MB = 1
    limit = 1024 * 1024
    response = client.generic(
        "POST", URL, headers={"Authorization": f"Bearer {token[1]}"},
        CONTENT_LENGTH=str(limit + 1), **{"wsgi.input": Unreadable()},
    )  # fmt: skip

    assert response.status_code == 413
    assert response.json()["max_bytes"] == limit
    assert "INGEST_MAX_BODY_MB=1" in response.json()["error"] and "manage.py ingest" in response.json()["error"]
    assert not Creator.objects.exists()


def test_a_body_of_exactly_the_limit_is_loaded(client, token, settings):
    settings.INGEST_MAX_BODY_MB = 1
    lines = jsonl_text([creator_line("c-1")])
    body = lines + "\n" * (1024 * 1024 - len(lines.encode()))  # padded with blank lines to the byte
    assert len(body.encode()) == 1024 * 1024

    response = post(client, body, token[1])

    assert response.status_code == 200 and response.json()["accepted"] == 1
    assert Creator.objects.filter(external_id="c-1").exists()


def test_the_limit_is_not_asked_of_an_unauthenticated_caller(client, token, settings):
    """401 comes first: the size of a body says nothing to a caller without a token."""
    settings.INGEST_MAX_BODY_MB = 1
    response = client.generic("POST", URL, CONTENT_LENGTH=str(2 * 1024 * 1024), **{"wsgi.input": Unreadable()})
    assert response.status_code == 401
