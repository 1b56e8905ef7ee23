"""Benchmark of the monthly assessment spread over Celery workers, over the real Redis broker.

Builds N creators with ``bench/assess.py``'s builder (PostgreSQL only), then for each worker count
(default 1, 2 and 4): clears what the previous assessment wrote, starts ``celery worker`` with that many
prefork processes on a queue of its own (a Redis database of its own, purged first), triggers the monthly
run exactly as beat does (``jobs.trigger`` with ``enqueue_after_commit``: claim, plan, one ``chunk_run``
task a chunk), waits for the run to finish, reads each worker process's peak memory (``VmHWM``), and
stops the worker. Prints one JSON line: per worker count the seconds from trigger to finished run,
creators/s, the speed-up over one worker, the largest worker process's peak RSS, and what bounds the
speed-up: the cores the whole machine kept busy meanwhile (workers and PostgreSQL) and the workers' share.

Usage (truncates the program's tables in the database named in DATABASE_URL; REDIS_URL names the broker,
a database number of its own, which the bench purges):
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/xt_bench_workers REDIS_URL=redis://127.0.0.1:6379/9 \\
        .venv/bin/python bench/workers.py --creators 100000
"""

import argparse
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from assess import AT, TABLES, build, sql  # also sets Django up
from django.conf import settings
from django.core.management import call_command
from django.db import connection

from creators.models import Creator
from levels import jobs
from levels.models import JobRun
from levels.tasks import enqueue_after_commit

ROOT = Path(__file__).resolve().parent.parent
WRITTEN = TABLES[:9]  # what an assessment writes (``bench/assess.py``'s --reuse clears the same)
QUEUE = "bench-workers"


def worker_processes(parent: int) -> list[int]:
    """The pool processes of the worker whose main process is ``parent``."""
    children = Path(f"/proc/{parent}/task/{parent}/children")
    return [int(pid) for pid in children.read_text().split()] if children.exists() else []


def peak_rss_mb(pid: int) -> float:
    """A process's peak resident memory (``VmHWM``), in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def busy_jiffies() -> tuple[int, int]:
    """The machine's CPU time so far (``/proc/stat``), in clock ticks: (busy, all)."""
    user, nice, system, idle, iowait, irq, softirq, steal = map(int, Path("/proc/stat").read_text().split()[1:9])
    busy = user + nice + system + irq + softirq + steal
    return busy, busy + idle + iowait


def cpu_seconds(pid: int) -> float:
    """A process's CPU time so far (user + system), in seconds."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def start_worker(concurrency: int, log: Path) -> subprocess.Popen:
    """A ``celery worker`` with ``concurrency`` prefork processes consuming only the bench's queue, once
    it says it is ready."""
    command = [
        sys.executable, "-m", "celery", "-A", "config.celery_app", "worker", "--pool", "prefork",
        "--concurrency", str(concurrency), "--queues", QUEUE, "--without-gossip", "--without-mingle",
        "--without-heartbeat", "--loglevel", "info",
    ]  # fmt: skip
    handle = log.open("w")
    worker = subprocess.Popen(command, cwd=ROOT, stdout=handle, stderr=subprocess.STDOUT, env=os.environ.copy())
    deadline = time.monotonic() + 60
    while "ready." not in log.read_text():
        if worker.poll() is not None or time.monotonic() > deadline:
            worker.kill()
            sys.exit(f"the worker did not start; see {log}")
        time.sleep(0.2)
    return worker


def stop_worker(worker: subprocess.Popen) -> None:
    worker.send_signal(signal.SIGTERM)  # warm shutdown: the pool has nothing left to do
    try:
        worker.wait(timeout=60)
    except subprocess.TimeoutExpired:
        worker.kill()
        worker.wait()


def assess_on_workers(concurrency: int, n: int, log: Path) -> dict:
    """One monthly run on a fresh state, by ``concurrency`` worker processes."""
    sql("TRUNCATE " + ", ".join(WRITTEN) + " CASCADE")
    from config.celery_app import app

    app.control.purge()
    worker = start_worker(concurrency, log)
    pool = worker_processes(worker.pid)
    try:
        busy_before, all_before = busy_jiffies()
        worker_before = sum(cpu_seconds(pid) for pid in pool)
        started = time.perf_counter()
        run, _ = jobs.trigger(JobRun.Job.ASSESS_MONTHLY, due=jobs.level_due(AT), enqueue=enqueue_after_commit)
        while run.status == JobRun.Status.RUNNING:
            time.sleep(0.05)
            run.refresh_from_db()
        seconds = time.perf_counter() - started
        busy_after, all_after = busy_jiffies()
        worker_cpu = sum(cpu_seconds(pid) for pid in pool) - worker_before
        peak = max(peak_rss_mb(pid) for pid in pool)
    finally:
        stop_worker(worker)
    if run.status != JobRun.Status.DONE:
        sys.exit(f"the run ended {run.status}: {run.error}")
    return {"workers": concurrency, "seconds": round(seconds, 2), "creators_per_s": round(n / seconds),
            "worker_peak_rss_mb": round(peak),
            # What limits the speed-up: the machine's cores kept busy (workers, PostgreSQL and anything
            # else running), and the workers' own share of them.
            "machine_busy_cores": round(os.cpu_count() * (busy_after - busy_before) / (all_after - all_before), 2),
            "worker_busy_cores": round(worker_cpu / seconds, 2),
            "summary": run.summary}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--creators", type=int, default=100_000)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2, 4], help="worker counts to time")
    parser.add_argument("--reuse", action="store_true", help="keep the data of a previous run")
    args = parser.parse_args()
    if connection.vendor != "postgresql" or not settings.CELERY_BROKER_URL.startswith("redis"):
        sys.exit("bench/workers.py measures PostgreSQL and Redis: set DATABASE_URL=postgres://… and REDIS_URL")
    settings.CELERY_TASK_DEFAULT_QUEUE = QUEUE
    from config.celery_app import app

    app.conf.task_default_queue = QUEUE
    call_command("migrate", verbosity=0)
    if not args.reuse:
        build(args.creators)
    n = Creator.objects.count()
    log = ROOT / "var" / "bench-workers.log"
    log.parent.mkdir(exist_ok=True)
    runs = [assess_on_workers(concurrency, n, log) for concurrency in args.workers]
    one = next((r["seconds"] for r in runs if r["workers"] == 1), None)
    for r in runs:
        r["speedup"] = round(one / r["seconds"], 2) if one else None
    print(json.dumps({"creators": n, "chunk_size": settings.ASSESS_CHUNK_SIZE, "cpus": os.cpu_count(),
                      "runs": runs}, ensure_ascii=False))  # fmt: skip


if __name__ == "__main__":
    main()
