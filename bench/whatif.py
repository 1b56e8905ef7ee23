"""Benchmark of one what-if simulation on PostgreSQL.

Builds N creators with bench/assess.py's builder, then runs one simulation (LV3's fans bar raised)
through ``levels.whatif`` inline, as its Celery task would, and prints the seconds, the peak traced
Python memory of the run and the process's peak RSS, next to the floor: the bare metric reads
(``measure_chunk``) over the same chunks. A simulation measures every chunk twice (base and draft), so
about twice the floor is the expected cost.

Usage (creates/overwrites the database named in DATABASE_URL):
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/xt_bench_whatif \\
        .venv/bin/python bench/whatif.py --creators 100000
"""

import argparse
import json
import resource
import sys
import time
import tracemalloc

from assess import AT, build, sql  # also sets Django up
from django.conf import settings
from django.core.management import call_command
from django.db import connection

from creators.models import Creator
from levels.jobs import chunk_ranges, creator_id_stream
from levels.metrics import measure_chunk
from levels.models import Simulation
from levels.rules import load_rules, version_in_force
from levels.whatif import simulation_run


def floor() -> float:
    """The bare metric reads of every chunk, once."""
    rules = load_rules(AT)
    started = time.perf_counter()
    for first, last in chunk_ranges(creator_id_stream(None), settings.ASSESS_CHUNK_SIZE):
        measure_chunk(first, last, AT, rules)
    return time.perf_counter() - started


def simulate() -> tuple[Simulation, float, int]:
    """One simulation run inline: the row ``simulation_start`` would write, then the task's body."""
    simulation = Simulation.objects.create(
        base=version_in_force(AT),
        changes={"thresholds": [[3, "fans", 550_000]], "rewards": []},
        at=AT,
        total=Creator.objects.count(),
        created_at=AT,
    )
    tracemalloc.start()
    started = time.perf_counter()
    simulation = simulation_run(simulation.pk)
    seconds = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return simulation, seconds, peak


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--creators", type=int, default=100_000)
    parser.add_argument("--reuse", action="store_true", help="keep the data of a previous run")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("bench/whatif.py measures PostgreSQL: set DATABASE_URL=postgres://…")
    call_command("migrate", verbosity=0)
    build_s = None if args.reuse else build(args.creators)
    sql("TRUNCATE levels_simulation")
    floor_s = floor()
    simulation, seconds, peak = simulate()
    assert simulation.status == Simulation.Status.DONE, simulation.error
    print(
        json.dumps(
            {
                "creators": simulation.done,
                "build_s": round(build_s, 1) if build_s else None,
                "simulation_s": round(seconds, 2),
                "floor_s": round(floor_s, 2),
                "simulation_vs_floor": round(seconds / floor_s, 2),
                "peak_traced_mb": round(peak / 2**20, 1),
                "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
                "levels": simulation.result["levels"],
                "cost": simulation.result["cost"],
            },
            ensure_ascii=False,
        )
    )


if __name__ == "__main__":
    main()
