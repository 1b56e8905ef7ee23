"""Time the largest body ``POST /api/v1/ingest`` takes, under gunicorn run as the README runs it.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/xt_bench .venv/bin/python bench/ingest_http.py

Runs ``migrate`` on whatever ``DATABASE_URL`` points at, generates the feed of bench/ingest.py and keeps
the longest run of whole lines that fits in ``INGEST_MAX_BODY_MB`` (the body the API still takes),
starts gunicorn with the README's command (``--workers 4``, its ``--timeout``) on a local port, posts the
body with a fresh ingest token and times the answer. A worker that runs past the timeout is killed
and the client gets no answer: the JSON then says ``"status": null``. The last stdout line is JSON.
See bench/README.md.
"""

import argparse
import http.client
import json
import os
import random
import socket
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("SECRET_KEY", "bench")

# The worker timeout of the README's gunicorn command (README.md, Production).
README_TIMEOUT_S = 30
# Bytes per line of the bench feed are about 212; generating at 150 a line always overshoots the limit.
SMALLEST_LINE_BYTES = 150
SHORT_LINE_BYTES = 50  # the same for --short, whose lines are about 60 bytes
BLOCK_BYTES = 64 * 1024


def feed_within(path: Path, limit: int, *, seed: int, short: bool) -> int:
    """Write the bench feed to ``path`` cut to the whole lines that fit in ``limit`` bytes; return the
    number of lines. A prefix of the feed is a valid feed: every creator is defined before its use."""
    from ingest import generate  # bench/ingest.py

    if short:
        short_lines(path, lines=limit // SHORT_LINE_BYTES, seed=seed)
    else:
        generate(path, lines=limit // SMALLEST_LINE_BYTES, seed=seed)
    with path.open("r+b") as feed:
        feed.seek(limit)
        feed.truncate()
        feed.seek(0)
        body = feed.read()
        end = body.rfind(b"\n") + 1
        feed.truncate(end)
    return body.count(b"\n", 0, end)


def short_lines(path: Path, *, lines: int, seed: int) -> None:
    """The most lines a body can hold: 1,000 creators, then only follower figures, the shortest line
    type (about 60 bytes against the realistic feed's 212), for random creators and days."""
    rng = random.Random(seed)
    start = date(2020, 1, 1)
    with path.open("w", encoding="utf-8") as out:
        for n in range(1000):
            out.write(
                json.dumps({"type": "creator", "id": f"c-{n}", "nickname": f"达人{n}"}, ensure_ascii=False) + "\n"
            )
        for _ in range(lines - 1000):
            day = (start + timedelta(days=rng.randrange(2000))).isoformat()
            line = {"type": "fans", "creator": f"c-{rng.randrange(1000)}", "date": day, "fans": rng.randrange(10**6)}
            out.write(json.dumps(line, separators=(",", ":")) + "\n")


def serve(port: int, timeout: int) -> subprocess.Popen:
    """gunicorn with the README's command, on 127.0.0.1:``port``; returns once it answers."""
    with socket.socket() as probe:  # a server already there would answer in gunicorn's place
        if probe.connect_ex(("127.0.0.1", port)) == 0:
            raise SystemExit(f"port {port} is in use: pass --port")
    env = {**os.environ, "ALLOWED_HOSTS": "127.0.0.1", "DEBUG": "0"}
    command = [sys.executable, "-m", "gunicorn", "config.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "4"]
    command += ["--timeout", str(timeout)]
    server = subprocess.Popen(command, cwd=ROOT, env=env)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"gunicorn exited with status {server.returncode}")
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            connection.request("GET", "/healthz")
            connection.getresponse().read()
            return server
        except OSError:
            time.sleep(0.2)
    server.terminate()
    raise SystemExit("gunicorn did not answer within 60 s")


def post(port: int, path: Path, token: str, *, wait: int) -> tuple[int | None, dict, float]:
    """POST the file as the body; the status (None when the connection dropped), the answer, seconds."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=wait, blocksize=BLOCK_BYTES)
    headers = {
        "Authorization": f"Bearer {token}",
        "Content-Type": "application/x-ndjson",
        "Content-Length": str(path.stat().st_size),
    }
    started = time.perf_counter()
    try:
        with path.open("rb") as body:
            connection.request("POST", "/api/v1/ingest", body=body, headers=headers)
            response = connection.getresponse()
            answer = response.read()
    except (http.client.HTTPException, OSError) as error:
        return None, {"error": f"{type(error).__name__}: {error}"}, time.perf_counter() - started
    seconds = time.perf_counter() - started
    try:
        return response.status, json.loads(answer), seconds
    except ValueError:
        return response.status, {"error": answer[:200].decode("utf-8", "replace")}, seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seed", type=int, default=1, help="random seed of the generated feed")
    parser.add_argument("--port", type=int, default=8791, help="local port for gunicorn (default 8791)")
    parser.add_argument("--timeout", type=int, default=README_TIMEOUT_S, help="gunicorn --timeout (the README's)")
    parser.add_argument(
        "--short", action="store_true", help="only the shortest lines (fans): the most lines a body holds"
    )
    args = parser.parse_args()

    sys.path.insert(0, str(ROOT / "bench"))
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    from creators.models import IngestToken

    call_command("migrate", verbosity=0)
    limit = settings.INGEST_MAX_BODY_MB * 1024 * 1024
    token = IngestToken(name="bench/ingest_http.py")
    raw = token.set_new_token()
    token.save()
    connection.close()  # the bench holds no connection while gunicorn works
    server = None
    try:
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "feed.jsonl"
            lines = feed_within(path, limit, seed=args.seed, short=args.short)
            size = path.stat().st_size
            print(f"feed: {lines:,} lines, {size:,} bytes (limit {limit:,})", file=sys.stderr)
            server = serve(args.port, args.timeout)
            status, answer, seconds = post(args.port, path, raw, wait=args.timeout + 30)
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
        IngestToken.objects.filter(pk=token.pk).delete()

    print(
        json.dumps(
            {
                "database": connection.vendor,
                "feed": "short" if args.short else "realistic",
                "lines": lines,
                "bytes": size,
                "limit_bytes": limit,
                "gunicorn_timeout_s": args.timeout,
                "status": status,
                "accepted": answer.get("accepted"),
                "error": answer.get("error"),
                "seconds": round(seconds, 2),
                "lines_per_s": round(lines / seconds),
            }
        )
    )


if __name__ == "__main__":
    main()
