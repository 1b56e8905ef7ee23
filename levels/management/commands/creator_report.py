import json

from django.core.management.base import BaseCommand, CommandError, CommandParser

from creators.models import Creator
from levels.selectors import creator_report


class Command(BaseCommand):
    help = "Print one creator's level, history, entitlements, guarantee cards and DOU+ as JSON (interfaces §3)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("id", nargs="?", help="the creator's platform id, e.g. c-1001")
        parser.add_argument("--user", help="the creator's portal login instead of the id")

    def handle(self, *args, **options):
        if bool(options["id"]) == bool(options["user"]):
            raise CommandError("give either a creator id or --user USERNAME")
        try:
            if options["user"]:
                creator = Creator.objects.get(user__username=options["user"])
            else:
                creator = Creator.objects.get(external_id=options["id"])
        except Creator.DoesNotExist:
            raise CommandError(f"no creator {options['id'] or 'with login ' + options['user']}") from None
        self.stdout.write(json.dumps(creator_report(creator=creator), ensure_ascii=False))
