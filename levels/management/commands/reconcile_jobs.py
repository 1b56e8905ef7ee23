from django.core.management.base import CommandParser

from levels import jobs

from ._jobs import JobCommand


class Command(JobCommand):
    help = (
        "Run, exactly once, every scheduled job whose period is due at --at but has no run (e.g. beat was "
        "down), and resume runs that stopped making progress. Prints one JSON line per action."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        self.add_at(parser)

    def handle(self, *args, **options):
        actions = jobs.reconcile(now=self.at(options))
        for action in actions:
            self.emit(action)
        self.emit({"summary": {"actions": len(actions)}})
