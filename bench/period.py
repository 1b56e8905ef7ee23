"""Benchmark of the period's end on PostgreSQL: ``close_period`` and ``assess_rewards``.

Builds N creators with ``bench/assess.py``'s builder (``--reuse``: keep the data of a previous build,
by any of the benches built on it), then gives them the state those jobs meet (not timed):

- the levels held and the benefit period 2026-12 granted, by the product's own monthly assessment:
  ``assess_levels --at 2026-12-01T02:00+08:00 --mode monthly``, the first assessment right after the
  build as ``bench/assess.py`` times it, run (and timed, with its peak RSS: ``setup.assess_monthly``) in a
  process of its own — LV1–LV4 holders with their extra dispatches, client recommendations, cards and the
  rest;
- five more completed orders in October for two creators in three (inside the reward cycle, outside
  every level window), so the cycle's order requirement passes for some and fails for others;
- a month of operators' work on it: of the extra-dispatch entitlements a third fully dispatched, a third
  partly and a third not at all; of the month's client recommendations a half delivered; and the
  reward recommendations of cycle 2026Q3 (owed to every LV3/LV4 holder, a third of them delivered), which
  the close of December, the quarter's last month, flags overdue too.

That state is kept in ``bench_period_*`` tables, so every timed run (and ``--reuse``) starts from it. Then
each job runs in its own fresh process (its peak RSS is the job's, not the set-up's), exactly as its
command runs it:

- ``close_period --period 2026-12 --at 2027-01-01T01:00+08:00`` (beat's 01:00 on the 1st);
- ``assess_rewards --cycle 2026Q4 --at 2027-01-01T03:00+08:00`` (beat's 03:00 on the 1st of January),
  after the close, as beat orders them.

For each: ``run_s``, ``creators_per_s`` (creators in the database ÷ ``run_s``), ``peak_rss_mb`` (the job's
process), the rows it wrote per table and its floor: the bare reads it must do (streamed to the client and
discarded) plus a binary COPY of the rows it inserted into empty copies of their tables.

Usage (truncates the program's tables in the database named in DATABASE_URL unless --reuse):
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/xt_bench_period \\
        .venv/bin/python bench/period.py --creators 100000
"""

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from io import StringIO

from assess import AT as MONTHLY_AT  # also sets Django up
from assess import build, copy_floor, sql, wal_position, wal_since
from django.core.management import call_command
from django.db import connection

from creators.models import Creator
from levels.models import JobRun
from lib.periods import parse_instant

CLOSE_AT = parse_instant("2027-01-01T01:00:00+08:00")
REWARDS_AT = parse_instant("2027-01-01T03:00:00+08:00")
PERIOD, CYCLE, PREVIOUS_CYCLE = "2026-12", "2026Q4", "2026Q3"
# What the set-up writes and the jobs change: emptied and restored from ``bench_period_<table>`` before a run.
STATE = ["levels_creatorlevel", "benefits_entitlement"]
CLEARED = ["levels_assessment", "levels_levelchange", "levels_jobchunk", "levels_jobrun", "levels_leveloverride",
           "benefits_guaranteecard", "benefits_doupluscredit", "benefits_extradispatch",
           "benefits_clientrecommendation", "creators_assistantmessage", *STATE]  # fmt: skip
# The rows each job inserts, by table: a WHERE naming exactly them (the set-up's rows stay out).
INSERTED = {
    "close_period": {
        "benefits_doupluscredit": "TRUE",
        "creators_assistantmessage": "created_at = %(at)s",
    },
    "assess_rewards": {
        "levels_assessment": "run_id IN (SELECT id FROM levels_jobrun WHERE job = 'assess_rewards')",
        "benefits_entitlement": "granted_at = %(at)s",
        "benefits_guaranteecard": "issued_at = %(at)s",
        "creators_assistantmessage": "created_at = %(at)s",
    },
}
# The bare reads each job must do.
READS = {
    "close_period": [
        """SELECT e.id, e.creator_id, e.quantity - e.delivered FROM benefits_entitlement e
           JOIN benefits_benefit b ON b.id = e.benefit_id
           WHERE b.dou_plus_per_missing IS NOT NULL AND e.period = %(period)s AND e.closed_at IS NULL
             AND e.status <> 'lapsed'""",
        """SELECT e.id FROM benefits_entitlement e JOIN benefits_benefit b ON b.id = e.benefit_id
           WHERE b.code = 'client_recommendation' AND e.period IN (%(period)s, %(previous)s)
             AND e.status = 'pending' AND e.delivered < e.quantity""",
    ],
    "assess_rewards": [
        "SELECT creator_id, level FROM levels_creatorlevel WHERE level > 0",
        """SELECT creator_id, count(*) FROM creators_order WHERE status = 'completed'
           AND kind NOT IN ('mass', 'minigame') AND completed_at >= %(start)s AND completed_at < %(end)s
           GROUP BY creator_id""",
        """SELECT creator_id, kind, count(*), sum(effective_plays) FROM creators_content
           WHERE published_at >= %(start)s AND published_at < %(end)s GROUP BY creator_id, kind""",
    ],
}
COMMANDS = {
    "assess_monthly": ["assess_levels", "--at", MONTHLY_AT.isoformat(), "--mode", "monthly"],
    "close_period": ["close_period", "--period", PERIOD, "--at", CLOSE_AT.isoformat()],
    "assess_rewards": ["assess_rewards", "--cycle", CYCLE, "--at", REWARDS_AT.isoformat()],
}
AT_OF = {"close_period": CLOSE_AT, "assess_rewards": REWARDS_AT}
TIMED = ["close_period", "assess_rewards"]  # close first, then rewards: beat's order on the 1st of January


def table_exists(name: str) -> bool:
    return name in connection.introspection.table_names()


def set_up() -> dict:
    """The state both jobs meet (module docstring), stored in the ``bench_period_*`` tables."""
    sql("TRUNCATE " + ", ".join(CLEARED) + " CASCADE")
    # The builder's orders all fall in the monthly window (at most two counted a creator): two in three
    # creators also completed five orders in October, inside the cycle and outside every level window, so
    # the cycle's order requirement (3, or 6 at LV3/LV4) passes for some and fails for others.
    sql("DELETE FROM creators_order WHERE external_id LIKE 'q-%%'", [])
    sql(
        """INSERT INTO creators_order (external_id, creator_id, kind, status, created_at, completed_at)
           SELECT 'q-' || c.id || '-' || k, c.id, 'standard', 'completed', timestamptz '2026-09-25T10:00:00+08:00',
               timestamptz '2026-10-03T10:00:00+08:00' + k * interval '6 days'
           FROM creators_creator c, generate_series(0, 4) k WHERE c.id %% 3 <> 2""",
        [],
    )
    monthly = child("assess_monthly")  # the first assessment right after the build, as bench/assess.py's
    # The month's extra dispatches: a third made in full, a third in part, a third not at all.
    sql(
        """UPDATE benefits_entitlement e SET
               delivered = CASE e.creator_id %% 3 WHEN 0 THEN e.quantity WHEN 1 THEN e.quantity / 2 ELSE 0 END,
               status = CASE WHEN e.creator_id %% 3 = 0 THEN 'delivered' ELSE e.status END
           FROM benefits_benefit b
           WHERE b.id = e.benefit_id AND b.code = 'extra_dispatch' AND e.period = %s""",
        [PERIOD],
    )
    # Half the month's client recommendations delivered.
    sql(
        """UPDATE benefits_entitlement e SET delivered = e.quantity, status = 'delivered'
           FROM benefits_benefit b
           WHERE b.id = e.benefit_id AND b.code = 'client_recommendation' AND e.period = %s
             AND e.creator_id %% 2 = 0""",
        [PERIOD],
    )
    # Cycle 2026Q3's reward recommendations, owed to the LV3/LV4 holders; a third delivered.
    sql(
        """INSERT INTO benefits_entitlement (creator_id, benefit_id, kind, level, period, quantity, delivered,
               status, overdue, granted_at)
           SELECT l.creator_id, b.id, 'reward', l.level, %(previous)s, 1, (l.creator_id %% 3 = 0)::int,
               CASE WHEN l.creator_id %% 3 = 0 THEN 'delivered' ELSE 'pending' END, false,
               '2026-10-01T03:00:00+08:00'
           FROM levels_creatorlevel l, benefits_benefit b
           WHERE l.level >= 3 AND b.code = 'client_recommendation'""",
        {"previous": PREVIOUS_CYCLE},
    )
    for table in STATE:
        sql(f"DROP TABLE IF EXISTS bench_period_{table}")
        sql(f"CREATE TABLE bench_period_{table} AS SELECT * FROM {table}")
    with connection.cursor() as cursor:
        cursor.execute("SELECT level, count(*) FROM levels_creatorlevel GROUP BY level ORDER BY level")
        held = dict(cursor.fetchall())
    monthly["summary"] = JobRun.objects.get(job=JobRun.Job.ASSESS_MONTHLY).summary
    return {"assess_monthly": monthly, "held": held}


def restore() -> None:
    """Back to the state ``set_up`` left: nothing the jobs wrote, the levels and entitlements as stored."""
    sql("TRUNCATE " + ", ".join(CLEARED) + " CASCADE")
    for table in STATE:
        sql(f"INSERT INTO {table} SELECT * FROM bench_period_{table}")
    sql("SELECT setval(pg_get_serial_sequence('benefits_entitlement', 'id'), max(id)) FROM benefits_entitlement")
    sql("VACUUM ANALYZE " + ", ".join(CLEARED))


def run_job(job: str) -> dict:
    """In a fresh process (``--job``): the command, timed, and the process's peak RSS."""
    out = StringIO()
    started = time.perf_counter()
    call_command(*COMMANDS[job], stdout=out, stderr=StringIO())
    run_s = time.perf_counter() - started
    return {
        "run_s": round(run_s, 2),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "output": out.getvalue().strip().splitlines()[-1],
    }


def child(job: str) -> dict:
    """``run_job`` in a fresh process: its time, creators/s and the process's own peak RSS."""
    before = wal_position()
    done = subprocess.run(
        [sys.executable, __file__, "--job", job], env=os.environ, capture_output=True, text=True, check=True
    )
    result = json.loads(done.stdout.strip().splitlines()[-1])
    result.update(wal_since(before))
    result["creators_per_s"] = round(Creator.objects.count() / result["run_s"])
    return result


def floor(job: str) -> dict:
    """The job's bare reads, and a binary COPY of the rows it inserted into empty copies of their tables."""
    params = {
        "at": AT_OF[job], "period": PERIOD, "previous": PREVIOUS_CYCLE,
        "start": parse_instant("2026-10-01T00:00:00+08:00"), "end": parse_instant("2027-01-01T00:00:00+08:00"),
    }  # fmt: skip
    started = time.perf_counter()
    with connection.cursor() as cursor:
        for statement in READS[job]:
            cursor.execute(statement, params)
            while cursor.fetchmany(10_000):
                pass
    reads_s = time.perf_counter() - started
    copy_s, rows = copy_floor(
        {table: connection.ops.compose_sql(f"SELECT * FROM {table} WHERE {where}", params)
         for table, where in INSERTED[job].items()}
    )  # fmt: skip
    return {"floor_reads_s": round(reads_s, 2), "floor_copy_s": round(copy_s, 2), "rows_inserted": rows}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--creators", type=int, default=100_000)
    parser.add_argument("--reuse", action="store_true",
                        help="keep the built data (and the set-up state, if stored); only re-run the jobs")  # fmt: skip
    parser.add_argument("--jobs", default=",".join(TIMED), help="the jobs to time, comma-separated (default: both)")
    parser.add_argument("--job", choices=list(COMMANDS), help=argparse.SUPPRESS)  # the child process
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("bench/period.py measures PostgreSQL: set DATABASE_URL=postgres://…")
    if args.job:
        print(json.dumps(run_job(args.job)))
        return
    call_command("migrate", verbosity=0)
    build_s = setup = None
    if not args.reuse:
        build_s = build(args.creators)
    if not (args.reuse and all(table_exists(f"bench_period_{t}") for t in STATE)):
        setup = set_up()
        sql("VACUUM ANALYZE " + ", ".join(CLEARED))  # as ``restore`` leaves the tables, without rewriting them
    else:
        restore()
    n = Creator.objects.count()
    results = {}
    for job in args.jobs.split(","):
        if job not in TIMED:
            sys.exit(f"--jobs takes {', '.join(TIMED)}, not {job!r}")
        result = child(job)
        result.update(floor(job))
        result["run_vs_floor"] = round(result["run_s"] / (result["floor_reads_s"] + result["floor_copy_s"]), 2)
        results[job] = result
    print(
        json.dumps(
            {
                "creators": n,
                "build_s": round(build_s, 1) if build_s else None,
                "setup": setup,
                **results,
                "load_average": os.getloadavg(),
            },
            ensure_ascii=False,
        )
    )


if __name__ == "__main__":
    main()
