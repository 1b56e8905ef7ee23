"""`make prod-smoke`: the production setup on this machine, end to end.

Runs the site as deploy/ runs it — DEBUG off, a fresh random SECRET_KEY, PostgreSQL (DATABASE_URL) and Redis
(REDIS_URL) from the environment, SECURE_SSL_REDIRECT=true, secure ``__Host-`` cookies, HSTS and
TRUSTED_PROXY_COUNT=1 — with migrate and collectstatic into a temporary VAR_DIR, then gunicorn (README.md's
command, on a free local port), one Celery worker and Celery beat. It talks HTTP to gunicorn directly and
sends ``X-Forwarded-Proto: https`` and ``X-Forwarded-For`` as the nginx site in deploy/ does, and checks:

1. /healthz answers ok for the database and the broker;
2. plain HTTP (no X-Forwarded-Proto) is redirected to https;
3. a hashed static file from the manifest is served by WhiteNoise with a year-long Cache-Control;
4. a creator signs in (the demo seed's creator/creator) and a signed-in page answers 200;
5. a job run sent through the broker, as beat sends it, is completed by the worker;
6. the worker and beat are still running.

The three processes are stopped on every exit. Any failed check exits 1 with a message saying which.
``--stop-worker-before-jobs`` stops the worker before check 5, to watch that check fail.
It writes to the database in DATABASE_URL (migrations, a small demo seed): give it a throw-away one.
"""

import argparse
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
from datetime import timedelta
from http.client import HTTPConnection
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
JOB = "compute_index"  # the daily Xingtu index: quick on a small seed, and a job beat sends every day
CREATORS = 20


class CheckFailed(Exception):
    pass


def say(text: str) -> None:
    print(f"prod-smoke: {text}", flush=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Site:
    """The gunicorn under test, spoken to as the HTTPS proxy in front of it would."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, *, body: dict | None = None, https: bool = True):
        headers = {"Host": f"127.0.0.1:{self.port}", "X-Forwarded-For": "203.0.113.7"}
        if https:
            headers["X-Forwarded-Proto"] = "https"
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        data = None
        if body is not None:
            data = urllib.parse.urlencode(body).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            # Django's CSRF check on HTTPS compares Origin (and Referer) with the host.
            headers["Origin"] = f"https://127.0.0.1:{self.port}"
            headers["Referer"] = f"https://127.0.0.1:{self.port}{path}"
        connection = HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            connection.request(method, path, body=data, headers=headers)
            response = connection.getresponse()
            content = response.read()
        finally:
            connection.close()
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name.strip()] = rest.split(";", 1)[0]
        return response, content


class Smoke:
    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.var_dir = Path(tempfile.mkdtemp(prefix="xt-prod-smoke-"))
        self.port = free_port()
        self.env = self.production_env()
        self.processes: dict[str, subprocess.Popen] = {}
        self.logs: dict[str, Path] = {}

    def production_env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if k not in ("DEBUG", "READ_DOT_ENV", "CELERY_TASK_ALWAYS_EAGER")}
        env.update(
            SECRET_KEY=secrets.token_urlsafe(50),
            ALLOWED_HOSTS="127.0.0.1",
            CSRF_TRUSTED_ORIGINS=f"https://127.0.0.1:{self.port}",
            SECURE_SSL_REDIRECT="true",
            SECURE_HSTS_SECONDS="31536000",
            TRUSTED_PROXY_COUNT="1",
            VAR_DIR=str(self.var_dir),
            PYTHONUNBUFFERED="1",
        )
        return env

    # --- processes -----------------------------------------------------------------------------------

    def manage(self, *args: str) -> None:
        say("manage.py " + " ".join(args))
        result = subprocess.run(
            [str(BIN / "python"), "manage.py", *args], cwd=ROOT, env=self.env, capture_output=True, text=True
        )
        if result.returncode:
            raise CheckFailed(f"manage.py {args[0]} failed ({result.returncode}):\n{result.stdout}{result.stderr}")

    def start(self, name: str, command: list[str]) -> None:
        self.logs[name] = self.var_dir / f"{name}.log"
        with open(self.logs[name], "wb") as log:
            # A session of its own: stopping it stops its children too (gunicorn's and Celery's workers).
            self.processes[name] = subprocess.Popen(
                command, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
            )
        say(f"started {name} (pid {self.processes[name].pid}): {' '.join(command)}")

    def stop(self, name: str) -> None:
        process = self.processes.get(name)
        if process is None or process.poll() is not None:
            return
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()

    def stop_all(self) -> None:
        for name in ("beat", "worker", "web"):
            self.stop(name)

    def tail(self, name: str, lines: int = 25) -> str:
        path = self.logs.get(name)
        if not path or not path.exists():
            return ""
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])

    # --- the run -------------------------------------------------------------------------------------

    def run(self) -> None:
        self.manage("migrate", "--noinput", "--verbosity", "0")
        self.manage("collectstatic", "--noinput", "--verbosity", "0")
        # Demo logins with well-known passwords only because this database is thrown away.
        at = time.strftime("%Y-%m-%dT%H:%M:%S", time.localtime(time.time() - timedelta(days=40).total_seconds()))
        self.manage("seed_demo", "--creators", str(CREATORS), "--demo-logins", "--at", at)
        self.manage("check", "--deploy", "--fail-level", "WARNING")
        self.started = time.time()
        # README.md "Production": gunicorn config.wsgi --bind … --workers 4 --timeout 30 (two workers here).
        self.start(
            "web",
            [
                str(BIN / "gunicorn"),
                "config.wsgi",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                "2",
                "--timeout",
                "30",
            ],
        )
        celery = [str(BIN / "celery"), "-A", "config.celery_app"]
        self.start(
            "worker", [*celery, "worker", "-l", "info", "--concurrency", "2", "--hostname", f"smoke{self.port}@%h"]
        )
        self.start("beat", [*celery, "beat", "-l", "info", "--pidfile", str(self.var_dir / "beat.pid")])
        site = Site(self.port)
        self.check_health(site)
        self.check_redirect(site)
        self.check_static(site)
        self.check_sign_in(site)
        if self.args.stop_worker_before_jobs:
            say("stopping the worker before the job check (--stop-worker-before-jobs)")
            self.stop("worker")
        self.check_job()
        for name in ("web", "worker", "beat"):
            if self.processes[name].poll() is not None:
                raise CheckFailed(f"{name} exited ({self.processes[name].returncode}):\n{self.tail(name)}")
        say("ok: web, worker and beat still running")

    def check_health(self, site: Site) -> None:
        deadline = time.time() + 40
        while True:
            if self.processes["web"].poll() is not None:
                raise CheckFailed(f"gunicorn exited ({self.processes['web'].returncode}):\n{self.tail('web')}")
            try:
                response, content = site.request("GET", "/healthz")
                break
            except OSError:
                if time.time() > deadline:
                    raise CheckFailed(f"gunicorn did not answer /healthz within 40 s:\n{self.tail('web')}") from None
                time.sleep(0.5)
        body = json.loads(content)
        if response.status != 200 or body.get("database") != "ok" or body.get("broker") != "ok":
            raise CheckFailed(f"/healthz: {response.status} {body} (wanted 200 with database and broker ok)")
        say(f"ok: /healthz {body}")

    def check_redirect(self, site: Site) -> None:
        response, _ = Site(self.port).request("GET", "/accounts/login/", https=False)
        location = response.getheader("Location", "")
        if response.status != 301 or not location.startswith("https://"):
            raise CheckFailed(f"plain HTTP: {response.status} to {location!r} (wanted 301 to https://)")
        say(f"ok: plain HTTP redirected to {location}")

    def check_static(self, site: Site) -> None:
        manifest = json.loads((self.var_dir / "staticfiles" / "staticfiles.json").read_text())
        hashed = manifest["paths"]["vendor/htmx.min.js"]
        response, content = site.request("GET", f"/static/{hashed}")
        cache = response.getheader("Cache-Control", "")
        max_age = re.search(r"max-age=(\d+)", cache)
        if response.status != 200 or not content or not max_age or int(max_age.group(1)) < 365 * 24 * 3600:
            raise CheckFailed(f"/static/{hashed}: {response.status}, Cache-Control {cache!r} (wanted 200, a year)")
        say(f"ok: /static/{hashed} {len(content):,} bytes, Cache-Control {cache}")

    def check_sign_in(self, site: Site) -> None:
        response, content = site.request("GET", "/accounts/login/")
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', content)
        if response.status != 200 or not token or "__Host-csrftoken" not in site.cookies:
            raise CheckFailed(f"sign-in page: {response.status}, cookies {sorted(site.cookies)} (wanted a form)")
        form = {"csrfmiddlewaretoken": token.group(1).decode(), "username": "creator", "password": "creator"}
        response, _ = site.request("POST", "/accounts/login/", body=form)
        if response.status != 302 or "__Host-sessionid" not in site.cookies:
            raise CheckFailed(f"sign-in as creator: {response.status}, cookies {sorted(site.cookies)}")
        home = response.getheader("Location")
        response, content = site.request("GET", home)
        # Only a signed-in page carries the sign-out form (templates/base.html).
        if response.status != 200 or b'action="/accounts/logout/"' not in content:
            raise CheckFailed(f"signed-in page {home}: {response.status} (wanted 200 with the sign-out form)")
        say(f"ok: signed in as creator, {home} answers 200")

    def check_job(self) -> None:
        """Send the job's task as beat does and wait for the worker to finish its run (any run of that
        period started after the processes did: beat's reconciler may claim it first, through the worker too)."""
        code = f"""
import sys, time
from datetime import datetime, timezone as tz
from django.utils import timezone
from config.celery_app import app
from levels import schedule
from levels.models import JobRun
due = schedule.due_now({JOB!r}, timezone.now())
app.send_task(schedule.JOB_TASK, args=[{JOB!r}])
since = datetime.fromtimestamp({self.started}, tz.utc)
deadline = time.time() + {self.args.job_timeout}
while time.time() < deadline:
    run = JobRun.objects.filter(job={JOB!r}, key=due.key, started_at__gte=since).first()
    if run and run.status != JobRun.Status.RUNNING:
        print(run.pk, run.status, run.started_by, run.summary)
        sys.exit(0 if run.status == JobRun.Status.DONE else 1)
    time.sleep(0.5)
print("no finished run of {JOB}", due.key, "within {self.args.job_timeout} s")
sys.exit(1)
"""
        result = subprocess.run(
            [str(BIN / "python"), "manage.py", "shell", "--no-imports", "-c", code],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
        )
        if result.returncode:
            raise CheckFailed(
                f"job run through the broker: {result.stdout}{result.stderr}\nworker:\n{self.tail('worker')}"
            )
        say(f"ok: {JOB} run through the broker: {result.stdout.strip()}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--stop-worker-before-jobs", action="store_true", help="stop the worker before the job check")
    parser.add_argument("--job-timeout", type=int, default=60, help="seconds to wait for the job run (default 60)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary VAR_DIR (logs, static files)")
    args = parser.parse_args()
    missing = [name for name in ("DATABASE_URL", "REDIS_URL") if not os.environ.get(name)]
    if missing:
        print(
            f"prod-smoke: {' and '.join(missing)} must be set (PostgreSQL and Redis, throw-away ones)", file=sys.stderr
        )
        return 2
    if not os.environ["DATABASE_URL"].startswith(("postgres://", "postgresql://")):
        print("prod-smoke: DATABASE_URL must be a PostgreSQL URL (postgres://…), as in production", file=sys.stderr)
        return 2
    if not os.environ["REDIS_URL"].startswith(("redis://", "rediss://")):
        print("prod-smoke: REDIS_URL must be a Redis URL (redis://…)", file=sys.stderr)
        return 2
    smoke = Smoke(args)
    # SIGTERM/SIGINT become an exception, so the finally below stops the processes either way.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    began = time.time()
    try:
        smoke.run()
    except CheckFailed as failure:
        print(f"prod-smoke: FAILED: {failure}", file=sys.stderr)
        return 1
    finally:
        smoke.stop_all()
        if args.keep:
            say(f"kept {smoke.var_dir}")
        else:
            shutil.rmtree(smoke.var_dir, ignore_errors=True)
    say(f"all checks passed in {time.time() - began:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
