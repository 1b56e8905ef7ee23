"""Benchmark of the daily Xingtu index (``compute_index``) on PostgreSQL.

Builds N creators (default 100,000) with 30 content items each over the last 36 days (plays,
interactions, completion rates, component clicks and conversions), four orders each (every kind and
status, with amounts, plays and ratings), 31 days of follower figures and a credit figure for a third of
them — server-side with ``generate_series`` — then measures in one run, one process:

- ``run``: the day's run end to end, exactly as ``compute_index --at`` runs it (claim, plan, every chunk
  of ``ASSESS_CHUNK_SIZE`` — measure, stage the figures — then rank the whole day, write its rows and
  finish), in creators/s;
- within the run, ``chunks``: every chunk's one ``INSERT … SELECT`` (measure the figures in the database and
  stage them), and ``publish``: the run's last step (read the staged figures, rank the day, write its
  rows);
- the floor: the bare SQL reads of the same inputs (content, order and follower aggregates, streamed
  and discarded) plus a COPY of as many rows as the run writes into a scratch table.

Usage (truncates the program's tables in the database named in DATABASE_URL):
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/xt_bench_index \\
        .venv/bin/python bench/index.py --creators 100000
"""

import argparse
import json
import resource
import sys
import time
from datetime import timedelta

from assess import sql  # also sets Django up
from django.conf import settings
from django.core.management import call_command
from django.db import connection, transaction

from creators.models import Creator
from insights.inputs import RAW_FIELDS
from insights.models import DailyIndex
from insights.services import RANK_FIELDS, WORK_MEM_MB
from levels import jobs, services
from levels.models import JobRun
from lib.bulk import BINARY_TYPES
from lib.periods import local_date, parse_instant
from lib.sql import sort_memory

AT = parse_instant("2026-12-01T05:00:00+08:00")  # beat's 05:00 run of 2026-12-01
DAY = local_date(AT)
TABLES = [
    "insights_dailyindex", "insights_indexstage", "levels_jobchunk", "levels_jobrun", "creators_order",
    "creators_fansdaily", "creators_creditdaily", "creators_content", "creators_quote", "creators_creator",
]  # fmt: skip


def build(n: int) -> float:
    started = time.perf_counter()
    existing = [t for t in TABLES if t in connection.introspection.table_names()]
    sql("TRUNCATE " + ", ".join(existing) + " CASCADE")
    params = {"n": n, "at": AT.isoformat(), "day": DAY}
    sql(
        """
        INSERT INTO creators_creator (id, external_id, nickname, fans, credit_score, douyin_bound, intro, region,
            industries, submission_enabled, spread_enabled, created_at, updated_at)
        SELECT g, 'b-' || g, '达人' || g, (g * 7919) %% 800000, 40 + g %% 61, true, '测评博主', '上海',
            '["美食"]'::jsonb, true, true, now(), now()
        FROM generate_series(1::bigint, %(n)s) g
        """,
        params,
    )
    sql("SELECT setval(pg_get_serial_sequence('creators_creator', 'id'), %(n)s)", params)
    # ~30 items per creator over the last 36 days, so a sixth fall outside the 30-day window; one in
    # seven without a completion rate.
    sql(
        """
        INSERT INTO creators_content (external_id, creator_id, kind, published_at, effective_plays, likes, comments,
            shares, completion_rate, component_clicks, conversions, title)
        SELECT 'b-' || c || '-' || k, c, CASE WHEN k %% 6 = 0 THEN 'live' ELSE 'video' END,
            %(at)s::timestamptz - (k * interval '29 hours') - ((c %% 24) * interval '1 hour'),
            p, p / 40, p / 400, p / 800, CASE WHEN k %% 7 = 0 THEN NULL ELSE ((c * 7 + k) %% 100) / 100.0 END,
            p / (50 + c %% 50), p / (500 + c %% 300), ''
        FROM generate_series(1::bigint, %(n)s) c, generate_series(0, 29) k,
            LATERAL (SELECT (c * 31 + k * 17) %% (20000 + (c %% 9) * 20000) AS p) plays
        """,
        params,
    )
    sql(
        """
        INSERT INTO creators_order (external_id, creator_id, kind, status, created_at, completed_at, amount, plays,
            rating)
        SELECT 'o-' || c || '-' || k, c, (ARRAY['standard','standard','mass','minigame'])[1 + (c + k) %% 4],
            CASE WHEN (c + k) %% 5 = 0 THEN 'cancelled' ELSE 'completed' END,
            %(at)s::timestamptz - interval '40 days',
            CASE WHEN (c + k) %% 5 = 0 THEN NULL ELSE %(at)s::timestamptz - (k * interval '9 days') END,
            500 + (c %% 50) * 100, 10000 + (c * 13) %% 50000,
            CASE WHEN (c + k) %% 7 = 0 THEN NULL ELSE 1 + (c + k) %% 5 END
        FROM generate_series(1::bigint, %(n)s) c, generate_series(0, 3) k
        """,
        params,
    )
    # 31 daily figures, growing at a creator's own pace; every tenth creator's stopped 20 days ago.
    sql(
        """
        INSERT INTO creators_fansdaily (creator_id, date, fans)
        SELECT c, %(day)s::date - d, (c * 7919) %% 800000 + (30 - d) * (c %% 97)
        FROM generate_series(1::bigint, %(n)s) c, generate_series(0, 30) d
        WHERE c %% 10 <> 0 OR d >= 20
        """,
        params,
    )
    sql(
        """
        INSERT INTO creators_creditdaily (creator_id, date, score)
        SELECT c, %(day)s::date - 20, 45 + c %% 56 FROM generate_series(1::bigint, %(n)s) c WHERE c %% 3 = 0
        """,
        params,
    )
    sql("VACUUM ANALYZE")  # fresh statistics and visibility map, as a long-running database has
    return time.perf_counter() - started


FLOOR = [
    """SELECT creator_id, sum(effective_plays),
          count(*) FILTER (WHERE published_at >= %(start)s),
          sum(effective_plays) FILTER (WHERE published_at >= %(start)s),
          sum(likes + comments + shares) FILTER (WHERE published_at >= %(start)s),
          sum(completion_rate * effective_plays) FILTER (WHERE published_at >= %(start)s),
          sum(effective_plays) FILTER (WHERE published_at >= %(start)s AND completion_rate IS NOT NULL),
          sum(component_clicks) FILTER (WHERE published_at >= %(start)s),
          sum(conversions) FILTER (WHERE published_at >= %(start)s)
       FROM creators_content WHERE published_at < %(at)s GROUP BY creator_id""",
    """SELECT creator_id, avg(rating), sum(amount), sum(plays) FROM creators_order
       WHERE status = 'completed' AND kind NOT IN ('mass', 'minigame')
       AND completed_at >= %(orders_start)s AND completed_at < %(at)s GROUP BY creator_id""",
    """SELECT c.id, c.fans, c.credit_score,
          (SELECT s.score FROM creators_creditdaily s WHERE s.creator_id = c.id AND s.date <= %(day)s
           ORDER BY s.date DESC LIMIT 1),
          (SELECT f.fans FROM creators_fansdaily f WHERE f.creator_id = c.id AND f.date <= %(day)s
           ORDER BY f.date DESC LIMIT 1),
          (SELECT f.fans FROM creators_fansdaily f WHERE f.creator_id = c.id AND f.date <= %(day)s - 7
           ORDER BY f.date DESC LIMIT 1),
          (SELECT f.fans FROM creators_fansdaily f WHERE f.creator_id = c.id AND f.date <= %(day)s - 15
           ORDER BY f.date DESC LIMIT 1)
       FROM creators_creator c""",
]


def floor(n: int) -> tuple[float, float]:
    """The bare reads of the inputs, streamed and discarded, then a COPY of ``n`` rows shaped like the
    day's rows into a scratch table: (reads seconds, copy seconds)."""
    params = {
        "start": AT - timedelta(days=30),
        "orders_start": AT - timedelta(days=90),
        "at": AT,
        "day": DAY,
    }
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        sort_memory(WORK_MEM_MB)  # what the run's chunks ask for
        for statement in FLOOR:
            cursor.execute(statement, params)
            while cursor.fetchmany(10_000):
                pass
    reads = time.perf_counter() - started
    columns = ["creator_id", "date", *RAW_FIELDS, *RANK_FIELDS]
    sql("DROP TABLE IF EXISTS bench_index_copy")
    sql("CREATE TABLE bench_index_copy (LIKE insights_dailyindex INCLUDING ALL)")
    row = (1, DAY, 1000, 100, 0.05, 0.5, 60.0, 4.0, 100, 1.5, 20.0, 0.1, 0.01, 0.001, *(None,) * len(RANK_FIELDS))
    started = time.perf_counter()
    statement = f"COPY bench_index_copy ({', '.join(columns)}) FROM STDIN (FORMAT BINARY)"
    with connection.cursor() as cursor, cursor.cursor.copy(statement) as copy:
        copy.set_types([BINARY_TYPES[DailyIndex._meta.get_field(c).db_type(connection)] for c in columns])
        for pk in range(1, n + 1):
            copy.write_row((pk, *row[1:]))
    copied = time.perf_counter() - started
    sql("DROP TABLE bench_index_copy")
    return reads, copied


def timed(function, seconds: list[float]):
    """``function``, adding the seconds each call takes to ``seconds``."""

    def wrapper(**kwargs):
        started = time.perf_counter()
        try:
            return function(**kwargs)
        finally:
            seconds.append(time.perf_counter() - started)

    return wrapper


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--creators", type=int, default=100_000)
    parser.add_argument("--reuse", action="store_true", help="keep the data of a previous run; only re-compute")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("bench/index.py measures PostgreSQL: set DATABASE_URL=postgres://…")
    call_command("migrate", verbosity=0)
    build_s = None if args.reuse else build(args.creators)
    sql("TRUNCATE insights_dailyindex, insights_indexstage, levels_jobchunk, levels_jobrun CASCADE")
    n = Creator.objects.count()

    reads_s, copy_s = floor(n)
    chunks: list[float] = []
    publish: list[float] = []
    services.index_compute_chunk = timed(services.index_compute_chunk, chunks)
    jobs.index_publish_day = timed(jobs.index_publish_day, publish)
    started = time.perf_counter()
    run, _ = jobs.trigger(JobRun.Job.COMPUTE_INDEX, due=jobs.daily_due(AT))
    run_s = time.perf_counter() - started
    floor_s = reads_s + copy_s
    print(
        json.dumps(
            {
                "creators": n,
                "content_rows": n * 30,
                "chunk_size": settings.ASSESS_CHUNK_SIZE,
                "build_s": round(build_s, 1) if build_s else None,
                "run_s": round(run_s, 2),
                "creators_per_s": round(n / run_s),
                "chunks_s": round(sum(chunks), 2),
                "publish_s": round(sum(publish), 2),
                "floor_s": round(floor_s, 2),
                "floor_reads_s": round(reads_s, 2),
                "floor_copy_s": round(copy_s, 2),
                "run_vs_floor": round(run_s / floor_s, 2),
                "summary": run.summary,
                "rows": DailyIndex.objects.filter(date=DAY).count(),
                "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
            },
            ensure_ascii=False,
        )
    )


if __name__ == "__main__":
    main()
