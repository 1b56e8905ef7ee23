import secrets
from collections import Counter
from datetime import date

from django.conf import settings
from django.core.management.base import CommandParser
from django.db import transaction

from insights.models import DailyIndex
from insights.selectors import INDEX_FIELDS, index_json
from insights.services import index_compute_chunk, index_publish_day
from levels import jobs
from levels.models import JobRun
from lib.periods import local_date

from ._jobs import JobCommand

SUMMARY = ("assessed", "indexed")


class Command(JobCommand):
    help = (
        "Compute the Xingtu index (docs/program.md §4) of the local day of --at for every creator, measured at "
        "--at: raw figures, the five sub-indices as percentile ranks among the creators with data, and the "
        "weighted composite. Runs once per instant; a repeat prints the stored results. --creator recomputes "
        "those creators and ranks the whole day again. --dry-run does the same work in a transaction it rolls "
        "back (a run publishing the same day meanwhile waits for it)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        self.add_at(parser)
        parser.add_argument("--json", action="store_true", help="print one JSON object per creator, then a summary")
        self.add_common(parser)

    def handle(self, *args, **options):
        at, creator_ids = self.at(options), self.creator_ids(options)
        day = local_date(at)
        if options["dry_run"]:
            with transaction.atomic():
                summary = self._compute_here(at, creator_ids)
                if options["json"]:
                    self._print_day(day, creator_ids)
                transaction.set_rollback(True)
        else:
            due = jobs.daily_due(at, creator_ids)
            run, created = jobs.trigger(JobRun.Job.COMPUTE_INDEX, due=due, creator_ids=creator_ids)
            self.report_existing(run, created)
            summary = run.summary
            if options["json"]:
                self._print_day(day, creator_ids)
        summary = {name: summary.get(name, 0) for name in SUMMARY}
        if options["json"]:
            self.emit({"summary": summary})
        else:
            self.emit({"at": at.isoformat(), "date": day.isoformat(), **summary})

    def _compute_here(self, at, creator_ids: list[int] | None) -> Counter:
        """What the run's chunks and its last step do, in this process, staged under a batch no run has
        (runs' ids are positive)."""
        only = set(creator_ids) if creator_ids is not None else None
        batch = -1 - secrets.randbits(62)
        summary: Counter = Counter()
        for first, last in jobs.chunk_ranges(jobs.creator_id_stream(creator_ids), settings.ASSESS_CHUNK_SIZE):
            summary.update(index_compute_chunk(at=at, first_id=first, last_id=last, batch=batch, only=only))
        summary.update(index_publish_day(day=local_date(at), batch=batch))
        return summary

    def _print_day(self, day: date, creator_ids: list[int] | None) -> None:
        rows = DailyIndex.objects.filter(date=day).select_related("creator").order_by("creator_id")
        if creator_ids is not None:
            rows = rows.filter(creator_id__in=creator_ids)
        for row in rows.only("creator__external_id", "date", *INDEX_FIELDS).iterator(chunk_size=5000):
            self.emit({"creator": row.creator.external_id, **index_json(row)})
