"""Operators starting and resuming job runs (the console's 任务运行 screen).

A run started here is THE run of its period, the one beat would have made: (job, period) is mapped to the
tick of the job's own schedule (``levels.schedule``) that belongs to that period, and claimed through
``jobs.trigger`` like beat does, then worked by the Celery workers. A period that already has a run gets
that run back instead of a second one.
"""

from collections.abc import Callable
from datetime import date, datetime, timedelta

from django.utils import timezone
from django.utils.translation import gettext as _

from creators.services import audit_action, audit_target
from lib.errors import ApplicationError
from lib.periods import Cycle, Month, at_local

from . import jobs, schedule, tasks
from .models import JobRun

Job = JobRun.Job
ONE_DAY = timedelta(days=1)


def _day(key: str) -> date:
    """``YYYY-MM-DD`` strictly (``date.fromisoformat`` would also take ``20261205``)."""
    if len(key) != 10:
        raise ValueError(key)
    return date.fromisoformat(key)


# Per job the operator may start: how its period is written, and an instant inside the day its
# schedule fires for that period (the run closing or judging a period runs early the next day).
PERIODS: dict[str, tuple[str, Callable[[str], object], Callable[[object], datetime]]] = {
    Job.ASSESS_MONTHLY: ("YYYY-MM", Month.parse, lambda month: month.start + ONE_DAY),
    Job.ASSESS_UPGRADE: ("YYYY-MM-DD", _day, lambda day: at_local(day + ONE_DAY)),
    Job.ASSESS_REWARDS: ("YYYYQn", Cycle.parse, lambda cycle: cycle.end + ONE_DAY),
    Job.CLOSE_PERIOD: ("YYYY-MM", Month.parse, lambda month: month.end + ONE_DAY),
    Job.COMPUTE_INDEX: ("YYYY-MM-DD", _day, lambda day: at_local(day + ONE_DAY)),
}
STARTABLE = tuple(PERIODS)


def run_due(*, job: str, period: str) -> schedule.Due:
    """The scheduled run of ``job`` that belongs to ``period``, as beat (and the reconciler) claim it.
    Raises ``ApplicationError`` for a job that cannot be started or a period written wrongly."""
    if job not in PERIODS:
        raise ApplicationError(_("不能从后台启动这个任务。"), code="invalid")
    form, parse, day_after = PERIODS[job]
    try:
        parsed = parse(period.strip())
    except ValueError:
        raise ApplicationError(
            _("“%(job)s”的周期应写成 %(form)s，而不是“%(period)s”。")
            % {"job": Job(job).label, "form": form, "period": period},
            code="invalid",
        ) from None
    # The latest tick before the end of that day is the one whose run belongs to ``period``.
    due = schedule.due_now(job, day_after(parsed) - timedelta(microseconds=1))
    assert due.period == getattr(parsed, "key", str(parsed)), (job, period, due)
    return due


def run_start(
    *, job: str, period: str, actor, request_id: str | None, now: datetime | None = None
) -> tuple[JobRun, bool]:
    """Start ``job``'s run of ``period`` through Celery, audited as ``run.start``; or, if that period
    already has a (full) run, return it unchanged (and audit nothing). Refuses a period whose run is not
    due yet, and a reward run before its month's level assessment has finished (what beat waits for)."""
    now = now or timezone.now()
    due = run_due(job=job, period=period)
    existing = JobRun.objects.filter(job=job, period=due.period, creator_ids__isnull=True).order_by("pk").first()
    if existing is not None:
        return existing, False
    if due.at > now:
        raise ApplicationError(
            _("%(period)s 的“%(job)s”还没到时间：它在 %(at)s 才运行。")
            % {
                "period": due.period,
                "job": Job(job).label,
                "at": timezone.localtime(due.at).strftime("%Y-%m-%d %H:%M"),
            },
            code="future",
        )
    if jobs.dependency_pending(job, due.at):
        raise ApplicationError(
            _("请先完成 %(month)s 的月度等级评估：奖励评估按评估后的等级判定。") % {"month": Month.of(due.at).key},
            code="waiting",
        )
    with audit_action(actor=actor, action="run.start", request_id=request_id) as row:
        run, created = jobs.trigger(
            job, due=due, enqueue=tasks.enqueue_after_commit, started_by=f"console:{actor.get_username()}"
        )
        audit_target(row, run)
        row.after = {"job": job, "period": due.period, "run": run.pk}
    return run, created


def run_resume(*, run_id: int, actor, request_id: str | None, now: datetime | None = None) -> JobRun:
    """Resume a failed run (its failed chunks get fresh attempts) or a stuck one (running, silent for
    ``JOB_STALE_MINUTES``) through Celery, audited as ``run.resume``. Anything else is refused."""
    now = now or timezone.now()
    with audit_action(actor=actor, action="run.resume", request_id=request_id) as row:
        run = JobRun.objects.get(pk=run_id)
        before = {"status": run.status, "error": run.error}
        if not (jobs.run_reopen(run.pk, now=now) or jobs.run_take_over(run.pk, now=now)):
            raise ApplicationError(_("这个运行既没有失败也没有卡住，不需要继续。"), code="not_resumable")
        audit_target(row, run)
        row.before, row.after = before, {"status": JobRun.Status.RUNNING}
        run.refresh_from_db()
        jobs.run_execute(run, enqueue=tasks.enqueue_after_commit)
    return run
