"""Reads for the console's job-run screens: runs with their chunk counts, a run's chunks, its level moves."""

from django.db.models import Count, Q, QuerySet

from .models import JobChunk, JobRun, LevelChange


def runs_list(*, job: str = "", status: str = "") -> QuerySet[JobRun]:
    """Runs newest first, each with ``chunks_total`` and ``chunks_done`` (one query for a page)."""
    runs = JobRun.objects.annotate(
        chunks_total=Count("chunks"), chunks_done=Count("chunks", filter=Q(chunks__status=JobChunk.Status.DONE))
    ).defer("rules_snapshot", "creator_ids")
    if job:
        runs = runs.filter(job=job)
    if status:
        runs = runs.filter(status=status)
    return runs.order_by("-started_at", "-pk")


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
