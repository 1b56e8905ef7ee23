from django.core.management.base import CommandError, CommandParser

from levels import jobs
from levels.models import JobRun
from lib.periods import Month

from ._jobs import JobCommand


class Command(JobCommand):
    help = (
        "Close benefit period --period (YYYY-MM): credit DOU+ (at the catalogue's rate) per extra dispatch not "
        "made and flag client recommendations still owed as overdue (docs/program.md §3). Runs once per period."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--period", required=True, help="natural month, e.g. 2026-11")
        self.add_at(parser)

    def handle(self, *args, **options):
        try:
            month = Month.parse(options["period"])
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        at = self.at(options) if options["at"] else month.end
        run, created = jobs.trigger(JobRun.Job.CLOSE_PERIOD, due=jobs.Due(month.key, month.key, at))
        self.report_existing(run, created)
        self.emit({"period": month.key, **run.summary})
