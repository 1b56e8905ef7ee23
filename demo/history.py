"""When the demo's history happened: the reference instant its creators are shaped against, and the job
runs ``seed_demo`` replays, each at a tick of its own job's beat schedule (``levels.schedule``), so the
level history, grants and messages they write are dated as the jobs would have dated them — the monthly
assessment at 02:00 on the 1st, warnings at 09:00 — never at the instant the demo was seeded.

The generator (``demo.feed``) is pure and knows no schedule: it is handed the reference instant.
"""

from datetime import datetime, timedelta

from levels.models import JobRun
from levels.schedule import SCHEDULE_BY_JOB, Due, due_now

Job = JobRun.Job
# The reference run is the month's monthly assessment when it lies this far before ``at``: then the
# window it judged and the window of ``at`` overlap by ≥ 5 days and each has ≥ 5 days of its own.
REFERENCE_MONTHLY = (timedelta(days=5), timedelta(days=25))
# Otherwise it is the daily upgrade check this long before ``at`` (the same overlap, and more).
REFERENCE_BACK = timedelta(days=15)
# Jobs that run on the 1st (monthly, or quarterly), replayed from the start of the history to ``at``;
# of the daily jobs only the latest run is replayed (the demo has no day-by-day past).
MONTHLY_CADENCE = (Job.CLOSE_PERIOD, Job.ASSESS_MONTHLY, Job.ASSESS_REWARDS)
DAILY = (Job.EXPIRE_CARDS, Job.ASSESS_UPGRADE, Job.SETTLE_ENTRIES, Job.WARN_AT_RISK)
# Except the Xingtu index: its last this many daily runs, so the business assistant has a trend to draw.
INDEX_DAYS = 30
_SECOND, DAY = timedelta(seconds=1), timedelta(days=1)


def reference_time(at: datetime) -> datetime:
    """The run at which ``at_risk`` creators met their tier (docs/interfaces.md §5): the monthly
    assessment of ``at``'s month when it is 5–25 days before ``at``, else the daily upgrade check 15
    days (and a few hours) before ``at``."""
    monthly = due_now(Job.ASSESS_MONTHLY, at).at
    low, high = REFERENCE_MONTHLY
    if low <= at - monthly <= high:
        return monthly
    return due_now(Job.ASSESS_UPGRADE, at - REFERENCE_BACK).at


def _ticks(job: str, start: datetime, end: datetime) -> list[datetime]:
    """Every tick of ``job``'s schedule in ``[start, end]``, oldest first."""
    cron, ticks = SCHEDULE_BY_JOB[job].cron, []
    tick = cron.latest_tick(end)
    while tick >= start:
        ticks.append(tick)
        tick = cron.latest_tick(tick - _SECOND)
    return ticks[::-1]


def replayed_runs(*, at: datetime, reference: datetime) -> list[tuple[str, Due]]:
    """The runs that write the demo's history, oldest first, each as beat would have claimed it.

    The history starts at the earlier of the reference run and the monthly assessment of the quarter's
    reward assessment (so that one judges levels assessed before it). From there: every period close,
    monthly and reward assessment up to ``at``; the reference run when it is an upgrade check; the
    latest run of each daily job (card expiry, upgrade check, settlement, at-risk warning); and the last
    ``INDEX_DAYS`` daily Xingtu index runs."""
    rewards = due_now(Job.ASSESS_REWARDS, at).at
    start = min(reference, due_now(Job.ASSESS_MONTHLY, rewards).at)
    runs = {(job, tick) for job in MONTHLY_CADENCE for tick in _ticks(job, start, at)}
    if reference != due_now(Job.ASSESS_MONTHLY, reference).at:
        runs.add((Job.ASSESS_UPGRADE, reference))
    runs |= {(job, tick) for job in DAILY if (tick := due_now(job, at).tick) > start}
    latest_index = due_now(Job.COMPUTE_INDEX, at).tick
    runs |= {(Job.COMPUTE_INDEX, tick) for tick in _ticks(Job.COMPUTE_INDEX, latest_index - (INDEX_DAYS - 1) * DAY, at)}
    return [(job, SCHEDULE_BY_JOB[job].due(tick)) for job, tick in sorted(runs, key=lambda run: (run[1], run[0]))]
