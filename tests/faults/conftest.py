"""Fault tests (pytest -m faults): a broker down, a worker killed, a database connection dropped, run
against the real services — PostgreSQL (DATABASE_URL) and Redis (REDIS_URL), as in CI and production.
Without them each test FAILS, it never skips: ``make test`` deselects the marker only when DATABASE_URL
or REDIS_URL is unset and CI is not set (a laptop on SQLite), and .ci/run sets both.

After every fault test ``levels.invariants`` must hold (``invariants_hold``)."""

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import redis
from django.conf import settings
from django.db import connection

from config.celery_app import app
from levels.invariants import invariants_check, invariants_violated
from tests.celery_broker import reconnect

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def services(transactional_db) -> None:
    """PostgreSQL and Redis, or a failure that says how to get them."""
    if connection.vendor != "postgresql":
        pytest.fail("the fault tests need PostgreSQL: set DATABASE_URL=postgres://… (make test deselects them without)")
    if not settings.REDIS_URL:
        pytest.fail("the fault tests need Redis: set REDIS_URL=redis://… (make test deselects them without)")
    try:
        redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=2).ping()
    except redis.RedisError as exc:
        pytest.fail(f"the fault tests need Redis at {settings.REDIS_URL}: {exc}")


@pytest.fixture(autouse=True)
def invariants_hold(services) -> Iterator[None]:
    """After the test (before its database is emptied): every invariant holds."""
    yield
    violated = invariants_violated(invariants_check())
    assert violated == [], violated


@pytest.fixture
def broker() -> Iterator[None]:
    """Tasks go through the real Redis (not eager), its database emptied before and after: the queue and
    the tasks a killed worker left unacknowledged, which a later test's worker would otherwise restore."""
    saved = {key: app.conf[key] for key in ("task_always_eager", "broker_url")}
    app.conf.task_always_eager = False
    reconnect()
    redis.Redis.from_url(settings.REDIS_URL).flushdb()
    try:
        yield
    finally:
        redis.Redis.from_url(settings.REDIS_URL).flushdb()
        app.conf.update(saved)
        reconnect()


def database_url() -> str:
    """The test database as a URL, for the processes the tests start (they see what the tests commit)."""
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    return f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def child_env(**extra: str) -> dict[str, str]:
    """The environment of a worker or server the tests start: production settings (tasks not eager) on
    the test database and the test Redis."""
    env = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "CELERY_"))}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        SECRET_KEY=settings.SECRET_KEY,  # sessions the tests sign are the server's
        DEBUG="0",
        DATABASE_URL=database_url(),
        REDIS_URL=settings.REDIS_URL,
        READ_DOT_ENV="0",
    )
    return {**env, **extra}


class Process:
    """A process the test started in a session of its own, so that the whole tree (a worker's main
    process and its pool) is signalled at once; stopped at the end of the test whatever happened."""

    def __init__(self, args: list[str], *, env: dict[str, str], log: Path) -> None:
        self.log = log
        self.popen = subprocess.Popen(
            args, cwd=ROOT, env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT, start_new_session=True
        )

    def kill(self, sig: int = signal.SIGKILL) -> None:
        if self.popen.poll() is None:
            os.killpg(self.popen.pid, sig)
        self.popen.wait(timeout=30)

    def children(self) -> list[int]:
        out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(self.popen.pid)], capture_output=True, text=True)
        return sorted(int(pid) for pid in out.stdout.split())

    def output(self) -> str:
        return self.log.read_text(errors="replace")


@pytest.fixture
def start_process(tmp_path) -> Iterator[Callable[..., Process]]:
    started: list[Process] = []

    def start(args: list[str], *, env: dict[str, str], name: str) -> Process:
        process = Process(args, env=env, log=tmp_path / f"{name}.log")
        started.append(process)
        return process

    yield start
    for process in started:
        try:
            process.kill(signal.SIGTERM)
        except subprocess.TimeoutExpired:
            process.kill()


@pytest.fixture
def start_worker(start_process) -> Callable[..., Process]:
    """A real Celery worker (prefork pool, one process) on the test database and Redis."""
    count = iter(range(1, 100))

    def start(**env: str) -> Process:
        n = next(count)
        args = [sys.executable, "-m", "celery", "-A", "config.celery_app", "worker", "--pool", "prefork",
                "--concurrency", "1", "--without-gossip", "--without-mingle", "--without-heartbeat",
                "--loglevel", "INFO", "--hostname", f"faults{n}@%h"]  # fmt: skip
        return start_process(args, env=child_env(**env), name=f"worker{n}")

    return start


def wait_for(condition: Callable[[], object], *, seconds: float, what: str, process: Process | None = None):
    """Poll ``condition`` until it is truthy (its value is returned) or fail after ``seconds``."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if value := condition():
            return value
        time.sleep(0.1)
    log = f"\n--- {process.log.name} ---\n{process.output()[-4000:]}" if process else ""
    pytest.fail(f"timed out after {seconds}s waiting for {what}{log}")
