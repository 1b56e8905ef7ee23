from django.core.management.base import CommandParser

from levels import jobs
from levels.models import JobRun

from ._jobs import JobCommand


class Command(JobCommand):
    help = (
        "Settle the entries of guarantee submission tasks closed by --at: payout = max(earnings, card) when "
        "the entry's plays reach the task's threshold, else earnings; the card is spent (docs/program.md §3)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        self.add_at(parser)

    def handle(self, *args, **options):
        at = self.at(options)
        run, created = jobs.trigger(JobRun.Job.SETTLE_ENTRIES, due=jobs.daily_due(at))
        self.report_existing(run, created)
        self.emit({"at": at.isoformat(), **run.summary})
