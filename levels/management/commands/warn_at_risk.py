from django.core.management.base import CommandParser

from levels import jobs
from levels.models import JobRun

from ._jobs import JobCommand


class Command(JobCommand):
    help = (
        "Message creators who would lose their level if the month ended at --at, naming the failing "
        "requirements and the days left, measured and dated at --at. A warning is repeated only when the "
        "failing requirements change, and at most once a local day."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        self.add_at(parser)
        parser.add_argument(
            "--creator", action="append", dest="creators", metavar="ID", help="limit to this creator (repeatable)"
        )

    def handle(self, *args, **options):
        at, creator_ids = self.at(options), self.creator_ids(options)
        run, created = jobs.trigger(
            JobRun.Job.WARN_AT_RISK, due=jobs.daily_due(at, creator_ids), creator_ids=creator_ids
        )
        self.report_existing(run, created)
        self.emit({"at": at.isoformat(), **run.summary})
