"""Retention of the tables that grow every day (docs/scaling.md, "Retention").

What is deleted, per class of rows, at an instant ``at`` (days are Asia/Shanghai days; a row is deleted
when it is strictly older than its cut-off, so a row exactly at the cut-off stays):

- **daily-check results** (``Assessment`` rows of ``assess_upgrade`` runs) whose run is dated before the
  start of the local day ``RETAIN_DAILY_CHECK_DAYS`` days before ``at``'s — except each creator's latest
  daily-check row: the console's 保级风险 filter and the version that judged a creator read the latest
  level run's row (``levels.selectors.measured_level``, ``levels.versions.level_judged_by``);
- **index rows** (``DailyIndex``) of local days before ``at``'s day minus ``RETAIN_INDEX_DAYS`` — except
  each creator's latest row (the creator report and 经营助手 show it);
- **impressions** of local days before ``at``'s day minus ``RETAIN_IMPRESSION_DAYS``;
- **messages** sent before the start of the local day ``RETAIN_MESSAGE_MONTHS`` calendar months before
  ``at``'s (the same day of the month, or the month's last).

Never deleted: monthly and reward assessments, level changes, levels held, overrides, the ledger
(entitlements, cards, DOU+ credits, dispatches, recommendations), audit rows, job runs, the creators'
activity.

How: each class lists its *units* — the runs or days that have rows to delete — in one query; per unit,
one query finds the id span of its rows, and the span is deleted in id ranges of ``RETAIN_BATCH_SIZE``:
one ``DELETE`` a range, in a transaction of its own, so no lock is held longer than a batch and the jobs
writing new rows never wait. A unit's rows are written together (one run's chunks, one day's publication,
one job's messages), so the span is close to the rows themselves. Call it outside any transaction.
"""

from dataclasses import asdict, dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connections, router, transaction
from django.db.models import Exists, Max, Min, OuterRef, QuerySet

from creators.models import AssistantMessage
from insights.models import DailyIndex, Impression
from lib.periods import Month, at_local, local_date

from .models import Assessment, JobRun

PRUNE_TASK = "levels.tasks.prune_history"
PRUNE_ENTRY = "prune history"
PRUNE_CRON = ("15", "6")  # 06:15 Asia/Shanghai: after the night's jobs (the index at 05:00, settlement 05:30)

# The least each period may be set to: what the pages and the jobs read back (the 30-day index trend and
# exposure, the boards' day before; the at-risk warning reads the month's messages).
MINIMUM = {"RETAIN_DAILY_CHECK_DAYS": 1, "RETAIN_INDEX_DAYS": 31, "RETAIN_IMPRESSION_DAYS": 31,
           "RETAIN_MESSAGE_MONTHS": 2, "RETAIN_BATCH_SIZE": 1}  # fmt: skip


@dataclass(frozen=True)
class Cutoffs:
    """The first instant or local day kept, per class."""

    daily_checks: datetime
    index_rows: date
    impressions: date
    messages: datetime

    def json(self) -> dict[str, str]:
        return {name: value.isoformat() for name, value in asdict(self).items()}


def setting(name: str) -> int:
    """A retention setting, refused (``ImproperlyConfigured``) below its ``MINIMUM``."""
    value = getattr(settings, name)
    if type(value) is not int or value < MINIMUM[name]:
        raise ImproperlyConfigured(f"{name} must be an integer of at least {MINIMUM[name]}, got {value!r}")
    return value


def months_before(day: date, months: int) -> date:
    """The same day of the month ``months`` calendar months earlier (the month's last if it is shorter)."""
    month = Month(day.year, day.month)
    for _ in range(months):
        month = month.previous()
    last = (month.end - timedelta(days=1)).date()
    return date(month.year, month.month, min(day.day, last.day))


def cutoffs(at: datetime) -> Cutoffs:
    today = local_date(at)
    return Cutoffs(
        daily_checks=at_local(today - timedelta(days=setting("RETAIN_DAILY_CHECK_DAYS"))),
        index_rows=today - timedelta(days=setting("RETAIN_INDEX_DAYS")),
        impressions=today - timedelta(days=setting("RETAIN_IMPRESSION_DAYS")),
        messages=at_local(months_before(today, setting("RETAIN_MESSAGE_MONTHS"))),
    )


# --- the rows each class deletes --------------------------------------------------------------------


def daily_checks_expired(*, before: datetime) -> dict[int, QuerySet[Assessment]]:
    """Per daily-check run dated before ``before`` with rows to delete: those rows — the results of
    creators who have a result in a later daily check."""
    upgrade = JobRun.Job.ASSESS_UPGRADE
    later = Assessment.objects.filter(
        creator_id=OuterRef("creator_id"), run__job=upgrade, run__at__gt=OuterRef("run__at")
    )
    expired = Assessment.objects.filter(run__job=upgrade, run__at__lt=before).filter(Exists(later))
    runs = JobRun.objects.filter(job=upgrade, at__lt=before).filter(Exists(expired.filter(run_id=OuterRef("pk"))))
    return {run_id: expired.filter(run_id=run_id) for run_id in runs.order_by("at", "pk").values_list("pk", flat=True)}


def index_rows_expired(*, before: date) -> dict[date, QuerySet[DailyIndex]]:
    """Per local day before ``before`` that has rows: its rows to delete — those of creators who have a
    row on a later day."""
    later = DailyIndex.objects.filter(creator_id=OuterRef("creator_id"), date__gt=OuterRef("date"))
    expired = DailyIndex.objects.filter(date__lt=before).filter(Exists(later))
    days = DailyIndex.objects.filter(date__lt=before).values_list("date", flat=True).distinct().order_by("date")
    return {day: expired.filter(date=day) for day in days}


def impressions_expired(*, before: date) -> dict[str, QuerySet[Impression]]:
    return {"all": Impression.objects.filter(date__lt=before)}


def messages_expired(*, before: datetime) -> dict[str, QuerySet[AssistantMessage]]:
    return {"all": AssistantMessage.objects.filter(created_at__lt=before)}


# --- deleting ----------------------------------------------------------------------------------------


def units_prune(units: dict[object, QuerySet], *, batch: int, dry_run: bool) -> int:
    """Delete (or, ``dry_run``, count) the rows of each unit, in id ranges of ``batch``: one query for
    the unit's id span, then one statement a range, each range in a transaction of its own."""
    total = 0
    for rows in units.values():
        span = rows.aggregate(first=Min("pk"), last=Max("pk"))
        if span["first"] is None:
            continue
        for start in range(span["first"], span["last"] + 1, batch):
            in_range = rows.filter(pk__gte=start, pk__lt=start + batch)
            total += in_range.count() if dry_run else _delete(in_range)
    return total


def _delete(rows: QuerySet) -> int:
    """``DELETE … WHERE id IN (the rows' ids)``: one statement, whatever relations Django knows of (its
    ``QuerySet.delete`` may fetch the rows first)."""
    model = rows.model
    using = router.db_for_write(model)
    inner, params = rows.values("pk").query.sql_with_params()
    connection = connections[using]
    table, pk = connection.ops.quote_name(model._meta.db_table), connection.ops.quote_name(model._meta.pk.column)
    with transaction.atomic(using=using), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table} WHERE {pk} IN ({inner})", params)
        return cursor.rowcount


def daily_checks_prune(*, at: datetime, dry_run: bool = False) -> int:
    units = daily_checks_expired(before=cutoffs(at).daily_checks)
    return units_prune(units, batch=setting("RETAIN_BATCH_SIZE"), dry_run=dry_run)


def index_rows_prune(*, at: datetime, dry_run: bool = False) -> int:
    units = index_rows_expired(before=cutoffs(at).index_rows)
    return units_prune(units, batch=setting("RETAIN_BATCH_SIZE"), dry_run=dry_run)


def impressions_prune(*, at: datetime, dry_run: bool = False) -> int:
    units = impressions_expired(before=cutoffs(at).impressions)
    return units_prune(units, batch=setting("RETAIN_BATCH_SIZE"), dry_run=dry_run)


def messages_prune(*, at: datetime, dry_run: bool = False) -> int:
    units = messages_expired(before=cutoffs(at).messages)
    return units_prune(units, batch=setting("RETAIN_BATCH_SIZE"), dry_run=dry_run)


# Table → its class's prune; the order the command prints them in.
PRUNES = {
    Assessment._meta.db_table: daily_checks_prune,
    DailyIndex._meta.db_table: index_rows_prune,
    Impression._meta.db_table: impressions_prune,
    AssistantMessage._meta.db_table: messages_prune,
}


def history_prune(*, at: datetime, dry_run: bool = False) -> dict:
    """Apply the retention policy at ``at``: rows deleted (or, ``dry_run``, that would be) per table,
    and the cut-offs. A second run at the same ``at`` deletes nothing."""
    deleted = {table: prune(at=at, dry_run=dry_run) for table, prune in PRUNES.items()}
    return {"at": at.isoformat(), "dry_run": dry_run, "cutoffs": cutoffs(at).json(), "deleted": deleted}
