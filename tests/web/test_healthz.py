"""/healthz: the liveness probe (docs/interfaces.md §4). Anyone gets states; staff and console users
also get the error texts (hosts, ports, driver messages) under ``detail``."""

import pytest
from django.contrib.auth.models import Group
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
    assert response.json() == {"status": "ok", "database": "ok", "broker": "down"}
    assert "missing" not in response.content.decode()


def test_healthz_reports_unreachable_redis_but_stays_up(client: Client, settings) -> None:
    # Pages still work without a broker (jobs wait), so only the database decides the status.
    settings.REDIS_URL = "redis://127.0.0.1:1/0"

    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "broker": "down"}
    assert "127.0.0.1" not in response.content.decode()


@pytest.fixture
def staff(django_user_model):
    return django_user_model.objects.create_user("support", password="pw", is_staff=True)


@pytest.fixture
def console_viewer(django_user_model, settings):
    user = django_user_model.objects.create_user("viewer1", password="pw")
    user.groups.add(Group.objects.get(name=settings.VIEWERS_GROUP))
    return user


@pytest.mark.parametrize("who", ["staff", "console_viewer"])
def test_healthz_tells_staff_and_console_users_what_went_wrong(client: Client, settings, request, who) -> None:
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    client.force_login(request.getfixturevalue(who))

    data = client.get("/healthz").json()

    assert data["broker"] == "down"
    assert data["detail"]["database"] == "ok"
    assert data["detail"]["broker"].startswith("error: ") and "127.0.0.1" in data["detail"]["broker"]


def test_healthz_tells_other_signed_in_users_only_states(client: Client, settings, django_user_model) -> None:
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    client.force_login(django_user_model.objects.create_user("someone", password="pw"))

    assert client.get("/healthz").json() == {"status": "ok", "database": "ok", "broker": "down"}


class _DownConnection:
    def cursor(self):
        raise OperationalError("connection refused")


def test_healthz_answers_503_when_database_is_down(client: Client, monkeypatch) -> None:
    monkeypatch.setattr("config.views.connection", _DownConnection())

    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": "down", "broker": response.json()["broker"]}
    assert "connection refused" not in response.content.decode()


def test_healthz_gives_staff_the_database_error(client: Client, monkeypatch, staff) -> None:
    monkeypatch.setattr("config.views.connection", _DownConnection())
    client.force_login(staff)

    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json()["detail"]["database"] == "error: OperationalError: connection refused"
