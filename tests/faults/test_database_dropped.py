"""The database connection of a request dropped while its view runs (the server ends it, as a
PostgreSQL restart or a failover would): that request gets the 500 page, in Chinese, rendered without
the database; the next request to the same server process works, Django having opened a new connection.

The server is gunicorn with one sync worker, as in production, so both requests are served by the
same process. The view is caught mid-query for certain: the test holds a lock on the table it reads,
finds the request's backend waiting on it in ``pg_locks`` and terminates that backend."""

import socket
import sys
import threading
import urllib.error
import urllib.request

import psycopg
import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client

from tests.faults.conftest import child_env, database_url, wait_for

pytestmark = [pytest.mark.faults, pytest.mark.django_db(transaction=True)]
TABLE = "benefits_featuredcase"  # what /cases/ reads


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def get(url: str, *, session: str | None = None) -> tuple[int, str]:
    request = urllib.request.Request(url, headers={"Cookie": f"sessionid={session}"} if session else {})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def waiting_backend() -> int | None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pid FROM pg_locks WHERE NOT granted AND relation = %s::regclass", [TABLE])
        row = cursor.fetchone()
    return row[0] if row else None


def test_a_request_whose_connection_drops_gets_the_500_page_and_the_next_one_works(start_process):
    client = Client()
    client.force_login(User.objects.create_user("reader", password="pw"))
    session = client.cookies["sessionid"].value
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = child_env(DJANGO_SETTINGS_MODULE="tests.faults.server_settings", ALLOWED_HOSTS="127.0.0.1",
                    SECURE_COOKIES="false")  # fmt: skip
    server = start_process(
        [sys.executable, "-m", "gunicorn", "config.wsgi", "--workers", "1", "--bind", f"127.0.0.1:{port}"],
        env=env,
        name="gunicorn",
    )

    def up() -> bool:
        try:
            return get(f"{base}/healthz")[0] == 200
        except OSError:
            return False

    wait_for(up, seconds=30, what="gunicorn to answer", process=server)
    status, body = get(f"{base}/cases/", session=session)  # the worker keeps its connection (CONN_MAX_AGE)
    assert status == 200 and "精选案例" in body
    workers = server.children()
    assert len(workers) == 1

    answers: list[tuple[int, str]] = []
    with psycopg.connect(database_url()) as blocker:
        blocker.execute(f"LOCK TABLE {TABLE} IN ACCESS EXCLUSIVE MODE")  # the view's read waits
        request = threading.Thread(target=lambda: answers.append(get(f"{base}/cases/", session=session)))
        request.start()
        pid = wait_for(waiting_backend, seconds=30, what="the view to wait on its query", process=server)
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
        request.join(timeout=30)
        blocker.rollback()

    status, body = answers[0]
    assert status == 500
    assert "服务暂时出错" in body and "请稍后刷新重试" in body, body[:500]
    status, body = get(f"{base}/cases/", session=session)
    assert status == 200 and "精选案例" in body
    assert server.children() == workers  # the same process, on a new connection
