"""Benchmark of the monthly level assessment on PostgreSQL.

Builds N creators with ~30 content items each (plus orders, courses, events, daily fans and credit)
directly in SQL, then, in one run:

- ``run``: the monthly assessment end to end, exactly as ``assess_levels --mode monthly`` runs it (claim,
  plan, every chunk — measure, decide, write results, level changes, history, messages and the period's
  grants — and finalise), in one process unless ``--workers`` asks for Celery-like worker processes;
  right after the build, as a run right after the day's ingest meets the data (``--settled`` first
  gives the tables a VACUUM ANALYZE, as a long-running database has);
- ``write floor``: a binary COPY of exactly the rows the run wrote, table by table, into empty copies of
  those tables (``LIKE … INCLUDING ALL``: their indexes and constraints, no foreign keys);
- ``read floor``: the bare aggregate SQL reads over the same rows that any assessment must do;
- the batch path's reads and decisions alone (``evaluate``, what ``--dry-run`` does), and the
  single-creator path (``creator_progress``'s measuring and evaluation) over a sample.

Usage (creates/overwrites the database named in DATABASE_URL):
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/xt_bench_assess \\
        .venv/bin/python bench/assess.py --creators 100000
"""

import argparse
import cProfile
import json
import multiprocessing
import os
import resource
import sys
import tempfile
import time
from collections.abc import Mapping
from contextlib import ExitStack
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("SECRET_KEY", "bench")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, connections, transaction  # noqa: E402

from creators.models import Creator  # noqa: E402
from levels import jobs  # noqa: E402
from levels.decisions import chunk_preview  # noqa: E402
from levels.evaluation import evaluate_level  # noqa: E402
from levels.metrics import level_metrics, measure_creator  # noqa: E402
from levels.models import JobRun  # noqa: E402
from levels.rules import load_rules  # noqa: E402
from lib.periods import parse_instant  # noqa: E402

AT = parse_instant("2026-12-01T02:00:00+08:00")
TABLES = [
    "levels_assessment", "levels_levelchange", "levels_jobchunk", "levels_jobrun", "levels_creatorlevel",
    "benefits_guaranteecard", "benefits_doupluscredit", "benefits_entitlement", "creators_assistantmessage",
    "academy_courseprogress", "academy_course", "creators_submissionentry", "creators_submissiontask",
    "creators_portalevent", "creators_order", "creators_fansdaily", "creators_creditdaily", "creators_content",
    "creators_quote", "creators_creator",
]  # fmt: skip
OUTPUTS, INPUTS = TABLES[:9], TABLES[9:]  # what an assessment writes (emptied before each run), what it reads
# The tables the run writes its rows to (its own chunk and run rows aside: one row per chunk of creators).
WRITTEN = ["levels_assessment", "levels_levelchange", "levels_creatorlevel", "benefits_entitlement",
           "benefits_guaranteecard", "creators_assistantmessage"]  # fmt: skip


def sql(statement: str, params=None) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def build(n: int) -> float:
    """Generate the data set server-side (generate_series): minutes at a million creators, not hours."""
    started = time.perf_counter()
    existing = [t for t in TABLES if t in connection.introspection.table_names()]
    sql("TRUNCATE " + ", ".join(existing) + " CASCADE")
    at = AT.isoformat()
    sql(
        """
        INSERT INTO creators_creator (id, external_id, nickname, fans, credit_score, douyin_bound, intro, region,
            industries, submission_enabled, spread_enabled, created_at, updated_at)
        SELECT g, 'b-' || g, '达人' || g, (g * 7919) %% 800000, 40 + g %% 61, g %% 20 <> 0, '测评博主', '上海',
            '["美食"]'::jsonb, true, g %% 5 <> 0, now(), now()
        FROM generate_series(1::bigint, %(n)s) g
        """,
        {"n": n},
    )
    sql("SELECT setval(pg_get_serial_sequence('creators_creator', 'id'), %(n)s)", {"n": n})
    sql("""INSERT INTO creators_quote (creator_id, kind, amount)
           SELECT id, 'video_1_20s', 8000 FROM creators_creator WHERE fans >= 100000""")
    sql(
        """
        INSERT INTO creators_portalevent (creator_id, name, at)
        SELECT id, 'task_hall_viewed', %(at)s::timestamptz - interval '40 days' FROM creators_creator WHERE id %% 7 <> 0
        UNION ALL
        SELECT id, 'assistant_viewed', %(at)s::timestamptz - interval '40 days' FROM creators_creator WHERE id %% 9 <> 0
        """,
        {"at": at},
    )
    # ~30 items per creator over the last 36 days, so a sixth fall outside the 30-day window.
    sql(
        """
        INSERT INTO creators_content (external_id, creator_id, kind, published_at, effective_plays, likes, comments,
            shares, component_clicks, conversions, title)
        SELECT 'b-' || c || '-' || k, c, CASE WHEN k %% 6 = 0 THEN 'live' ELSE 'video' END,
            %(at)s::timestamptz - (k * interval '29 hours') - ((c %% 24) * interval '1 hour'),
            ((c * 31 + k * 17) %% (20000 + (c %% 9) * 60000)), ((c * 31 + k * 17) %% 200000) / 40, 0, 0, 0, 0, ''
        FROM generate_series(1::bigint, %(n)s) c, generate_series(0, 29) k
        """,
        {"at": at, "n": n},
    )
    sql(
        """
        INSERT INTO creators_order (external_id, creator_id, kind, status, created_at, completed_at)
        SELECT 'o-' || c || '-' || k, c, (ARRAY['standard','standard','mass','minigame'])[1 + (c + k) %% 4],
            CASE WHEN (c + k) %% 5 = 0 THEN 'cancelled' ELSE 'completed' END,
            %(at)s::timestamptz - interval '40 days',
            CASE WHEN (c + k) %% 5 = 0 THEN NULL ELSE %(at)s::timestamptz - (k * interval '9 days') END
        FROM generate_series(1::bigint, %(n)s) c, generate_series(0, 3) k
        """,
        {"at": at, "n": n},
    )
    sql("INSERT INTO academy_course (id, code, title, title_en, summary, summary_en, position, is_published) "
        "SELECT g, 'bc-' || g, '课程' || g, 'Course ' || g, '', '', g, true FROM generate_series(1, 12) g")  # fmt: skip
    sql(
        """
        INSERT INTO academy_courseprogress (creator_id, course_id, completion, updated_at, completed_at)
        SELECT c, k, 0.9, %(at)s::timestamptz - interval '50 days', %(at)s::timestamptz - interval '50 days'
        FROM generate_series(1::bigint, %(n)s) c, generate_series(1, 12) k WHERE k <= 6 + c %% 10
        """,
        {"at": at, "n": n},
    )
    sql(
        "INSERT INTO creators_submissiontask (id, code, title, title_en, brand, description, description_en, "
        "is_guarantee, content_kind, created_at) VALUES (1, 'bench', '', '', '', '', '', false, 'video', now())"
    )
    sql(
        """
        INSERT INTO creators_submissionentry (external_id, creator_id, task_id, submitted_at, content_ref)
        SELECT 's-' || c, c, 1, %(at)s::timestamptz - interval '3 days', ''
        FROM generate_series(1::bigint, %(n)s) c WHERE c %% 2 = 0
        """,
        {"at": at, "n": n},
    )
    sql(
        """
        INSERT INTO creators_fansdaily (creator_id, date, fans)
        SELECT c, (%(at)s::timestamptz AT TIME ZONE 'Asia/Shanghai')::date - d, (c * 7919 + d * 1000) %% 800000
        FROM generate_series(1::bigint, %(n)s) c, generate_series(1, 2) d
        """,
        {"at": at, "n": n},
    )
    sql(
        """
        INSERT INTO creators_creditdaily (creator_id, date, score)
        SELECT c, (%(at)s::timestamptz AT TIME ZONE 'Asia/Shanghai')::date - 20, 45 + c %% 56
        FROM generate_series(1::bigint, %(n)s) c WHERE c %% 3 = 0
        """,
        {"at": at, "n": n},
    )
    return time.perf_counter() - started


FLOOR = [
    """SELECT creator_id, count(*), sum(effective_plays), sum(likes) FROM creators_content
       WHERE published_at >= %(start)s AND published_at < %(at)s GROUP BY creator_id""",
    """SELECT creator_id, count(*) FROM creators_order WHERE status = 'completed'
       AND kind NOT IN ('mass', 'minigame') AND completed_at >= %(start)s AND completed_at < %(at)s
       GROUP BY creator_id""",
    """SELECT creator_id, count(*) FROM creators_submissionentry
       WHERE submitted_at >= %(start)s AND submitted_at < %(at)s GROUP BY creator_id""",
    """SELECT creator_id, count(*) FROM academy_courseprogress WHERE completed_at < %(at)s GROUP BY creator_id""",
    """SELECT c.id, c.fans, c.credit_score, c.intro, c.region, c.industries,
          (SELECT f.fans FROM creators_fansdaily f WHERE f.creator_id = c.id AND f.date <= %(day)s
           ORDER BY f.date DESC LIMIT 1),
          (SELECT s.score FROM creators_creditdaily s WHERE s.creator_id = c.id AND s.date <= %(day)s
           ORDER BY s.date DESC LIMIT 1),
          EXISTS (SELECT 1 FROM creators_quote q WHERE q.creator_id = c.id),
          EXISTS (SELECT 1 FROM creators_portalevent e WHERE e.creator_id = c.id AND e.at < %(at)s)
       FROM creators_creator c""",
]


def floor_scan() -> float:
    """The reads any assessment must do, as bare SQL streamed to the client and discarded."""
    params = {"start": AT - timedelta(days=30), "at": AT, "day": AT.date()}
    started = time.perf_counter()
    with connection.cursor() as cursor:
        for statement in FLOOR:
            cursor.execute(statement, params)
            while cursor.fetchmany(10_000):
                pass
    return time.perf_counter() - started


def autovacuum_inputs(*, enabled: bool) -> None:
    """Let autovacuum visit the tables the build fills, or not (``RESET``: the server's setting)."""
    for table in INPUTS:
        if enabled:
            sql(f"ALTER TABLE {table} RESET (autovacuum_enabled)")
        else:
            sql(f"ALTER TABLE {table} SET (autovacuum_enabled = false)")


def _process_chunk(chunk_id: int) -> None:
    jobs.chunk_process(chunk_id)


def assess_monthly(workers: int) -> JobRun:
    """The monthly run: in one process exactly as ``assess_levels --mode monthly`` runs it
    (``jobs.trigger``), or as the Celery workers run it — claim and plan, then chunks processed by
    ``workers`` processes (each with its own connection), then the run finalised from the database."""
    if workers == 1:
        run, _ = jobs.trigger(JobRun.Job.ASSESS_MONTHLY, due=jobs.level_due(AT))
        return run
    run, _ = jobs.run_claim(job=JobRun.Job.ASSESS_MONTHLY, key=jobs.instant_key(AT), period="2026-12", at=AT)
    chunk_ids = list(run.chunks.values_list("pk", flat=True))
    connections.close_all()  # children open their own
    with multiprocessing.get_context("fork").Pool(workers) as pool:
        pool.map(_process_chunk, chunk_ids, chunksize=1)
    jobs.run_finalize(run.pk)
    run.refresh_from_db()
    return run


def copy_floor(selects: Mapping[str, str]) -> tuple[float, dict[str, int]]:
    """The least any job could spend writing what it wrote: for each table, the rows ``selects[table]``
    picks (a ``SELECT`` with its parameters bound) streamed out in binary beforehand (not timed), then
    timed as a binary COPY into an empty copy of the table with the same indexes and constraints
    (``LIKE … INCLUDING ALL``; no foreign keys), all in one transaction, committed. Shared by the
    benches that report a job against its floor. Returns the seconds and the rows per table."""
    rows, spooled = {}, {}
    with ExitStack() as files:
        with connection.cursor() as cursor:
            for table, select in selects.items():
                spool = spooled[table] = files.enter_context(tempfile.TemporaryFile())
                with cursor.cursor.copy(f"COPY ({select}) TO STDOUT (FORMAT BINARY)") as copy:
                    for block in copy:
                        spool.write(block)
                cursor.execute(f"SELECT count(*) FROM ({select}) s")
                rows[table] = cursor.fetchone()[0]
                cursor.execute(f"DROP TABLE IF EXISTS floor_{table}")
                cursor.execute(f"CREATE TABLE floor_{table} (LIKE {table} INCLUDING ALL)")
        started = time.perf_counter()
        with transaction.atomic(), connection.cursor() as cursor:
            for table, spool in spooled.items():
                spool.seek(0)
                with cursor.cursor.copy(f"COPY floor_{table} FROM STDIN (FORMAT BINARY)") as copy:
                    while block := spool.read(1 << 20):
                        copy.write(block)
        seconds = time.perf_counter() - started
    for table in selects:
        sql(f"DROP TABLE floor_{table}")
    return seconds, rows


def wal_position() -> tuple[int, int]:
    """PostgreSQL's checkpoints so far (timed and requested) and its WAL position in bytes: the difference
    around a job is the checkpoints it met and the WAL it wrote. A job whose WAL outgrows
    ``max_wal_size`` forces checkpoints, and after each pays a full-page image per page it next touches."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT checkpoints_timed + checkpoints_req, pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0')::bigint"
            " FROM pg_stat_bgwriter"
        )
        return cursor.fetchone()


def wal_since(before: tuple[int, int]) -> dict:
    """What ``wal_position`` moved by since ``before``: checkpoints, and WAL in MB."""
    checkpoints, lsn = wal_position()
    return {"checkpoints": checkpoints - before[0], "wal_mb": round((lsn - before[1]) / 2**20)}


def write_floor() -> tuple[float, dict[str, int]]:
    """``copy_floor`` of every row of ``WRITTEN``: the tables are emptied before the run."""
    return copy_floor({table: f"SELECT * FROM {table}" for table in WRITTEN})


def _evaluate_range(bounds: tuple[int, int]) -> None:
    chunk_preview(first_id=bounds[0], last_id=bounds[1], at=AT, rules=load_rules(), upward_only=False,
                  with_failed=False)  # fmt: skip


def evaluate_only(workers: int) -> float:
    """The batch path's reads and decisions without its writes (what ``--dry-run`` does), over the same
    worker processes as the run: the like-for-like comparison with the floor, which PostgreSQL itself
    may run with parallel workers."""
    started = time.perf_counter()
    ids = Creator.objects.order_by("pk").values_list("pk", flat=True).iterator(chunk_size=10_000)
    ranges = list(jobs.chunk_ranges(ids, settings.ASSESS_CHUNK_SIZE))
    if workers == 1:
        for bounds in ranges:
            _evaluate_range(bounds)
    else:
        connections.close_all()
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            pool.map(_evaluate_range, ranges, chunksize=1)
    return time.perf_counter() - started


def single_path(sample: int) -> float:
    rules = load_rules()
    creators = list(Creator.objects.order_by("?")[:sample])
    started = time.perf_counter()
    for creator in creators:
        evaluate_level(level_metrics(measure_creator(creator, AT, rules), rules), rules)
    return len(creators) / (time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--creators", type=int, default=100_000)
    parser.add_argument("--sample", type=int, default=500, help="creators timed on the single-creator path")
    parser.add_argument("--reuse", action="store_true", help="keep the data of a previous run; only re-assess")
    parser.add_argument("--settled", action="store_true",
                        help="VACUUM ANALYZE the data before the run, as a long-running database has")  # fmt: skip
    parser.add_argument("--workers", type=int, default=1, help="worker processes for the chunks (default: 1)")
    parser.add_argument("--profile", metavar="PATH", help="write a cProfile of the run to PATH")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("bench/assess.py measures PostgreSQL: set DATABASE_URL=postgres://…")
    call_command("migrate", verbosity=0)
    build_s = None
    # Right after an ingest nothing has analysed or vacuumed the new rows yet: keep autovacuum off the
    # inputs until the run is done, so every run meets them the same way (the run's own writes keep it).
    autovacuum_inputs(enabled=args.settled)
    try:
        if not args.reuse:
            build_s = build(args.creators)
        else:
            sql("TRUNCATE " + ", ".join(OUTPUTS) + " CASCADE")
        if args.settled:
            sql("VACUUM ANALYZE")
        n = Creator.objects.count()
        started = time.perf_counter()
        if args.profile:
            with cProfile.Profile() as profile:
                run = assess_monthly(args.workers)
            profile.dump_stats(args.profile)
        else:
            run = assess_monthly(args.workers)
        run_s = time.perf_counter() - started
    finally:
        autovacuum_inputs(enabled=True)
    peak_rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # the run's, before the floors
    write_s, written = write_floor()
    read_s = floor_scan()
    evaluate_s = evaluate_only(args.workers)
    single_rate = single_path(args.sample)
    floor_s = read_s + write_s
    print(
        json.dumps(
            {
                "creators": n,
                "workers": args.workers,
                "settled": args.settled,
                "content_rows": n * 30,
                "build_s": round(build_s, 1) if build_s else None,
                "run_s": round(run_s, 2),
                "creators_per_s": round(n / run_s),
                "read_floor_s": round(read_s, 2),
                "write_floor_s": round(write_s, 2),
                "run_vs_floor": round(run_s / floor_s, 2),
                "evaluate_s": round(evaluate_s, 2),
                "single_creators_per_s": round(single_rate),
                "peak_rss_mb": round(peak_rss_mb),
                "written": written,
                "summary": run.summary,
            },
            ensure_ascii=False,
        )
    )


if __name__ == "__main__":
    main()
