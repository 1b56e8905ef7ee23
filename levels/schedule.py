"""The beat schedule, defined once: when each job runs and which period a run at that moment belongs to.

Each entry's crontab fields (Asia/Shanghai) serve twice: ``beat_schedule_sync`` writes them into
django-celery-beat (migration 0004 calls it), and ``Schedule.due`` finds the latest tick of the same
crontab to tell the beat task and the reconciler which period is due. Celery is not imported here.
"""

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from lib.periods import TZ, Cycle, Month, at_local, local, local_date

from .models import JobRun

Job = JobRun.Job
JOB_TASK = "levels.tasks.job_due"  # beat calls it with the job's name; it works out the period due
RECONCILE_TASK = "levels.tasks.reconcile"
DISPATCH_TASK = "levels.tasks.dispatch_waiting"


@dataclass(frozen=True)
class Due:
    """A run to claim: the natural ``period`` it belongs to, its unique ``key``, and its instant ``at``
    (what the run measures at and dates its messages with). ``tick``: the schedule's tick it belongs
    to, when it comes from the schedule (None for a run an operator asked for at an instant)."""

    period: str
    key: str
    at: datetime
    tick: datetime | None = field(default=None, compare=False)

    @property
    def due_since(self) -> datetime:
        """Since when the run has been due: its tick, else its instant."""
        return self.tick or self.at


def instant_key(at: datetime) -> str:
    return at.astimezone(UTC).isoformat(timespec="seconds")


def _values(field: str, full: range) -> list[int]:
    """A crontab field's values, highest first. Only ``*``, ``*/step`` and comma-separated numbers are
    used here."""
    if field.startswith("*/"):
        return sorted(full[:: int(field[2:])], reverse=True)
    return sorted(full if field == "*" else (int(v) for v in field.split(",")), reverse=True)


@dataclass(frozen=True)
class Crontab:
    """Crontab fields in Asia/Shanghai; the day of the week is always ``*``."""

    minute: str
    hour: str
    day_of_month: str
    month_of_year: str

    def latest_tick(self, now: datetime) -> datetime:
        """The latest instant at or before ``now`` at which this crontab fires."""
        now = local(now)
        minutes, hours = _values(self.minute, range(60)), _values(self.hour, range(24))
        days, months = _values(self.day_of_month, range(1, 32)), _values(self.month_of_year, range(1, 13))
        for back in range(367):  # every crontab here fires at least once a year
            day = now.date() - timedelta(days=back)
            if day.day in days and day.month in months:
                for hour in hours:
                    for minute in minutes:
                        if (tick := at_local(day, hour, minute)) <= now:
                            return tick
        raise ValueError(f"{self} does not fire in the year before {now.isoformat()}")


@dataclass(frozen=True)
class BeatEntry:
    """One django-celery-beat ``PeriodicTask``: its name, the task it calls with ``args``, and when."""

    name: str
    task: str
    args: tuple[str, ...]
    cron: Crontab


@dataclass(frozen=True)
class Schedule:
    """A job's beat entry (named as when it was first registered) and how to name the run due at one of its
    ticks: ``period_of(tick)`` gives the run's (period, key).

    ``measured_when_run``: the run's instant is when it is triggered, not its tick. A job that judges a
    period (the monthly assessment at 02:00 on the 1st) must measure at its tick, however late it runs;
    a message about "now" (the 09:00 保级提醒) must say what is true when it is sent, so one that beat
    missed and the reconciler catches up at 15:30 measures at 15:30 and is dated then."""

    job: str
    name: str
    cron: Crontab
    period_of: Callable[[datetime], tuple[str, str]]
    measured_when_run: bool = False

    @property
    def entry(self) -> BeatEntry:
        return BeatEntry(self.name, JOB_TASK, (self.job,), self.cron)

    def due(self, now: datetime) -> Due:
        """The run of the latest tick at or before ``now``, measured at that tick or, for a job
        ``measured_when_run``, at ``now``."""
        tick = self.cron.latest_tick(now)
        period, key = self.period_of(tick)
        return Due(period, key, now if self.measured_when_run else tick, tick)


def _previous_month(tick: datetime) -> tuple[str, str]:
    period = Month.of(tick).previous().key
    return period, period


def _month_of_tick(tick: datetime) -> tuple[str, str]:
    return Month.of(tick).key, instant_key(tick)


def _previous_cycle(tick: datetime) -> tuple[str, str]:
    period = Cycle.of(tick).previous().key
    return period, period


def _day_of_tick(tick: datetime) -> tuple[str, str]:
    return local_date(tick).isoformat(), instant_key(tick)


# In the order they run on the 1st: close last month, assess, then rewards; the reconciler keeps it.
SCHEDULES = [
    # every day at 00:10: guarantee cards past expires_at → expired
    Schedule(Job.EXPIRE_CARDS, "expire_cards", Crontab("10", "0", "*", "*"), _day_of_tick),
    # 01:00 on the 1st of every month: close the previous month (DOU+ compensation, overdue recommendations)
    Schedule(Job.CLOSE_PERIOD, "close_period", Crontab("0", "1", "1", "*"), _previous_month),
    # 02:00 on the 1st of every month: monthly level assessment and the new period's grants
    Schedule(Job.ASSESS_MONTHLY, "assess_levels monthly", Crontab("0", "2", "1", "*"), _month_of_tick),
    # 03:00 on the 1st of January, April, July and October: reward assessment of the previous quarter
    Schedule(Job.ASSESS_REWARDS, "assess_rewards", Crontab("0", "3", "1", "1,4,7,10"), _previous_cycle),
    # every day at 04:00: upgrade check (only upward moves)
    Schedule(Job.ASSESS_UPGRADE, "assess_levels upgrade", Crontab("0", "4", "*", "*"), _day_of_tick),
    # every day at 05:00: the day's Xingtu index of every creator (docs/program.md §4)
    Schedule(Job.COMPUTE_INDEX, "compute_index", Crontab("0", "5", "*", "*"), _day_of_tick),
    # every day at 05:30: settle the entries of closed guarantee tasks
    Schedule(Job.SETTLE_ENTRIES, "settle_entries", Crontab("30", "5", "*", "*"), _day_of_tick),
    # every day at 09:00: warn creators whose level is at risk this month, measured when it is sent
    Schedule(Job.WARN_AT_RISK, "warn_at_risk", Crontab("0", "9", "*", "*"), _day_of_tick, measured_when_run=True),
]
SCHEDULE_BY_JOB = {s.job: s for s in SCHEDULES}
# every hour at :30: run any due period that is missing or stuck, exactly once
RECONCILE = BeatEntry("reconcile_jobs", RECONCILE_TASK, (), Crontab("30", "*", "*", "*"))
# every two minutes: send anew the runs whose tasks the broker did not take (``levels.dispatch``)
DISPATCH_WAITING = BeatEntry("dispatch_waiting_runs", DISPATCH_TASK, (), Crontab("*/2", "*", "*", "*"))
BEAT = [*(s.entry for s in SCHEDULES), RECONCILE, DISPATCH_WAITING]


def due_now(job: str, now: datetime) -> Due:
    return SCHEDULE_BY_JOB[job].due(now)


def beat_schedule_sync(apps, schema_editor=None) -> None:
    """Write ``BEAT`` into django-celery-beat: create the entries that are missing and put back the
    crontab, task, arguments and ``enabled`` of those that differ. Idempotent; ``apps`` is a migration's
    app registry or the live one (so it serves as a ``RunPython`` function)."""
    crontab_model = apps.get_model("django_celery_beat", "CrontabSchedule")
    task_model = apps.get_model("django_celery_beat", "PeriodicTask")
    for entry in BEAT:
        crontab, _ = crontab_model.objects.get_or_create(
            minute=entry.cron.minute,
            hour=entry.cron.hour,
            day_of_month=entry.cron.day_of_month,
            month_of_year=entry.cron.month_of_year,
            day_of_week="*",
            timezone=TZ.key,
        )
        task_model.objects.update_or_create(
            name=entry.name,
            defaults={"task": entry.task, "crontab": crontab, "args": json.dumps(list(entry.args)), "enabled": True},
        )


def beat_schedule_remove(apps, schema_editor=None) -> None:
    """Undo ``beat_schedule_sync`` (a migration's reverse)."""
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name__in=[e.name for e in BEAT]).delete()
