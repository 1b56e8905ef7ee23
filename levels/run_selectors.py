"""Reads for the console's job-run screens: runs with their chunk counts, how many a list shows, a run's
chunks, its level moves."""

from functools import cache

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from lib.kept import VERSIONS_MD5, row_version
from lib.sql import column, table

from .models import JobChunk, JobRun, LevelChange


def _listed(*, job: str, status: str) -> Q:
    """The runs of ``job`` in ``status`` (blank: any)."""
    listed = Q(job=job) if job else Q()
    return listed & Q(status=status) if status else listed


def runs_list(*, job: str = "", status: str = "") -> QuerySet[JobRun]:
    """Runs newest first, each with ``chunks_total`` and ``chunks_done`` (one query for a page). The chunks
    are counted for the page's runs only, through the chunks' run index: joined and grouped, every run's
    chunks were counted before the page was cut (90 ms for a year of runs at a million creators)."""
    chunks = JobChunk.objects.filter(run=OuterRef("pk")).order_by().values("run")

    def counted(rows: QuerySet) -> Coalesce:
        return Coalesce(Subquery(rows.annotate(n=Count("run")).values("n")), 0)  # the index alone

    runs = JobRun.objects.annotate(
        chunks_total=counted(chunks), chunks_done=counted(chunks.filter(status=JobChunk.Status.DONE))
    ).defer("rules_snapshot", "creator_ids")
    return runs.filter(_listed(job=job, status=status)).order_by("-started_at", "-pk")


def runs_counted(*, job: str = "", status: str = "") -> tuple[int, bool]:
    """How many runs ``runs_list(job=, status=)`` lists, and whether any run waits for the broker (its
    ``awaiting_broker_since`` set: ``levels.dispatch``), in one scan of the runs: the list page needs
    both on every load, where counting ``runs_list`` groups every run's chunks and the wait is a query
    of its own."""
    listed = _listed(job=job, status=status)
    found = JobRun.objects.aggregate(
        listed=Count("pk", filter=listed or None), waiting=Count("pk", filter=Q(awaiting_broker_since__isnull=False))
    )
    return found["listed"], found["waiting"] > 0


def runs_fingerprint_sql() -> tuple[str, list]:
    """What the run list is drawn from, as ``lib.kept`` keeps pages: an SQL expression (and its parameters)
    for the md5 of the row versions of every run and of the chunks of the runs still running — a finished
    run's chunks are written again only with the run (a resume reopens the run and its failed chunks in
    one transaction; a late task finds its chunk done and writes nothing) — or NULL while a run waits for
    the broker (the list then sends it: drawn, not kept). Read with the operator's permissions
    (``console.access.permission_required``), at one snapshot."""
    return _fingerprint_sql(), [JobRun.Status.RUNNING]


@cache
def _fingerprint_sql() -> str:
    r, c = JobRun, JobChunk
    runs = f"SELECT {row_version('r', 'run')} AS v, r.{column(r, 'awaiting_broker_since')} AS w FROM {table(r)} r"
    chunks = (
        f"SELECT {row_version('c', 'chunk')}, NULL FROM {table(c)} c JOIN {table(r)} r"
        f" ON r.{column(r, 'id')} = c.{column(c, 'run')} WHERE r.{column(r, 'status')} = %s"
    )
    return (
        f"(SELECT CASE WHEN bool_or(w IS NOT NULL) THEN NULL ELSE coalesce({VERSIONS_MD5}, '')"
        f" END FROM ({runs} UNION ALL {chunks}) x)"
    )


def run_get(run_id: int) -> JobRun:
    return runs_list().get(pk=run_id)


def run_chunks(run: JobRun) -> QuerySet[JobChunk]:
    return run.chunks.order_by("index")


def run_moves(run: JobRun) -> list[tuple[int, int, int]]:
    """(from level, to level, creators) for every move the run made, in level order."""
    rows = (
        LevelChange.objects.filter(run=run)
        .values_list("from_level", "to_level")
        .annotate(creators=Count("pk"))
        .order_by("from_level", "to_level")
    )
    return list(rows)


def run_movers(run: JobRun, *, from_level: int, to_level: int) -> QuerySet[LevelChange]:
    """The creators one move of the run took from ``from_level`` to ``to_level``."""
    return (
        LevelChange.objects.filter(run=run, from_level=from_level, to_level=to_level)
        .select_related("creator")
        .order_by("creator__external_id")
    )
