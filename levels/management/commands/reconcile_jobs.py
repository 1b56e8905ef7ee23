from django.core.management.base import CommandParser

from levels import dispatch, jobs

from ._jobs import JobCommand


class Command(JobCommand):
    help = (
        "Run, exactly once, every scheduled job whose period is due at --at but has no run (e.g. beat was "
        "down), resume runs that stopped making progress, and run here the runs waiting for the broker. "
        "Prints one JSON line per action."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        self.add_at(parser)

    def handle(self, *args, **options):
        now = self.at(options)
        actions = jobs.reconcile(now=now) + dispatch.runs_dispatch_waiting(now=now, enqueue=None)
        for action in actions:
            self.emit(action)
        self.emit({"summary": {"actions": len(actions)}})
