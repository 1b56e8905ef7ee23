"""/healthz: the liveness probe (docs/interfaces.md §4)."""

import pytest
from django.db import OperationalError
from django.test import Client

pytestmark = pytest.mark.django_db


def test_healthz_reports_database_ok(client: Client, settings) -> None:
    response = client.get("/healthz")

    assert response.status_code == 200
    data = response.json()
    assert data["status"] == "ok"
    assert data["database"] == "ok"
    if settings.REDIS_URL:  # CI's live Redis; the filesystem broker has tests of its own below
        assert data["broker"] == "ok"


def test_healthz_needs_no_login_and_is_never_cached(client: Client) -> None:
    response = client.get("/healthz")

    assert response.status_code == 200
    assert "no-cache" in response["Cache-Control"]
    assert "no-store" in response["Cache-Control"]


def test_healthz_refuses_post(client: Client) -> None:
    assert client.post("/healthz").status_code == 405


def test_healthz_reports_filesystem_broker_without_redis(client: Client, settings, tmp_path) -> None:
    settings.REDIS_URL = ""
    settings.CELERY_BROKER_TRANSPORT_OPTIONS = {"data_folder_in": str(tmp_path)}

    assert client.get("/healthz").json()["broker"] == "filesystem"


def test_healthz_reports_missing_queue_folder(client: Client, settings, tmp_path) -> None:
    settings.REDIS_URL = ""
    settings.CELERY_BROKER_TRANSPORT_OPTIONS = {"data_folder_in": str(tmp_path / "missing")}

    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json()["broker"].startswith("error: ")


def test_healthz_reports_unreachable_redis_but_stays_up(client: Client, settings) -> None:
    # Pages still work without a broker (jobs wait), so only the database decides the status.
    settings.REDIS_URL = "redis://127.0.0.1:1/0"

    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json()["broker"].startswith("error: ")


class _DownConnection:
    def cursor(self):
        raise OperationalError("connection refused")


def test_healthz_answers_503_when_database_is_down(client: Client, monkeypatch) -> None:
    monkeypatch.setattr("config.views.connection", _DownConnection())

    response = client.get("/healthz")

    assert response.status_code == 503
    data = response.json()
    assert data["status"] == "error"
    assert data["database"].startswith("error: ")
