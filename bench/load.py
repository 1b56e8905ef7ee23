"""Pages under load, on PostgreSQL: gunicorn (2 sync workers, production settings) serving the bench
database, and locust putting load on one page at a time, the framework's floor (``load_urls.floor``)
among them, once per database-connection mode.

Builds N creators with bench/assess.py's builder (unless ``--reuse``), spreads their profiles, levels,
square benefits and two days of index rows (``spread``), scores the square's listing of the day and ranks
the leaderboards as beat's refresh does (timed: ``listing_s``, ``boards_s``; with ``--reuse`` only what is
due, untimed), and opens one signed-in
session per role: a creator (bound to an LV3 creator in the middle of the population) for the portal, an
operator for the console, a client for the square and the leaderboards. Then, page by page and for each
page each mode (``--modes``) in turn, it starts gunicorn, warms the page, runs ``locust --headless`` on it
for ``--run-time`` seconds with ``--users`` users that never pause, and stops gunicorn; and prints one JSON
line: p50/p95/p99 (ms), requests/s and failures per page and mode, and each page's p95 over the floor's in
the same mode. ``--explain`` instead serves each page once in-process and times its queries; ``--breakdown N``
serves each page N times in-process and splits its time between queries, templates and the rest. The
same session views a page again and again, so 首页, 权益中心, 我的权益 and the console's run list are served
kept (``lib.kept``) but for the first view; ``--drawn`` keeps none, to measure them drawn on every view.

Usage (creates/overwrites the database named in DATABASE_URL):
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/xt_bench_load \\
        .venv/bin/python bench/load.py --creators 100000
"""

import argparse
import csv
import json
import os
import secrets
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from urllib.parse import quote

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
os.environ["DJANGO_SETTINGS_MODULE"] = "load_settings"
os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))  # the server's key: the sessions are signed with it
os.environ["ALLOWED_HOSTS"] = "127.0.0.1"
os.environ["SECURE_COOKIES"] = "false"  # plain HTTP on the loopback: a Secure cookie would never be sent
os.environ.setdefault("VAR_DIR", tempfile.mkdtemp(prefix="xt-load-"))  # collectstatic's output
sys.path.insert(0, str(BENCH))

from assess import build, sql  # noqa: E402  (also sets Django up)
from django.conf import settings  # noqa: E402
from django.contrib.auth.models import Group, User  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402
from load_urls import FLOOR_PATH  # noqa: E402

from creators.models import Creator  # noqa: E402
from lib.periods import local_date  # noqa: E402
from square.boards import boards_refresh  # noqa: E402
from square.listing import listing_refresh, refresh_due  # noqa: E402
from square.models import SquareEntry  # noqa: E402

WORKERS = 2
FLOOR_AGAIN = f"{FLOOR_PATH} (again)"
# Page → the role whose session requests it.
PAGES = {
    FLOOR_PATH: "client",
    "/": "creator",
    "/levels/": "creator",
    "/benefits/": "creator",
    "/console/creators/": "operator",
    "/console/runs/": "operator",
    "/square/": "client",
    # A filtered first page (one creator in twenty matches): the page counts the matches.
    quote("/square/?industry=美妆&region=北京", safe="/?=&"): "client",
    "/leaderboards/": "client",
}
# How the server holds its database connections: a pool per worker (DB_POOL_MAX), Django's persistent
# connection (CONN_MAX_AGE=60, the default without a pool), or a new connection per request.
MODES = {
    "pool": {"DB_POOL_MAX": "2", "DB_POOL_MIN": "1"},
    "persistent": {"CONN_MAX_AGE": "60"},
    "per_request": {"CONN_MAX_AGE": "0"},
}
REGIONS = ["上海", "北京", "广州", "深圳", "杭州", "成都", "武汉", "西安"]
INDUSTRIES = ['["美食"]', '["美妆"]', '["美食", "旅行"]', '["数码"]', '["母婴", "美妆"]']
# The benefits an LV2, LV3 and LV4 creator of the bench holds (delivered): identity tag and square benefits.
HELD = {
    2: ["identity_tag", "square_ad_slot", "diamond_slot"],
    3: ["identity_tag", "square_ad_slot_fixed", "diamond_slot", "leaderboard_priority"],
    4: ["identity_tag", "square_diamond_fixed", "square_ad_slot_fixed", "diamond_slot", "leaderboard_priority"],
}


def spread(now) -> None:
    """What the assessment builder leaves out and the pages read: eight regions and five industry mixes,
    levels (half the creators: LV1 20%, LV2, LV3 and LV4 10% each), the square benefits of LV2–LV4, the
    index rows of today and yesterday (the leaderboards) and a year of runs."""
    sql(
        """UPDATE creators_creator
           SET region = (%s::text[])[1 + id %% 8], industries = ((%s::text[])[1 + id %% 5])::jsonb""",
        [REGIONS, INDUSTRIES],
    )
    sql(
        """INSERT INTO levels_creatorlevel (creator_id, level, since)
           SELECT id, (ARRAY[1, 1, 2, 3, 4])[id %% 10 - 4], %s FROM creators_creator WHERE id %% 10 >= 5""",
        [now],
    )
    for level, codes in HELD.items():
        sql(
            """INSERT INTO benefits_entitlement (creator_id, benefit_id, kind, level, period, quantity, delivered,
                   status, overdue, granted_at)
               SELECT l.creator_id, b.id, 'basic', l.level, '', 1, 1, 'delivered', false, %s
               FROM levels_creatorlevel l, benefits_benefit b WHERE l.level = %s AND b.code = ANY(%s)""",
            [now, level, codes],
        )
    sql("TRUNCATE insights_dailyindex")
    sql(
        """INSERT INTO insights_dailyindex (creator_id, date, plays_total, composite)
           SELECT c.id, %s::date - d, c.id * 1000 + (c.id * 7919 %% 100000) * (2 - d), (c.id * 7919 %% 10000) / 100.0
           FROM creators_creator c, generate_series(0, 1) d""",
        [local_date(now)],
    )
    runs(now)
    sql("VACUUM ANALYZE")


def runs(now) -> None:
    """A year of finished runs, as beat leaves them (the console's run list and its fingerprint read them):
    each day's index and upgrade check, each month's assessment, each with a chunk per ``ASSESS_CHUNK_SIZE``
    creators (again: none added twice)."""
    sql(
        """INSERT INTO levels_jobrun (job, period, key, at, rules_snapshot, status, summary, started_at, heartbeat_at,
               finished_at, error, started_by)
           SELECT job, period, period, at, '{}', 'done', '{"assessed": 1000000, "up": 1200, "down": 900}', at,
               at + interval '4 minutes', at + interval '4 minutes', '', 'beat'
           FROM (SELECT j.job, to_char(%s::timestamptz - d * interval '1 day', 'YYYY-MM-DD') AS period,
                        %s::timestamptz - d * interval '1 day' AS at
                 FROM generate_series(1, 365) d, (VALUES ('compute_index'), ('assess_upgrade')) j (job)
                 UNION ALL
                 SELECT 'assess_monthly', to_char(%s::timestamptz - m * interval '1 month', 'YYYY-MM'),
                        %s::timestamptz - m * interval '1 month'
                 FROM generate_series(1, 12) m) runs
           ON CONFLICT (job, key) DO NOTHING""",
        [now] * 4,
    )
    sql(
        """INSERT INTO levels_jobchunk (run_id, index, first_id, last_id, status, attempts, stats, error)
           SELECT r.id, i, i * %s + 1, (i + 1) * %s, 'done', 1, '{}', ''
           FROM levels_jobrun r, generate_series(0, (SELECT count(*) FROM creators_creator) / %s - 1) i
           WHERE NOT EXISTS (SELECT FROM levels_jobchunk c WHERE c.run_id = r.id)""",
        [settings.ASSESS_CHUNK_SIZE] * 3,
    )


def sessions() -> dict[str, str]:
    """One signed-in session per role (the session cookie's value), the users made if missing."""
    middle = Creator.objects.filter(pk__gte=Creator.objects.count() // 2, level_held__level=3).order_by("pk").first()
    creator_user, _ = User.objects.get_or_create(username="bench-creator")
    Creator.objects.filter(user=creator_user).exclude(pk=middle.pk).update(user=None)
    middle.user = creator_user
    middle.save(update_fields=["user"])
    operator, _ = User.objects.get_or_create(username="bench-operator", defaults={"is_staff": True})
    operator.groups.add(Group.objects.get(name=settings.OPERATORS_GROUP))
    client_user, _ = User.objects.get_or_create(username="bench-client")
    client_user.groups.add(Group.objects.get(name=settings.CLIENTS_GROUP))
    keys = {}
    for role, user in {"creator": creator_user, "operator": operator, "client": client_user}.items():
        browser = Client()
        browser.force_login(user)
        keys[role] = browser.cookies[settings.SESSION_COOKIE_NAME].value
    return keys


def explain(pages: list[str], keys: dict[str, str]) -> dict:
    """Each page's queries, served once in this process and each run again under ``EXPLAIN ANALYZE``: the
    number of queries, the database's total execution time and the slowest query (ms, first 200
    characters). Where a page's time goes at this population."""
    found = {}
    for path in pages:
        browser = Client(SERVER_NAME="127.0.0.1")
        browser.cookies[settings.SESSION_COOKIE_NAME] = keys[PAGES[path]]
        with CaptureQueriesContext(connection) as queries:
            assert browser.get(path).status_code == 200, path
        timed = []
        with connection.cursor() as cursor:
            for query in queries.captured_queries:
                if not query["sql"].lstrip().upper().startswith("SELECT"):
                    continue  # the impressions' upsert, the session's update: writes are not run twice
                cursor.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + query["sql"])
                timed.append((cursor.fetchone()[0][0]["Execution Time"], query["sql"]))
        slowest = max(timed)
        found[path] = {
            "queries": len(queries.captured_queries),
            "select_ms": round(sum(ms for ms, _ in timed), 1),
            "slowest_ms": round(slowest[0], 1),
            "slowest": slowest[1][:200],
        }
    return found


def breakdown(pages: list[str], keys: dict[str, str], n: int) -> dict:
    """Where each page's time goes, served ``n`` times in this process (no server, no load): per request
    the wall time (ms), the queries, the time spent executing them (``db_ms``: the driver's call, the round
    trip and PostgreSQL's work), rendering templates (``template_ms``, the queries they make excluded) and
    the rest (``rest_ms``: middleware, the view's Python, building the queries' SQL)."""
    from django.template.backends.django import Template

    spent = {"db": 0.0, "queries": 0, "template": 0.0, "template_db": 0.0, "depth": 0}

    def timed_query(execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            took = time.perf_counter() - started
            spent["db"] += took
            spent["queries"] += 1
            spent["template_db"] += took if spent["depth"] else 0.0

    render = Template.render

    def timed_render(self, context=None, request=None):
        spent["depth"] += 1
        started = time.perf_counter()
        try:
            return render(self, context, request)
        finally:
            spent["depth"] -= 1
            spent["template"] += 0.0 if spent["depth"] else time.perf_counter() - started

    found = {}
    Template.render = timed_render
    try:
        for path in pages:
            browser = Client(SERVER_NAME="127.0.0.1")
            browser.cookies[settings.SESSION_COOKIE_NAME] = keys[PAGES[path]]
            for _ in range(5):  # templates loaded, connection open
                assert browser.get(path).status_code == 200, path
            spent.update(db=0.0, queries=0, template=0.0, template_db=0.0)
            with connection.execute_wrapper(timed_query):
                started = time.perf_counter()
                for _ in range(n):
                    browser.get(path)
                wall = (time.perf_counter() - started) * 1000 / n
            db, template = spent["db"] * 1000 / n, (spent["template"] - spent["template_db"]) * 1000 / n
            found[path] = {"ms": round(wall, 1), "queries": spent["queries"] // n, "db_ms": round(db, 1),
                           "template_ms": round(template, 1), "rest_ms": round(wall - db - template, 1)}  # fmt: skip
    finally:
        Template.render = render
    return found


def server(port: int, mode: str) -> subprocess.Popen:
    """gunicorn on the loopback with the bench settings (DEBUG off), answering once it serves the floor."""
    env = {**os.environ, "DEBUG": "false", "ALLOWED_HOSTS": "127.0.0.1", "PYTHONPATH": str(BENCH), **MODES[mode]}
    process = subprocess.Popen(
        [str(ROOT / ".venv/bin/gunicorn"), "config.wsgi", "--workers", str(WORKERS), "--bind", f"127.0.0.1:{port}",
         "--log-level", "warning"],
        cwd=ROOT, env=env,
    )  # fmt: skip
    for _ in range(100):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1)
            return process
        except OSError:
            time.sleep(0.2)
    process.terminate()
    sys.exit("gunicorn did not answer on /healthz within 20 s")


def warm(port: int, path: str, session: str, n: int = 2 * WORKERS) -> None:
    """A few requests first, so that each worker has loaded its templates and opened its connection."""
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", headers={"Cookie": f"sessionid={session}"})
    for _ in range(n):
        urllib.request.urlopen(request, timeout=60).read()


def load(port: int, path: str, session: str, users: int, run_time: int) -> dict:
    """One locust run on ``path``: its percentiles (ms), requests/s and failures."""
    with tempfile.TemporaryDirectory() as folder:
        prefix = str(Path(folder) / "run")
        subprocess.run(
            [str(ROOT / ".venv/bin/locust"), "-f", str(BENCH / "locustfile.py"), "--headless", "-u", str(users),
             "-r", str(users), "--run-time", f"{run_time}s", "--host", f"http://127.0.0.1:{port}", "--csv", prefix,
             "--only-summary", "--loglevel", "WARNING", "--stop-timeout", "10"],
            env={**os.environ, "LOAD_PATH": path, "LOAD_SESSION": session}, check=False, stdout=subprocess.DEVNULL,
        )  # fmt: skip
        with open(f"{prefix}_stats.csv", newline="") as stats:
            row = next(r for r in csv.DictReader(stats) if r["Name"] == path)
    return {
        "p50_ms": float(row["50%"]),
        "p95_ms": float(row["95%"]),
        "p99_ms": float(row["99%"]),
        "req_per_s": round(float(row["Requests/s"]), 1),
        "requests": int(row["Request Count"]),
        "failures": int(row["Failure Count"]),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--creators", type=int, default=100_000)
    parser.add_argument("--reuse", action="store_true", help="keep the data of a previous run")
    parser.add_argument("--users", type=int, default=4, help="locust users, each requesting without pause")
    parser.add_argument("--run-time", type=int, default=20, help="seconds of load on each page")
    parser.add_argument("--modes", default="pool,persistent", help=f"comma-separated, of {', '.join(MODES)}")
    parser.add_argument("--pages", default=",".join(PAGES), help="comma-separated paths (the floor always runs)")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--explain", action="store_true", help="only explain each page's queries (no load)")
    parser.add_argument("--breakdown", type=int, metavar="N", help="only time each page N times in-process (no load)")
    parser.add_argument("--drawn", action="store_true", help="keep no page: every view drawn")
    args = parser.parse_args()
    if args.drawn:  # KEPT_PAGES=0 for the server (its environment) and in this process
        os.environ["KEPT_PAGES"] = "0"
        settings.KEPT_PAGES = 0
    if connection.vendor != "postgresql":
        sys.exit("bench/load.py measures PostgreSQL: set DATABASE_URL=postgres://…")
    modes = args.modes.split(",")
    # The floor first and last: it is the quickest run, so what else the machine does moves it the most;
    # pages are compared with the mean of the two.
    pages = [FLOOR_PATH, *(p for p in args.pages.split(",") if p != FLOOR_PATH), FLOOR_AGAIN]
    if unknown := [m for m in modes if m not in MODES] + [p for p in pages if p not in PAGES and p != FLOOR_AGAIN]:
        sys.exit(f"unknown mode or page: {', '.join(unknown)}")
    call_command("migrate", verbosity=0)
    call_command("collectstatic", "--noinput", verbosity=0)
    now = timezone.now()
    if not args.reuse:
        build(args.creators)
        spread(now)
    elif Creator.objects.values("region").distinct().count() < len(REGIONS):
        # Built by another bench (one region, no levels spread, no index rows): the square's filter and the
        # boards would read almost nothing, and the figures would not compare with a spread database's.
        sys.exit("--reuse needs a database this bench built and spread; run it once without --reuse")
    listing_s = boards_s = None
    if args.reuse:  # a kept database keeps its listing and boards of the day: beat's check does what is due
        started = time.perf_counter()
        if refresh_due(now=now).get("listing"):
            listing_s = round(time.perf_counter() - started, 1)  # the boards' ranking included
    else:
        started = time.perf_counter()
        listing_refresh(at=now)
        listing_s = round(time.perf_counter() - started, 1)
        started = time.perf_counter()
        boards_refresh(at=now)
        boards_s = round(time.perf_counter() - started, 1)
    keys = sessions()
    if args.explain:
        found = {"listing_s": listing_s, "boards_s": boards_s, "explain": explain(pages[:-1], keys)}
        print(json.dumps(found, ensure_ascii=False))
        return
    if args.breakdown:
        found = {"load_average": os.getloadavg(), "breakdown": breakdown(pages[:-1], keys, args.breakdown)}
        print(json.dumps(found, ensure_ascii=False))
        return
    results = {}
    # Page by page, each mode in turn on a fresh server: whatever else the machine does drifts over the run,
    # and taking the modes in turn gives it to each mode alike.
    for path in pages:
        for mode in modes:
            process = server(args.port, mode)
            url = FLOOR_PATH if path == FLOOR_AGAIN else path
            try:
                warm(args.port, url, keys[PAGES[url]])
                results.setdefault(path, {})[mode] = load(args.port, url, keys[PAGES[url]], args.users, args.run_time)
            finally:
                process.terminate()
                process.wait(timeout=30)
    for by_mode in results.values():
        for mode, figures in by_mode.items():
            floor = (results[FLOOR_PATH][mode]["p95_ms"] + results[FLOOR_AGAIN][mode]["p95_ms"]) / 2
            figures["p95_vs_floor"] = round(figures["p95_ms"] / floor, 1)
    print(
        json.dumps(
            {
                "creators": Creator.objects.count(),
                "listed": SquareEntry.objects.count(),
                "listing_s": listing_s,
                "boards_s": boards_s,
                "workers": WORKERS,
                "users": args.users,
                "run_time_s": args.run_time,
                "pages": results,
            },
            ensure_ascii=False,
        )
    )
    if any(f["failures"] for by_mode in results.values() for f in by_mode.values()):
        sys.exit("some requests failed (see 'failures')")


if __name__ == "__main__":
    main()
