"""``manage.py ingest_token NAME`` / ``--revoke PREFIX``: an integration's bearer token for
``POST /api/v1/ingest`` (docs/interfaces.md §1), through the same audited services as the console."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from creators.models import IngestToken
from creators.tokens import token_create, token_revoke
from lib.errors import ApplicationError


class Command(BaseCommand):
    help = (
        "Create an ingest token named NAME and print the raw token once, as the last line on stdout (only "
        "its hash is stored: save it now). With --revoke PREFIX, revoke the live token whose prefix (shown "
        "in the console and the admin) is PREFIX."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("name", nargs="?", help="who the token is for, e.g. 'data platform'")
        parser.add_argument("--revoke", metavar="PREFIX", help="revoke the live token with this prefix")

    def handle(self, *args: Any, name: str | None, revoke: str | None, **options: Any) -> None:
        if (name is None) == (revoke is None):
            raise CommandError("give either NAME (to create a token) or --revoke PREFIX, not both")
        try:
            if revoke is not None:
                self._revoke(revoke)
            else:
                self._create(name)
        except ApplicationError as error:
            raise CommandError(error.message) from error

    def _create(self, name: str) -> None:
        token, raw = token_create(name=name, actor=None, request_id=None)
        self.stderr.write(f"created token {token.name!r} (prefix {token.prefix}); it is shown only once:")
        self.stdout.write(raw)

    def _revoke(self, prefix: str) -> None:
        live = list(IngestToken.objects.filter(prefix=prefix, revoked_at__isnull=True).order_by("pk"))
        if not live:
            raise CommandError(f"no live token has the prefix {prefix!r}")
        if len(live) > 1:
            names = ", ".join(f"{t.name!r} (id {t.pk})" for t in live)
            raise CommandError(f"{len(live)} live tokens have the prefix {prefix!r}: {names}; revoke it in the console")
        token = token_revoke(token_id=live[0].pk, actor=None, request_id=None, at=timezone.now())
        self.stdout.write(f"revoked token {token.name!r} (prefix {token.prefix})")
