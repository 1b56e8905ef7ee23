"""What the job commands share: argument parsing and printing runs as JSON Lines."""

import json
from datetime import datetime

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from creators.models import Creator
from levels.models import JobRun
from lib.periods import parse_instant


def instant(text: str) -> datetime:
    try:
        return parse_instant(text)
    except ValueError as exc:
        raise CommandError(str(exc)) from None


class JobCommand(BaseCommand):
    """Base for commands that do exactly what a beat job does (interfaces §2)."""

    def add_at(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--at", type=str, help="ISO 8601 instant (naive = Asia/Shanghai); default: now", default=None
        )

    def add_common(self, parser: CommandParser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="compute and print, write nothing")
        parser.add_argument(
            "--creator", action="append", dest="creators", metavar="ID", help="limit to this creator (repeatable)"
        )

    def at(self, options) -> datetime:
        return instant(options["at"]) if options.get("at") else timezone.now()

    def creator_ids(self, options) -> list[int] | None:
        wanted = options.get("creators")
        if not wanted:
            return None
        found = dict(Creator.objects.filter(external_id__in=wanted).values_list("external_id", "pk"))
        missing = sorted(set(wanted) - set(found))
        if missing:
            raise CommandError(f"unknown creator(s): {', '.join(missing)}")
        return sorted(found.values())

    def emit(self, obj: dict) -> None:
        self.stdout.write(json.dumps(obj, ensure_ascii=False))

    def report_existing(self, run: JobRun, created: bool) -> None:
        if run.status == JobRun.Status.FAILED:
            self.stderr.write(f"{run.job} {run.key}: run {run.pk} failed ({run.error}); resume it from the console")
        elif not created:
            self.stderr.write(f"{run.job} {run.key}: already done (run {run.pk}); showing its results")
