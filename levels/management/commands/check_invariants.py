import json

from django.core.management.base import BaseCommand, CommandError, CommandParser

from levels.invariants import invariants_check, invariants_violated


class Command(BaseCommand):
    help = (
        "Check what must hold in the data (levels.invariants): entitlements unique per period, cards issued = "
        "card entitlements delivered + manual cards, DOU+ credited = shortfalls, an audit row for every "
        "operator action, audit rows append-only. Exits 1 when any is violated."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--json", action="store_true", help="print one JSON object per check")

    def handle(self, *args, **options):
        results = invariants_check()
        for result in results:
            if options["json"]:
                self.stdout.write(json.dumps(result, ensure_ascii=False))
            else:
                state = "ok" if not result["violations"] else f"{result['violations']} violation(s)"
                self.stdout.write(f"{result['check']}: {state}")
                for example in result["examples"]:
                    self.stdout.write(f"  {example}")
        if violated := invariants_violated(results):
            raise CommandError("violated: " + ", ".join(result["check"] for result in violated))
