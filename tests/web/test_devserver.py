"""`make run`'s supervisor (scripts/devserver.py): the web server, a Celery worker and Celery beat
start together, and stop together, on the default run's SQLite and filesystem broker."""

import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
START_TIMEOUT = 45


@pytest.fixture(scope="module")
def run_env(tmp_path_factory) -> dict[str, str]:
    """The environment of a newcomer's `make run`: DEBUG on, nothing else set, a migrated SQLite
    database in a VAR_DIR of its own (so the developer's var/ is left alone)."""
    var_dir = tmp_path_factory.mktemp("devserver") / "var"
    dropped = {"DATABASE_URL", "REDIS_URL", "CELERY_TASK_ALWAYS_EAGER", "SECRET_KEY"}
    env = {key: value for key, value in os.environ.items() if key not in dropped}
    env.update(DEBUG="1", VAR_DIR=str(var_dir), DJANGO_SETTINGS_MODULE="config.settings", NO_COLOR="1")
    var_dir.mkdir(parents=True)
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "--verbosity", "0"],
        cwd=ROOT,
        env=env,
        check=True,
        timeout=180,
    )
    return env


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def live_group_members(pgid: int) -> list[int]:
    """Processes (zombies aside) still in the process group: the children and their pool workers."""
    members = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        state, _ppid, pgrp = stat.rsplit(")", 1)[1].split()[:3]  # the name before ")" may hold spaces
        if int(pgrp) == pgid and state != "Z":
            members.append(int(entry.name))
    return members


class DevServer:
    def __init__(self, env: dict[str, str], log_path: Path) -> None:
        self.port = free_port()
        self.log_path = log_path
        self._log = log_path.open("wb")
        # A session of its own, so the test can find (and in the worst case kill) everything it started.
        self.proc = subprocess.Popen(
            [sys.executable, "scripts/devserver.py", "--port", str(self.port)],
            cwd=ROOT,
            env=env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def output(self) -> str:
        return self.log_path.read_text(errors="replace")

    def wait_until_ready(self) -> dict[str, int]:
        """Wait for the login page to answer 200, the worker to say ready and beat to start; return
        the children's pids by name."""
        deadline = time.monotonic() + START_TIMEOUT
        page_ok = False
        while time.monotonic() < deadline:
            assert self.proc.poll() is None, f"devserver exited early:\n{self.output()}"
            if not page_ok:
                try:
                    with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/accounts/login/", timeout=2) as r:
                        page_ok = r.status == 200
                except (urllib.error.URLError, OSError):
                    pass
            out = self.output()
            if page_ok and re.search(r"worker\|.*celery@\S+ ready\.", out) and "beat: Starting..." in out:
                return {name: int(pid) for name, pid in re.findall(r"started (\w+) \(pid (\d+)\)", out)}
            time.sleep(0.3)
        pytest.fail(f"devserver not ready in {START_TIMEOUT}s:\n{self.output()}")

    def close(self) -> None:
        """Whatever happened, leave nothing running."""
        if live_group_members(self.proc.pid):
            os.killpg(self.proc.pid, signal.SIGKILL)
        if self.proc.poll() is None:
            self.proc.wait(timeout=10)
        self._log.close()


@pytest.fixture
def devserver(run_env, tmp_path):
    server = DevServer(run_env, tmp_path / "devserver.log")
    yield server
    server.close()


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def test_sigterm_stops_web_worker_and_beat(devserver: DevServer, run_env) -> None:
    pids = devserver.wait_until_ready()
    assert set(pids) == {"web", "worker", "beat"}
    assert all(alive(pid) for pid in pids.values())
    # Nobody made the broker's folders beforehand: the Celery processes create them as they start.
    assert (Path(run_env["VAR_DIR"]) / "celery" / "queue").is_dir()

    devserver.proc.send_signal(signal.SIGTERM)

    assert devserver.proc.wait(timeout=30) == 0, devserver.output()
    # Not only the three children: the worker's pool processes must be gone as well.
    assert live_group_members(devserver.proc.pid) == []


def test_one_child_dying_stops_the_others_and_fails(devserver: DevServer) -> None:
    pids = devserver.wait_until_ready()

    os.kill(pids["beat"], signal.SIGKILL)

    assert devserver.proc.wait(timeout=30) != 0
    assert "beat exited" in devserver.output()
    assert live_group_members(devserver.proc.pid) == []
