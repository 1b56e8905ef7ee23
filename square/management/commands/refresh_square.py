"""``manage.py refresh_square [--at INSTANT]``: score every creator and replace the square's listing now, then
re-rank the leaderboards (beat does both when due; see ``square.listing``). Prints what was done."""

import json

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from lib.periods import parse_instant
from square.boards import boards_refresh
from square.listing import listing_refresh


class Command(BaseCommand):
    help = "Score every creator into the creator square's listing (达人广场排序) and re-rank the leaderboards."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--at", help="the instant to score at (ISO 8601; default now, Asia/Shanghai if no offset)")

    def handle(self, *args, at: str | None = None, **options) -> None:
        try:
            instant = parse_instant(at) if at else timezone.now()
        except ValueError as error:
            raise CommandError(str(error)) from None
        listing = listing_refresh(at=instant)
        self.stdout.write(json.dumps({"listing": listing, "boards": boards_refresh(at=instant)}))
