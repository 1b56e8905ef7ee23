from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import CommandError, CommandParser

from levels.retention import history_prune

from ._jobs import JobCommand


class Command(JobCommand):
    help = (
        "Delete what the retention policy no longer keeps (docs/scaling.md, Retention): daily-check results, "
        "index rows, impressions and messages older than their RETAIN_* period at --at, each creator's latest "
        "daily-check and index row kept. Prints the rows deleted per table; a repeat deletes nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        self.add_at(parser)
        parser.add_argument("--dry-run", action="store_true", help="count what would be deleted, delete nothing")
        parser.add_argument("--json", action="store_true", help="print one JSON object")

    def handle(self, *args, **options):
        try:
            result = history_prune(at=self.at(options), dry_run=options["dry_run"])
        except ImproperlyConfigured as exc:
            raise CommandError(str(exc)) from None
        if options["json"]:
            self.emit(result)
            return
        verb = "would delete" if result["dry_run"] else "deleted"
        for table, count in result["deleted"].items():
            self.stdout.write(f"{table}: {verb} {count}")
