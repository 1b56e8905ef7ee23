"""Prometheus metrics of the jobs (served at ``/metrics`` with django-prometheus' request metrics).

Counted in the process that does the work: the web or command process that claims a run, the Celery
worker that processes a chunk. With several processes (gunicorn workers, Celery's prefork children)
prometheus_client writes its values to files under ``PROMETHEUS_MULTIPROC_DIR`` and ``/metrics`` sums
them (docs/observability.md); without that variable each process counts for itself, as in tests and
``make run``. Nothing here queries the database: the labels come from rows the caller already holds."""

from prometheus_client import Counter, Histogram

RUNS_STARTED = Counter("xingtu_job_runs_started_total", "Job runs created (claimed), by job.", ["job"])
RUNS_FINISHED = Counter(
    "xingtu_job_runs_finished_total", "Job runs that ended, by job and final status (done, failed).", ["job", "status"]
)
CHUNK_SECONDS = Histogram(
    "xingtu_job_chunk_duration_seconds",
    "Wall time of one processed chunk (its transaction, from the claim to the heartbeat), by job.",
    ["job"],
    # A chunk of ASSESS_CHUNK_SIZE creators takes a fraction of a second to some seconds (bench/README.md).
    buckets=(0.05, 0.1, 0.25, 0.5, 1, 2, 4, 8, 15, 30, 60, 120, 300),
)
CHUNKS_FAILED = Counter(
    "xingtu_job_chunk_failures_total", "Chunk attempts that raised (retried or, at the last attempt, failed).", ["job"]
)


def run_started(job: str) -> None:
    RUNS_STARTED.labels(job=job).inc()


def run_finished(job: str, status: str) -> None:
    RUNS_FINISHED.labels(job=job, status=status).inc()


def chunk_done(job: str, seconds: float) -> None:
    CHUNK_SECONDS.labels(job=job).observe(seconds)


def chunk_failed(job: str) -> None:
    CHUNKS_FAILED.labels(job=job).inc()
