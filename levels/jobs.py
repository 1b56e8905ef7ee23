"""Running scheduled jobs exactly once per period, whatever Celery does.

Celery beat does not replay missed runs, a killed worker's task may be lost or delivered twice, and two
schedulers trigger twice. So a run is a database row claimed by its unique (job, key); a chunked run is
split into ``JobChunk`` rows that are each processed atomically under a row lock and skipped once done;
the run is finished when the database says no chunk is pending (not by a chord callback); and the
hourly reconciler starts any due period that has no run and resumes runs that stopped making progress.

The same functions serve the management commands (no ``enqueue``: everything in this process, no
broker) and the Celery tasks, which pass an ``enqueue`` that hands each run's ``Work`` to the workers
after commit. This module knows nothing of Celery; ``levels.tasks`` does the enqueueing. When each job is
due comes from ``levels.schedule``.
"""

import hashlib
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from academy.models import CourseProgress
from benefits.models import Entitlement
from benefits.selectors import catalogue_load
from benefits.services import cards, recommendations
from creators.models import Content, Creator, CreditDaily, FansDaily, Order, PortalEvent, Quote, SubmissionEntry
from insights.services import index_publish_day
from lib.periods import Cycle, Month, local_date
from lib.sql import analyze_stale, commit_without_waiting, sort_memory

from . import job_metrics, schedule, services
from .models import CreatorLevel, JobChunk, JobRun, LevelOverride
from .rules import Rules, load_rules, rewards_month
from .schedule import Due, instant_key

Job = JobRun.Job
CHUNKED = {Job.ASSESS_MONTHLY, Job.ASSESS_UPGRADE, Job.ASSESS_REWARDS, Job.WARN_AT_RISK, Job.COMPUTE_INDEX}

# What the chunks read: the activity ``levels.metrics`` and ``insights`` measure, the levels held, the
# overrides, and the entitlements the grants update.
CHUNK_READS = (Creator, FansDaily, CreditDaily, Quote, PortalEvent, Content, SubmissionEntry, Order, CourseProgress,
               CreatorLevel, LevelOverride, Entitlement)  # fmt: skip

CHUNK_WORK_MEM_MB = 64  # sort and hash memory of a chunk's transaction (``lib.sql.sort_memory``)

# Who started a run (``JobRun.started_by``); an operator's run is ``console:<username>``.
BY_BEAT, BY_RECONCILER, BY_COMMAND = "beat", "reconciler", "command"


@dataclass(frozen=True)
class Work:
    """What is left of a run for the workers: its single step (``step``), or its pending chunks."""

    run_id: int
    step: bool = False
    chunk_ids: tuple[int, ...] = ()


# Hands ``Work`` to the workers (``levels.tasks``); without one, jobs run here and now.
Enqueue = Callable[[Work], None]


# --- claiming and planning -------------------------------------------------------------------------


def run_claim(
    *,
    job: str,
    key: str,
    period: str,
    at: datetime,
    creator_ids: list[int] | None = None,
    rules: Rules | None = None,
    started_by: str = BY_COMMAND,
) -> tuple[JobRun, bool]:
    """Create the run (and its chunks) or find the one that exists. Two concurrent triggers of the same
    (job, key) insert the same unique row: one wins, the other gets the winner's run and ``False``.
    Without ``rules``, the run loads the rule-set version in force for its month (``rules_month``)."""
    rules = rules or load_rules(rules_month(job, period, at))
    try:
        with transaction.atomic():
            run = JobRun.objects.create(
                job=job,
                key=key,
                period=period,
                at=at,
                rule_set_id=rules.rule_set_id,
                rules_snapshot=rules.snapshot(),
                creator_ids=creator_ids,
                started_by=started_by,
                started_at=timezone.now(),
                heartbeat_at=timezone.now(),
            )
            if job in CHUNKED:
                _plan_chunks(run, creator_ids)
    except IntegrityError:
        return JobRun.objects.get(job=job, key=key), False
    job_metrics.run_started(job)
    return run, True


def rules_month(job: str, period: str, at: datetime) -> Month:
    """The month whose rule-set version a run applies: a reward run's cycle's last month, any other run's
    month of ``at`` (docs/program.md §1)."""
    if job == Job.ASSESS_REWARDS:
        return rewards_month(Cycle.parse(period))
    return Month.of(at)


def chunk_ranges(ids, size: int):
    """Cut an ascending id stream into ``(first, last)`` ranges of at most ``size`` ids."""
    first = last = None
    count = 0
    for pk in ids:
        if first is None:
            first = pk
        last, count = pk, count + 1
        if count == size:
            yield first, last
            first, count = None, 0
    if first is not None:
        yield first, last


def creator_id_stream(creator_ids: list[int] | None):
    if creator_ids is not None:
        return iter(sorted(creator_ids))
    return Creator.objects.order_by("pk").values_list("pk", flat=True).iterator(chunk_size=10_000)


def inputs_analyze() -> None:
    """Give the planner figures for what the chunks read where a big load (the first ingest, a backfill)
    has left them stale: planned blind, a chunk's aggregates sorted on disk what fits a hash in memory, and
    a chunk's creators estimated at one row joined its aggregates by nested loops, rescanning each per
    creator (a hundred times slower)."""
    analyze_stale([model._meta.db_table for model in CHUNK_READS])


def _plan_chunks(run: JobRun, creator_ids: list[int] | None) -> None:
    """Cut the run into chunks of ``ASSESS_CHUNK_SIZE`` creators, the planner's figures fresh first."""
    inputs_analyze()
    ranges = chunk_ranges(creator_id_stream(creator_ids), settings.ASSESS_CHUNK_SIZE)
    JobChunk.objects.bulk_create(
        (JobChunk(run=run, index=i, first_id=first, last_id=last) for i, (first, last) in enumerate(ranges)),
        batch_size=5000,
    )


# --- executing -------------------------------------------------------------------------------------


def chunk_process(chunk_id: int) -> bool:
    """Process one pending chunk exactly once: the row lock makes a concurrent duplicate wait, then see it
    done; a crash rolls the whole chunk back so a re-run starts clean. Returns False if it was not pending.

    An error is stored on the chunk and re-raised (the caller retries) until the chunk has had
    ``JOB_CHUNK_MAX_ATTEMPTS`` attempts; then the chunk and its run become ``failed`` and it returns
    False, so nothing retries a chunk that keeps failing until an operator resumes the run."""
    if not JobChunk.objects.filter(pk=chunk_id, status=JobChunk.Status.PENDING).update(
        attempts=F("attempts") + 1, started_at=timezone.now()
    ):
        return False
    started = time.monotonic()
    try:
        with transaction.atomic():
            # Lock the chunk row only (``of``): workers on other chunks of the run must not queue on the run's row.
            chunk = JobChunk.objects.select_for_update(of=("self",)).select_related("run").get(pk=chunk_id)
            if chunk.status != JobChunk.Status.PENDING:
                return False
            run = chunk.run
            # Lost in a crash, the chunk is lost whole, still pending, and the reconciler redoes it; a later
            # commit that does wait (finishing the run) makes every earlier one durable.
            commit_without_waiting()
            # A chunk's content aggregate (some 30 rows a creator) sorted on disk at the default 4 MB; hashed
            # in memory it took 25–45 ms less a chunk of 2,000 (bench/README.md, "Monthly assessment").
            sort_memory(CHUNK_WORK_MEM_MB)
            stats = services.run_chunk(
                run=run,
                first_id=chunk.first_id,
                last_id=chunk.last_id,
                rules=Rules.from_snapshot(run.rules_snapshot),
                catalogue=catalogue_load(),
            )
            JobChunk.objects.filter(pk=chunk.pk).update(
                status=JobChunk.Status.DONE, stats=stats, finished_at=timezone.now()
            )
    except Exception as exc:
        if not _chunk_failed(chunk_id, exc):
            raise
        return False
    # After commit, for the same reason: a heartbeat inside the chunk's transaction would hold the run's row.
    # Nor need it wait for the disk: a heartbeat lost in a crash only makes the run look stale sooner.
    with transaction.atomic():
        commit_without_waiting()
        JobRun.objects.filter(pk=run.pk).update(heartbeat_at=timezone.now())
    job_metrics.chunk_done(run.job, time.monotonic() - started)
    return True


def _chunk_failed(chunk_id: int, exc: Exception) -> bool:
    """Store ``exc`` on the chunk; once its attempts are used up, fail the chunk and its run (naming the
    chunk). True if the chunk is now ``failed``."""
    error = f"{type(exc).__name__}: {exc}"
    chunk = JobChunk.objects.select_related("run").get(pk=chunk_id)  # the run's job names the metrics
    job_metrics.chunk_failed(chunk.run.job)
    if chunk.attempts < settings.JOB_CHUNK_MAX_ATTEMPTS:
        JobChunk.objects.filter(pk=chunk_id).update(error=error)
        return False
    now = timezone.now()
    with transaction.atomic():
        JobChunk.objects.filter(pk=chunk_id).update(status=JobChunk.Status.FAILED, error=error, finished_at=now)
        run_failed = JobRun.objects.filter(pk=chunk.run_id, status=JobRun.Status.RUNNING).update(
            status=JobRun.Status.FAILED,
            error=f"chunk {chunk.index} (creators {chunk.first_id}–{chunk.last_id}) failed after "
            f"{chunk.attempts} attempts: {error}",
            finished_at=now,
        )
    if run_failed:
        job_metrics.run_finished(chunk.run.job, JobRun.Status.FAILED)
    return True


def run_finalize(run_id: int) -> bool:
    """Mark the run done when the database has no pending chunk left. Safe to call from every chunk: the
    run's row lock lets one caller finish it (for the index, after ranking and publishing the whole day,
    which needs every chunk staged); the others then find it done."""
    if JobChunk.objects.filter(run_id=run_id, status=JobChunk.Status.PENDING).exists():
        return False
    with transaction.atomic():
        run = JobRun.objects.select_for_update().filter(pk=run_id, status=JobRun.Status.RUNNING).first()
        if run is None:
            return False
        totals: Counter = Counter()
        for stats in JobChunk.objects.filter(run_id=run_id).values_list("stats", flat=True):
            totals.update(stats)
        if run.job == Job.COMPUTE_INDEX:
            totals.update(index_publish_day(day=local_date(run.at), batch=run.pk))
        JobRun.objects.filter(pk=run_id).update(
            status=JobRun.Status.DONE, summary=dict(totals), finished_at=timezone.now()
        )
    job_metrics.run_finished(run.job, JobRun.Status.DONE)
    return True


def _run_single_step(run: JobRun) -> None:
    """The unchunked jobs: one idempotent service call."""
    with transaction.atomic():
        run = JobRun.objects.select_for_update().get(pk=run.pk)
        if run.status == JobRun.Status.DONE:
            return
        catalogue = catalogue_load()
        if run.job == Job.CLOSE_PERIOD:
            summary = recommendations.period_close(month=Month.parse(run.period), at=run.at, catalogue=catalogue)
        elif run.job == Job.EXPIRE_CARDS:
            summary = {"expired": cards.cards_expire(at=run.at)}
        elif run.job == Job.SETTLE_ENTRIES:
            summary = {"settled": cards.entries_settle(at=run.at)}
        else:
            raise ValueError(f"unknown job {run.job}")
        JobRun.objects.filter(pk=run.pk).update(
            status=JobRun.Status.DONE, summary=summary, finished_at=timezone.now(), heartbeat_at=timezone.now()
        )
    job_metrics.run_finished(run.job, JobRun.Status.DONE)


def run_execute(run: JobRun, *, enqueue: Enqueue | None) -> None:
    """Work through what is left of ``run``: here and now (no ``enqueue``), or by handing its single step
    or its pending chunks to ``enqueue``."""
    if run.job not in CHUNKED:
        if enqueue is None:
            _run_single_step(run)
        else:
            enqueue(Work(run.pk, step=True))
        return
    pending = tuple(
        JobChunk.objects.filter(run=run, status=JobChunk.Status.PENDING).order_by("index").values_list("pk", flat=True)
    )
    if enqueue is None:
        for chunk_id in pending:
            chunk_process(chunk_id)
        run_finalize(run.pk)
    elif pending:
        enqueue(Work(run.pk, chunk_ids=pending))
    else:  # nothing to fan out (no creators): finish here
        run_finalize(run.pk)


def dependency_pending(job: str, at: datetime) -> bool:
    """The reward assessment judges the level creators hold after that day's monthly assessment."""
    if job != Job.ASSESS_REWARDS:
        return False
    return not JobRun.objects.filter(
        job=Job.ASSESS_MONTHLY, period=Month.of(at).key, status=JobRun.Status.DONE
    ).exists()


def trigger(
    job: str,
    *,
    due: Due,
    enqueue: Enqueue | None = None,
    creator_ids: list[int] | None = None,
    started_by: str = BY_COMMAND,
) -> tuple[JobRun, bool]:
    """Claim ``due``'s run of ``job`` and execute it (see ``run_execute``); an existing running run is
    resumed. A failed run stays failed: only an operator resumes it (``run_reopen``)."""
    run, created = run_claim(
        job=job, key=due.key, period=due.period, at=due.at, creator_ids=creator_ids, started_by=started_by
    )
    if run.status == JobRun.Status.RUNNING:
        run_execute(run, enqueue=enqueue)
        run.refresh_from_db()
    return run, created


def key_for(at: datetime, creator_ids: list[int] | None) -> str:
    """A run limited to some creators (``--creator``) must not stand in for the full run."""
    key = instant_key(at)
    if creator_ids is not None:
        key += "#" + hashlib.sha1(",".join(map(str, sorted(creator_ids))).encode()).hexdigest()[:8]
    return key


# --- reconciling -----------------------------------------------------------------------------------


def reconcile(*, now: datetime, enqueue: Enqueue | None = None) -> list[dict]:
    """Start every job whose latest due period (within the horizon) has no run, and resume runs that
    stopped making progress, executing them as ``run_execute`` does. Each action happens once:
    ``run_claim`` is the same claim beat uses."""
    horizon = timedelta(hours=settings.RECONCILE_HORIZON_HOURS)
    actions = []
    for job_schedule in schedule.SCHEDULES:
        job, due = job_schedule.job, job_schedule.due(now)
        if now - due.due_since > horizon:
            continue
        # Only a full run stands for its period: one an operator limited to some creators does not.
        if JobRun.objects.filter(job=job, period=due.period, creator_ids__isnull=True).exists():
            continue
        if dependency_pending(job, due.at):
            actions.append({"job": job, "period": due.period, "action": "waiting"})
            continue
        run, created = trigger(job, due=due, enqueue=enqueue, started_by=BY_RECONCILER)
        actions.append({"job": job, "period": due.period, "action": "started" if created else "exists"})
    for run in JobRun.objects.filter(status=JobRun.Status.RUNNING, heartbeat_at__lt=stale_before(now)):
        if run_take_over(run.pk, now=now):
            run_execute(run, enqueue=enqueue)
            actions.append({"job": run.job, "period": run.period, "action": "resumed"})
    return actions


def run_take_over(run_id: int, *, now: datetime) -> bool:
    """Take over a running run that is stale at ``now``. The heartbeat moves only if
    it is still stale, in one conditional UPDATE: of two reconcilers (or operators) racing for the same
    run, exactly one gets a row back and resumes it."""
    taken = JobRun.objects.filter(pk=run_id, status=JobRun.Status.RUNNING, heartbeat_at__lt=stale_before(now))
    return taken.update(heartbeat_at=now) == 1


def stale_before(now: datetime) -> datetime:
    """A running run whose heartbeat is older than this has stopped making progress (``JOB_STALE_MINUTES``)."""
    return now - timedelta(minutes=settings.JOB_STALE_MINUTES)


def run_is_stale(run: JobRun, *, now: datetime) -> bool:
    return run.status == JobRun.Status.RUNNING and run.heartbeat_at is not None and run.heartbeat_at < stale_before(now)


def run_reopen(run_id: int, *, now: datetime) -> bool:
    """Put a failed run back to running and its failed chunks back to pending with their attempts reset,
    so ``run_execute`` retries them. False if the run was not failed (already reopened by someone else)."""
    with transaction.atomic():
        reopened = JobRun.objects.filter(pk=run_id, status=JobRun.Status.FAILED).update(
            status=JobRun.Status.RUNNING, error="", finished_at=None, heartbeat_at=now
        )
        if reopened:
            JobChunk.objects.filter(run_id=run_id, status=JobChunk.Status.FAILED).update(
                status=JobChunk.Status.PENDING, attempts=0, error="", started_at=None, finished_at=None
            )
    return bool(reopened)


def level_due(at: datetime, creator_ids: list[int] | None = None) -> Due:
    """The run of ``assess_levels --at``: keyed by the instant, belonging to the month of ``at``."""
    return Due(Month.of(at).key, key_for(at, creator_ids), at)


def daily_due(at: datetime, creator_ids: list[int] | None = None) -> Due:
    day: date = local_date(at)
    return Due(day.isoformat(), key_for(at, creator_ids), at)
