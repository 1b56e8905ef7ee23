"""Benchmark of the monthly level assessment on PostgreSQL.

Builds N creators with ~30 content items each (plus orders, courses, events, daily fans and credit)
directly in SQL, then measures in one run:

- the monthly assessment end to end (claim, plan, every chunk — measure, decide, write results, level
  changes, history, messages and the period's grants — and finalise), with ``--workers`` processes
  doing the chunks as Celery workers would (default: one per CPU), in creators/s;
- the single-creator path (``creator_progress``'s measuring and evaluation) over a sample, creators/s;
- the floor: the bare aggregate SQL scans over the same rows that any assessment must read, and the
  batch path's reads and decisions alone (``evaluate``, what ``--dry-run`` does) to compare with it.

Usage (creates/overwrites the database named in DATABASE_URL):
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/xt_bench_assess \\
        .venv/bin/python bench/assess.py --creators 100000
"""

import argparse
import json
import multiprocessing
import os
import resource
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("SECRET_KEY", "bench")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, connections  # noqa: E402

from creators.models import Creator  # noqa: E402
from levels import jobs  # noqa: E402
from levels.evaluation import evaluate_level  # noqa: E402
from levels.metrics import level_metrics, measure_creator  # noqa: E402
from levels.models import JobRun  # noqa: E402
from levels.rules import load_rules  # noqa: E402
from levels.services import evaluate_levels_chunk  # noqa: E402
from lib.periods import parse_instant  # noqa: E402

AT = parse_instant("2026-12-01T02:00:00+08:00")
TABLES = [
    "levels_assessment", "levels_levelchange", "levels_jobchunk", "levels_jobrun", "levels_creatorlevel",
    "benefits_guaranteecard", "benefits_doupluscredit", "benefits_entitlement", "creators_assistantmessage",
    "academy_courseprogress", "academy_course", "creators_submissionentry", "creators_submissiontask",
    "creators_portalevent", "creators_order", "creators_fansdaily", "creators_creditdaily", "creators_content",
    "creators_quote", "creators_creator",
]  # fmt: skip


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
        SELECT g, 'b-' || g, '达人' || g, (g * 7919) %% 800000, 40 + g %% 61, g %% 10 <> 0, '测评博主', '上海',
            '["美食"]'::jsonb, true, g %% 3 <> 0, now(), now()
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
        SELECT id, 'assistant_viewed', %(at)s::timestamptz - interval '40 days' FROM creators_creator WHERE id %% 5 <> 0
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
            ((c * 31 + k * 17) %% (20000 + (c %% 9) * 20000)), ((c * 31 + k * 17) %% 200000) / 40, 0, 0, 0, 0, ''
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
        "SELECT g, 'bc-' || g, '课程' || g, '', '', '', g, true FROM generate_series(1, 12) g")  # fmt: skip
    sql(
        """
        INSERT INTO academy_courseprogress (creator_id, course_id, completion, updated_at, completed_at)
        SELECT c, k, 0.9, %(at)s::timestamptz - interval '50 days', %(at)s::timestamptz - interval '50 days'
        FROM generate_series(1::bigint, %(n)s) c, generate_series(1, 12) k WHERE k <= c %% 13
        """,
        {"at": at, "n": n},
    )
    sql(
        "INSERT INTO creators_submissiontask (id, code, title, title_en, brand, description, description_en, "
        "content_kind, is_guarantee, created_at) VALUES (1, 'bench', '', '', '', '', '', '', false, now())"
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
    sql("VACUUM ANALYZE")  # fresh statistics and visibility map, as a long-running database has
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


def _process_chunk(chunk_id: int) -> None:
    jobs.chunk_process(chunk_id)


def assess_monthly(workers: int) -> JobRun:
    """The monthly run as the Celery workers run it: claim and plan, then chunks processed by
    ``workers`` processes (each with its own connection), then the run finalised from the database."""
    run, _ = jobs.run_claim(job=JobRun.Job.ASSESS_MONTHLY, key=jobs.instant_key(AT), period="2026-12", at=AT)
    chunk_ids = list(run.chunks.values_list("pk", flat=True))
    if workers == 1:
        for chunk_id in chunk_ids:
            jobs.chunk_process(chunk_id)
    else:
        connections.close_all()  # children open their own
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            pool.map(_process_chunk, chunk_ids, chunksize=1)
    jobs.run_finalize(run.pk)
    run.refresh_from_db()
    return run


def _evaluate_range(bounds: tuple[int, int]) -> None:
    evaluate_levels_chunk(first_id=bounds[0], last_id=bounds[1], at=AT, rules=load_rules(), upgrade_only=False)


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
    parser.add_argument("--workers", type=int, default=os.cpu_count(), help="worker processes (default: CPUs)")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("bench/assess.py measures PostgreSQL: set DATABASE_URL=postgres://…")
    call_command("migrate", verbosity=0)
    build_s = None
    if not args.reuse:
        build_s = build(args.creators)
    else:
        sql("TRUNCATE " + ", ".join(TABLES[:9]) + " CASCADE")
    n = Creator.objects.count()

    floor_s = floor_scan()
    evaluate_s = evaluate_only(args.workers)
    started = time.perf_counter()
    run = assess_monthly(args.workers)
    batch_s = time.perf_counter() - started
    single_rate = single_path(args.sample)
    batch_rate = n / batch_s
    print(
        json.dumps(
            {
                "creators": n,
                "workers": args.workers,
                "content_rows": n * 30,
                "build_s": round(build_s, 1) if build_s else None,
                "batch_s": round(batch_s, 2),
                "batch_creators_per_s": round(batch_rate),
                "single_creators_per_s": round(single_rate),
                "batch_vs_single": round(batch_rate / single_rate, 1),
                "floor_s": round(floor_s, 2),
                "batch_vs_floor": round(batch_s / floor_s, 2),
                "evaluate_s": round(evaluate_s, 2),
                "evaluate_vs_floor": round(evaluate_s / floor_s, 2),
                "summary": run.summary,
                "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
            },
            ensure_ascii=False,
        )
    )


if __name__ == "__main__":
    main()
