from django.core.management.base import CommandParser

from levels import jobs
from levels.models import JobRun

from ._jobs import JobCommand


class Command(JobCommand):
    help = "Expire guarantee cards whose expires_at is at or before --at (valid for [issued_at, expires_at))."

    def add_arguments(self, parser: CommandParser) -> None:
        self.add_at(parser)

    def handle(self, *args, **options):
        at = self.at(options)
        run, created = jobs.trigger(JobRun.Job.EXPIRE_CARDS, due=jobs.daily_due(at))
        self.report_existing(run, created)
        self.emit({"at": at.isoformat(), **run.summary})
