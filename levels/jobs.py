"""Running scheduled jobs exactly once per period, whatever Celery does.

Celery beat does not replay missed runs, a killed worker's task may be lost or delivered twice, and two
schedulers trigger twice. So a run is a database row claimed by its unique (job, key); a chunked run is
split into ``JobChunk`` rows that are each processed atomically under a row lock and skipped once done;
the run is finished when the database says no chunk is pending (not by a chord callback); and the
hourly reconciler starts any due period that has no run and resumes runs that stopped making progress.

The same functions serve the management commands (``inline=True``: everything in this process, no
broker) and the Celery tasks (``inline=False``: chunks fan out to workers after commit).
"""

import hashlib
import logging
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from benefits.selectors import catalogue_load
from benefits.services import cards, recommendations
from creators.models import Creator
from lib.periods import Cycle, Month, at_local, local, local_date

from . import services
from .models import JobChunk, JobRun
from .rules import Rules, load_rules

log = logging.getLogger(__name__)
Job = JobRun.Job
CHUNKED = {Job.ASSESS_MONTHLY, Job.ASSESS_UPGRADE, Job.ASSESS_REWARDS, Job.WARN_AT_RISK}


@dataclass(frozen=True)
class Due:
    period: str
    key: str
    at: datetime


def instant_key(at: datetime) -> str:
    return at.astimezone(UTC).isoformat(timespec="seconds")


def _monthly_on(now: datetime, hour: int) -> datetime:
    """The latest "1st of the month at ``hour``:00" at or before ``now``."""
    month = Month.of(now)
    t = month.start + timedelta(hours=hour)
    return t if t <= now else month.previous().start + timedelta(hours=hour)


def _daily_at(now: datetime, hour: int, minute: int = 0) -> datetime:
    day = local_date(now)
    t = at_local(day, hour, minute)
    return t if t <= now else at_local(day - timedelta(days=1), hour, minute)


def _due_close(now: datetime) -> Due:
    t = _monthly_on(now, 1)
    period = Month.of(t).previous().key
    return Due(period, period, t)


def _due_monthly(now: datetime) -> Due:
    t = _monthly_on(now, 2)
    return Due(Month.of(t).key, instant_key(t), t)


def _due_rewards(now: datetime) -> Due:
    cycle = Cycle.of(now)
    t = cycle.start + timedelta(hours=3)
    if t > now:
        cycle = cycle.previous()
        t = cycle.start + timedelta(hours=3)
    period = cycle.previous().key
    return Due(period, period, t)


def _daily(hour: int, minute: int = 0) -> Callable[[datetime], Due]:
    def due(now: datetime) -> Due:
        t = _daily_at(now, hour, minute)
        return Due(local_date(t).isoformat(), instant_key(t), t)

    return due


@dataclass(frozen=True)
class Schedule:
    """A beat schedule (crontab fields, Asia/Shanghai) and how to name the period due at an instant."""

    job: str
    minute: str
    hour: str
    day_of_month: str
    month_of_year: str
    due: Callable[[datetime], Due]
    words: str


# In the order they run on the 1st: close last month, assess, then rewards; the reconciler keeps it.
SCHEDULES = [
    Schedule(Job.EXPIRE_CARDS, "10", "0", "*", "*", _daily(0, 10), "every day at 00:10"),
    Schedule(Job.CLOSE_PERIOD, "0", "1", "1", "*", _due_close, "01:00 on the 1st, for the previous month"),
    Schedule(Job.ASSESS_MONTHLY, "0", "2", "1", "*", _due_monthly, "02:00 on the 1st of every month"),
    Schedule(Job.ASSESS_REWARDS, "0", "3", "1", "1,4,7,10", _due_rewards, "03:00 on the 1st of Jan/Apr/Jul/Oct"),
    Schedule(Job.ASSESS_UPGRADE, "0", "4", "*", "*", _daily(4), "every day at 04:00"),
    Schedule(Job.SETTLE_ENTRIES, "30", "5", "*", "*", _daily(5, 30), "every day at 05:30"),
    Schedule(Job.WARN_AT_RISK, "0", "9", "*", "*", _daily(9), "every day at 09:00"),
]
SCHEDULE_BY_JOB = {s.job: s for s in SCHEDULES}


# --- claiming and planning -------------------------------------------------------------------------


def run_claim(
    *, job: str, key: str, period: str, at: datetime, creator_ids: list[int] | None = None, rules: Rules | None = None
) -> tuple[JobRun, bool]:
    """Create the run (and its chunks) or find the one that exists. Two concurrent triggers of the same
    (job, key) insert the same unique row: one wins, the other gets the winner's run and ``False``."""
    rules = rules or load_rules()
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
                started_at=timezone.now(),
                heartbeat_at=timezone.now(),
            )
            if job in CHUNKED:
                _plan_chunks(run, creator_ids)
    except IntegrityError:
        return JobRun.objects.get(job=job, key=key), False
    return run, True


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


def _plan_chunks(run: JobRun, creator_ids: list[int] | None) -> None:
    ranges = chunk_ranges(creator_id_stream(creator_ids), settings.ASSESS_CHUNK_SIZE)
    JobChunk.objects.bulk_create(
        (JobChunk(run=run, index=i, first_id=first, last_id=last) for i, (first, last) in enumerate(ranges)),
        batch_size=5000,
    )


# --- executing -------------------------------------------------------------------------------------


def chunk_process(chunk_id: int) -> bool:
    """Process one chunk exactly once: the row lock makes a concurrent duplicate wait, then see it done;
    a crash rolls the whole chunk back so a re-run starts clean. Returns False if it was already done."""
    JobChunk.objects.filter(pk=chunk_id).update(attempts=F("attempts") + 1, started_at=timezone.now())
    with transaction.atomic():
        # Lock the chunk row only (``of``): workers on other chunks of the run must not queue on the run's row.
        chunk = JobChunk.objects.select_for_update(of=("self",)).select_related("run").get(pk=chunk_id)
        if chunk.status == JobChunk.Status.DONE:
            return False
        run = chunk.run
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
    # After commit, for the same reason: a heartbeat inside the chunk's transaction would hold the run's row.
    JobRun.objects.filter(pk=run.pk).update(heartbeat_at=timezone.now())
    return True


def run_finalize(run_id: int) -> bool:
    """Mark the run done when the database has no pending chunk left. Safe to call from every chunk."""
    if JobChunk.objects.filter(run_id=run_id, status=JobChunk.Status.PENDING).exists():
        return False
    totals: Counter = Counter()
    for stats in JobChunk.objects.filter(run_id=run_id).values_list("stats", flat=True):
        totals.update(stats)
    return bool(
        JobRun.objects.filter(pk=run_id, status=JobRun.Status.RUNNING).update(
            status=JobRun.Status.DONE, summary=dict(totals), finished_at=timezone.now()
        )
    )


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


def run_execute(run: JobRun, *, inline: bool) -> None:
    """Work through what is left of ``run``: here and now (``inline``), or by enqueueing its pending
    chunks for the workers once the current transaction commits."""
    if run.job not in CHUNKED:
        if inline:
            _run_single_step(run)
        else:
            from .tasks import run_step  # tasks import this module

            transaction.on_commit(lambda: run_step.delay(run.pk))
        return
    pending = list(
        JobChunk.objects.filter(run=run, status=JobChunk.Status.PENDING).order_by("index").values_list("pk", flat=True)
    )
    if inline:
        for chunk_id in pending:
            chunk_process(chunk_id)
        run_finalize(run.pk)
        return
    from .tasks import chunk_run

    def enqueue() -> None:
        for chunk_id in pending:
            chunk_run.delay(chunk_id)
        if not pending:  # nothing to fan out (no creators): finish here
            run_finalize(run.pk)

    transaction.on_commit(enqueue)


def dependency_pending(job: str, at: datetime) -> bool:
    """The reward assessment judges the level creators hold after that day's monthly assessment."""
    if job != Job.ASSESS_REWARDS:
        return False
    return not JobRun.objects.filter(
        job=Job.ASSESS_MONTHLY, period=Month.of(at).key, status=JobRun.Status.DONE
    ).exists()


def trigger(job: str, *, due: Due, inline: bool, creator_ids: list[int] | None = None) -> tuple[JobRun, bool]:
    """Claim ``due``'s run of ``job`` and execute it; an existing unfinished run is resumed."""
    run, created = run_claim(job=job, key=due.key, period=due.period, at=due.at, creator_ids=creator_ids)
    if run.status != JobRun.Status.DONE:
        run_execute(run, inline=inline)
        run.refresh_from_db()
    return run, created


def key_for(at: datetime, creator_ids: list[int] | None) -> str:
    """A run limited to some creators (``--creator``) must not stand in for the full run."""
    key = instant_key(at)
    if creator_ids is not None:
        key += "#" + hashlib.sha1(",".join(map(str, sorted(creator_ids))).encode()).hexdigest()[:8]
    return key


# --- reconciling -----------------------------------------------------------------------------------


def reconcile(*, now: datetime, inline: bool) -> list[dict]:
    """Start every job whose latest due period (within the horizon) has no run, and resume runs that
    stopped making progress. Each action happens once: ``run_claim`` is the same claim beat uses."""
    horizon = timedelta(hours=settings.RECONCILE_HORIZON_HOURS)
    stale_before = now - timedelta(minutes=settings.JOB_STALE_MINUTES)
    actions = []
    for schedule in SCHEDULES:
        due = schedule.due(now)
        if now - due.at > horizon:
            continue
        if JobRun.objects.filter(job=schedule.job, period=due.period).exists():
            continue
        if dependency_pending(schedule.job, due.at):
            actions.append({"job": schedule.job, "period": due.period, "action": "waiting"})
            continue
        run, created = trigger(schedule.job, due=due, inline=inline)
        actions.append({"job": schedule.job, "period": due.period, "action": "started" if created else "exists"})
    stuck = JobRun.objects.filter(status=JobRun.Status.RUNNING, heartbeat_at__lt=stale_before)
    for run in stuck:
        JobRun.objects.filter(pk=run.pk).update(heartbeat_at=now)
        run_execute(run, inline=inline)
        actions.append({"job": run.job, "period": run.period, "action": "resumed"})
    return actions


def due_now(job: str, now: datetime | None = None) -> Due:
    return SCHEDULE_BY_JOB[job].due(local(now or timezone.now()))


def level_due(at: datetime, creator_ids: list[int] | None = None) -> Due:
    """The run of ``assess_levels --at``: keyed by the instant, belonging to the month of ``at``."""
    return Due(Month.of(at).key, key_for(at, creator_ids), at)


def daily_due(at: datetime, creator_ids: list[int] | None = None) -> Due:
    day: date = local_date(at)
    return Due(day.isoformat(), key_for(at, creator_ids), at)
