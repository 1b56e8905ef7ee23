#!/usr/bin/env python3
"""Run the web server, a Celery worker and Celery beat together for local development (`make run`).

Standard library only. Each child's output is prefixed with its name. The children stay in this
process's group, so Ctrl-C in the terminal reaches all of them at once; SIGINT or SIGTERM sent to
this process alone is passed on. If one child dies, the others are stopped and this process exits
non-zero, so a broken worker is not hidden behind a working web page.

    python scripts/devserver.py [--host 127.0.0.1] [--port 8000] [--server runserver|gunicorn]
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GRACE_SECONDS = 15  # a warm Celery shutdown finishes the task at hand; past this the child is killed
COLOURS = {"web": "\033[36m", "worker": "\033[35m", "beat": "\033[33m", "dev": "\033[1m"}
RESET = "\033[0m"

_print_lock = threading.Lock()
_use_colour = sys.stdout.isatty() and not os.environ.get("NO_COLOR")


def say(name: str, line: str) -> None:
    prefix = f"{name:<6}|"
    if _use_colour:
        prefix = f"{COLOURS.get(name, '')}{prefix}{RESET}"
    with _print_lock:
        sys.stdout.write(f"{prefix} {line.rstrip()}\n")
        sys.stdout.flush()


def commands(args: argparse.Namespace) -> dict[str, list[str]]:
    py = sys.executable
    if args.server == "gunicorn":
        web = [py, "-m", "gunicorn", "config.wsgi", "-b", f"{args.host}:{args.port}", "--workers", "2"]
        web += ["--access-logfile", "-"]
    else:
        web = [py, "manage.py", "runserver", f"{args.host}:{args.port}", "--noreload"]
    celery = [py, "-m", "celery", "-A", "config.celery_app"]
    return {
        "web": web,
        "worker": [*celery, "worker", "-l", "info", "--concurrency", "2"],
        "beat": [*celery, "beat", "-l", "info"],
    }


def pump(name: str, stream) -> None:
    for raw in iter(stream.readline, b""):
        say(name, raw.decode("utf-8", "replace"))
    stream.close()


def announce_when_ready(host: str, port: int, stop: threading.Event) -> None:
    """Print the address once /healthz answers, so the line to click is the last one printed."""
    url = f"http://{host}:{port}/healthz"
    while not stop.wait(0.5):
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    say("dev", f"ready: http://{host}:{port}/  (health: {response.read().decode()})")
                    return
        except OSError:
            continue


class Supervisor:
    def __init__(self, cmds: dict[str, list[str]]) -> None:
        self.cmds = cmds
        self.children: dict[str, subprocess.Popen] = {}
        self.stopping = threading.Event()

    def start(self) -> None:
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        for name, cmd in self.cmds.items():
            child = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
            self.children[name] = child
            say("dev", f"started {name} (pid {child.pid}): {' '.join(cmd[1:])}")
            threading.Thread(target=pump, args=(name, child.stdout), daemon=True).start()

    def request_stop(self, signum: int, _frame: object) -> None:
        if not self.stopping.is_set():
            say("dev", f"{signal.Signals(signum).name} received: stopping all")
        self.stopping.set()

    def watch(self) -> int:
        """Wait until a stop is asked for or a child exits; return this process's exit code."""
        while not self.stopping.wait(0.2):
            for name, child in self.children.items():
                code = child.poll()
                if code is not None:
                    say("dev", f"{name} exited with code {code}: stopping the others")
                    self.stopping.set()
                    return code if code > 0 else 1
        return 0

    def stop_all(self) -> None:
        for child in self.children.values():
            if child.poll() is None:
                child.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + GRACE_SECONDS
        for name, child in self.children.items():
            try:
                child.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                say("dev", f"{name} did not stop in {GRACE_SECONDS}s: killing it")
                child.kill()
                child.wait()
        say("dev", "all stopped")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--server", choices=["runserver", "gunicorn"], default="runserver")
    args = parser.parse_args(argv)

    supervisor = Supervisor(commands(args))
    signal.signal(signal.SIGINT, supervisor.request_stop)
    signal.signal(signal.SIGTERM, supervisor.request_stop)
    supervisor.start()
    threading.Thread(target=announce_when_ready, args=(args.host, args.port, supervisor.stopping), daemon=True).start()
    code = supervisor.watch()
    supervisor.stop_all()
    return code


if __name__ == "__main__":
    sys.exit(main())
