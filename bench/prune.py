"""Benchmark of the retention run (``prune_history``, ``levels.retention``) on PostgreSQL.

On the creators of a database built by ``bench/assess.py``'s builder (``--reuse``; without it, builds N
creators first), writes ``--days`` days of each class the policy prunes, dated long before the cut-offs,
as the jobs write them: a daily upgrade check a day (a result row per creator), an index day (a row per
creator), impressions on two surfaces for every other creator a day, and a message per creator a day.
Then times, in one process, exactly what ``prune_history --at T`` runs: first ``--dry-run`` (the same
statements counting), then the deletion, then a second run (nothing left). Each day's rows but the last
are deleted (each creator's latest daily check and index row stay), and every impression and message.

Usage (adds rows to the database named in DATABASE_URL and deletes them again):
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/xt_bench_assess \\
        .venv/bin/python bench/prune.py --reuse --days 3
"""

import argparse
import json
import os
import resource
import sys
import time
from datetime import timedelta

from assess import build, sql  # also sets Django up
from django.conf import settings
from django.core.management import call_command
from django.db import connection

from creators.models import Creator
from levels.retention import PRUNES, history_prune
from lib.periods import parse_instant

FIRST = parse_instant("2025-06-01T04:00:00+08:00")  # the first day written, far before every cut-off
AT = parse_instant("2027-09-01T06:15:00+08:00")  # beat's 06:15 run: every day written is past its cut-off


def write_history(days: int) -> None:
    """``days`` days of each class, one statement per class and day, dated from ``FIRST``."""
    # What a previous run of the bench left (each creator's latest daily check and index row).
    runs = "SELECT id FROM levels_jobrun WHERE key LIKE 'bench-prune-%%'"
    sql(f"DELETE FROM levels_assessment WHERE run_id IN ({runs})", [])
    sql("DELETE FROM levels_jobrun WHERE key LIKE 'bench-prune-%%'", [])
    sql("DELETE FROM insights_dailyindex WHERE date < %s", [FIRST.date() + timedelta(days=days + 1)])
    sql("DELETE FROM insights_impression WHERE date < %s", [FIRST.date() + timedelta(days=days + 1)])
    sql("DELETE FROM creators_assistantmessage WHERE dedupe_key LIKE 'bench-prune:%%'", [])
    for d in range(days):
        at = FIRST.timestamp() + d * 86_400
        params = {"at": at, "day": d}
        sql(
            """INSERT INTO levels_jobrun (job, period, key, at, rules_snapshot, status, summary, error, started_by,
                   started_at)
               VALUES ('assess_upgrade', to_char(to_timestamp(%(at)s) AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD'),
                   'bench-prune-' || %(day)s, to_timestamp(%(at)s), '{}', 'done', '{}', '', 'bench',
                   to_timestamp(%(at)s))""",
            params,
        )
        sql(
            """INSERT INTO levels_assessment (run_id, creator_id, previous_level, level, qualified_level, metrics,
                   failed)
               SELECT r.id, c.id, 1, 1, 1, '{"fans": 1000}', '{}'
               FROM creators_creator c, levels_jobrun r WHERE r.key = 'bench-prune-' || %(day)s""",
            params,
        )
        sql(
            """INSERT INTO insights_dailyindex (creator_id, date, composite, reach, cooperation, growth, value,
                   conversion)
               SELECT id, (to_timestamp(%(at)s) AT TIME ZONE 'Asia/Shanghai')::date, 50, 50, 50, 50, 50, 50
               FROM creators_creator""",
            params,
        )
        sql(
            """INSERT INTO insights_impression (creator_id, date, surface, count)
               SELECT c.id, (to_timestamp(%(at)s) AT TIME ZONE 'Asia/Shanghai')::date, s, 3
               FROM creators_creator c, unnest(ARRAY['square', 'daily_board']) s WHERE c.id %% 2 = 0""",
            params,
        )
        sql(
            """INSERT INTO creators_assistantmessage (creator_id, kind, template, params, title, body, link,
                   url_name, url_args, url_anchor, created_at, dedupe_key)
               SELECT id, 'grant', 'grant_basic', '{"level": 1, "period": "2025-06"}', '', '', '', 'benefits',
                   '[]', '', to_timestamp(%(at)s), 'bench-prune:' || %(day)s || ':' || id
               FROM creators_creator""",
            params,
        )
    sql("VACUUM ANALYZE levels_jobrun, levels_assessment, insights_dailyindex, insights_impression, "
        "creators_assistantmessage")  # fmt: skip


def timed(dry_run: bool) -> tuple[float, dict]:
    started = time.perf_counter()
    result = history_prune(at=AT, dry_run=dry_run)
    return time.perf_counter() - started, result["deleted"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--creators", type=int, default=100_000)
    parser.add_argument("--days", type=int, default=3, help="days of each class written before the run")
    parser.add_argument("--reuse", action="store_true", help="keep the creators of a previous build")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("bench/prune.py measures PostgreSQL: set DATABASE_URL=postgres://…")
    call_command("migrate", verbosity=0)
    if not args.reuse:
        build(args.creators)
    n = Creator.objects.count()
    started = time.perf_counter()
    write_history(args.days)
    write_s = time.perf_counter() - started
    dry_s, would = timed(dry_run=True)
    run_s, deleted = timed(dry_run=False)
    again_s, again = timed(dry_run=False)
    total = sum(deleted.values())
    print(
        json.dumps(
            {
                "creators": n,
                "days": args.days,
                "batch_size": settings.RETAIN_BATCH_SIZE,
                "write_s": round(write_s, 1),
                "dry_run_s": round(dry_s, 2),
                "run_s": round(run_s, 2),
                "rows_per_s": round(total / run_s),
                "deleted": deleted,
                "dry_run_agrees": would == deleted,
                "second_run_s": round(again_s, 2),
                "second_run_deleted": sum(again.values()),
                "tables": list(PRUNES),
                "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
                "load_average": os.getloadavg(),
            }
        )
    )


if __name__ == "__main__":
    main()
