"""Benchmark of the daily upgrade check (``assess_levels --mode upgrade``) on PostgreSQL.

Builds N creators with ``bench/assess.py``'s builder, then gives them the levels they would hold the
morning after a monthly assessment: the level they qualify for at the check's instant, except that about
2% hold one level less (they move up on the check), about 3% one level more (their figures fell since: the
check must not move them down) and a few dozen would-be movers are held by a manual override. Then, in one
process, it times:

- ``run_s``: the check end to end, exactly as ``assess_levels --at T --mode upgrade`` runs it (claim, plan,
  every chunk of ``ASSESS_CHUNK_SIZE`` — decide, store each creator's result, move the movers with their
  history, messages and top-up grants — and finish);
- ``dry_run_s``: ``assess_levels --at T --mode upgrade --dry-run``: the reads and decisions alone;
- ``floor_s`` = ``floor_reads_s`` + ``floor_copy_s``: the bare SQL reads any check must do (the metric
  aggregates over every creator, held levels and overrides, streamed and discarded) plus a binary COPY of
  exactly the rows the run wrote, table by table, into empty copies of those tables (their indexes, no
  foreign keys).

Usage (truncates the program's tables in the database named in DATABASE_URL):
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/xt_bench_daily \\
        .venv/bin/python bench/daily.py --creators 100000
"""

import argparse
import json
import resource
import sys
import time
from datetime import timedelta
from io import StringIO

from assess import FLOOR, build, copy_floor, sql, wal_position, wal_since  # also sets Django up
from django.conf import settings
from django.core.management import call_command
from django.db import connection

from creators.models import Creator
from levels import jobs
from levels.models import JobRun
from levels.rules import load_rules
from levels.services import evaluate_levels_chunk
from lib.periods import local_date, parse_instant

AT = parse_instant("2026-12-02T04:00:00+08:00")  # beat's 04:00 check, the day after the monthly assessment
HELD = "bench_daily_held"  # the levels held before the check, kept so that --reuse starts from the same state
# What a check writes; emptied before each timed run (the creators' data and HELD stay).
WRITTEN = [
    "levels_assessment", "levels_levelchange", "levels_jobchunk", "levels_jobrun", "levels_creatorlevel",
    "levels_leveloverride", "benefits_guaranteecard", "benefits_doupluscredit", "benefits_entitlement",
    "creators_assistantmessage",
]  # fmt: skip


def hold_levels() -> dict[int, int]:
    """Store in ``HELD`` the level each creator holds before the check; returns how many hold each level.
    The qualified level comes from the single-creator rules (``evaluate_levels_chunk``), so the movers are
    known independently of the path being timed."""
    rules = load_rules(AT)
    sql(f"DROP TABLE IF EXISTS {HELD}")
    sql(f"CREATE TABLE {HELD} (creator_id bigint PRIMARY KEY, level smallint NOT NULL, overridden boolean NOT NULL)")
    rows = []
    for first, last in jobs.chunk_ranges(jobs.creator_id_stream(None), settings.ASSESS_CHUNK_SIZE):
        for o in evaluate_levels_chunk(first_id=first, last_id=last, at=AT, rules=rules, upgrade_only=False):
            q, pk = o.evaluation.qualified_level, o.creator_id
            if q >= 1 and pk % 19 == 7:  # 1 in 19 of the ~38% leveled (~2% of all): one level short
                rows.append((pk, q - 1, pk % 380 == 7))  # one in twenty of them held there by an override
            elif q < 4 and pk % 33 == 5:  # ~3%: one level above what they qualify for now
                rows.append((pk, q + 1, False))
            else:
                rows.append((pk, q, False))
    with connection.cursor() as cursor, cursor.cursor.copy(f"COPY {HELD} FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)
    counts: dict[int, int] = {}
    for _, level, _ in rows:
        counts[level] = counts.get(level, 0) + 1
    return dict(sorted(counts.items()))


def reset() -> None:
    """Back to the state before the check: nothing written, the levels of ``HELD`` (level 0: no row) and
    the overrides."""
    sql("TRUNCATE " + ", ".join(WRITTEN) + " CASCADE")
    at = (AT - timedelta(days=20)).isoformat()
    sql(f"INSERT INTO levels_creatorlevel (creator_id, level, since) SELECT creator_id, level, %s "
        f"FROM {HELD} WHERE level > 0", [at])  # fmt: skip
    sql(
        f"""INSERT INTO levels_leveloverride (creator_id, level, previous_level, reason, until, set_at, end_reason)
            SELECT creator_id, level, level, 'bench', '2026-12', %s, '' FROM {HELD} WHERE overridden""",
        [at],
    )
    sql("VACUUM ANALYZE " + ", ".join(WRITTEN))


def floor_reads() -> float:
    """The reads any check must do, as bare SQL streamed to the client and discarded: the metric
    aggregates of ``bench/assess.py`` at the check's instant, the levels held and the overrides."""
    params = {"start": AT - timedelta(days=30), "at": AT, "day": local_date(AT)}
    statements = [
        *FLOOR,
        "SELECT creator_id, level FROM levels_creatorlevel",
        "SELECT creator_id FROM levels_leveloverride WHERE ended_at IS NULL AND until >= '2026-12'",
    ]
    started = time.perf_counter()
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement, params)
            while cursor.fetchmany(10_000):
                pass
    return time.perf_counter() - started


def floor_copy() -> tuple[float, dict[str, int]]:
    """``copy_floor`` of exactly the rows the run wrote: every row of the tables ``reset`` emptied, and
    the level rows it set (``since`` = the check's instant)."""
    since = connection.ops.compose_sql("SELECT * FROM levels_creatorlevel WHERE since = %s", [AT])
    return copy_floor(
        {
            table: since if table == "levels_creatorlevel" else f"SELECT * FROM {table}"
            for table in WRITTEN
            if table != "levels_leveloverride"  # the bench's own setup; a check never writes overrides
        }
    )


def check(*extra: str) -> tuple[float, str]:
    """``assess_levels --at AT --mode upgrade`` with ``extra`` options: (seconds, its output)."""
    out = StringIO()
    started = time.perf_counter()
    call_command("assess_levels", "--at", AT.isoformat(), "--mode", "upgrade", *extra, stdout=out, stderr=StringIO())
    return time.perf_counter() - started, out.getvalue().strip()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--creators", type=int, default=100_000)
    parser.add_argument("--reuse", action="store_true", help="keep the data of a previous run; only re-check")
    parser.add_argument("--build-only", action="store_true", help="build the data and the levels held, time nothing")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("bench/daily.py measures PostgreSQL: set DATABASE_URL=postgres://…")
    call_command("migrate", verbosity=0)
    build_s = held = None
    if not args.reuse:
        build_s = build(args.creators)
        held = hold_levels()
    if args.build_only:
        print(json.dumps({"build_s": round(build_s or 0, 1), "held": held}))
        return
    reset()
    n = Creator.objects.count()

    dry_run_s, dry_output = check("--dry-run")
    before = wal_position()
    run_s, run_output = check()
    run_wal = wal_since(before)
    # The check's own peak (and the dry run's), before the floor's reads (fetched whole into this process)
    # and its COPY hold rows in memory.
    peak_rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    reads_s = floor_reads()
    copy_s, rows = floor_copy()
    run = JobRun.objects.get(job=JobRun.Job.ASSESS_UPGRADE)
    floor_s = reads_s + copy_s
    print(
        json.dumps(
            {
                "creators": n,
                "chunk_size": settings.ASSESS_CHUNK_SIZE,
                "build_s": round(build_s, 1) if build_s else None,
                "held": held,
                "run_s": round(run_s, 2),
                **run_wal,
                "dry_run_s": round(dry_run_s, 2),
                "floor_s": round(floor_s, 2),
                "floor_reads_s": round(reads_s, 2),
                "floor_copy_s": round(copy_s, 2),
                "run_vs_floor": round(run_s / floor_s, 2),
                "dry_run_vs_reads": round(dry_run_s / reads_s, 2),
                "rows_written": rows,
                "summary": run.summary,
                "output": run_output,
                "dry_run_output": dry_output,
                "peak_rss_mb": round(peak_rss_mb),
            },
            ensure_ascii=False,
        )
    )


if __name__ == "__main__":
    main()
