"""``manage.py ingest PATH``: load the activity feed from a JSON Lines file or stdin (docs/interfaces.md §1)."""

import json
import sys
from collections.abc import Iterable
from contextlib import ExitStack
from typing import Any, TextIO

from django.core.management.base import BaseCommand, CommandError, CommandParser

from creators.ingest import IngestResult, ingest_lines

SHOWN_REJECTS = 20


class Command(BaseCommand):
    help = (
        "Load the activity feed (JSON Lines, one object per line) from PATH, or from stdin with '-'. "
        "All or nothing unless --skip-invalid. The last line printed on stdout is the JSON summary; "
        "the exit status is 1 when lines were rejected and nothing was stored."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help="the JSON Lines file, or - for standard input")
        parser.add_argument(
            "--skip-invalid",
            action="store_true",
            help="store the valid lines even when others are rejected (exit status 0)",
        )
        parser.add_argument(
            "--rejects",
            metavar="PATH",
            help='write every rejected line to PATH, one JSON object each: {"line", "reason", "raw"}',
        )
        parser.add_argument(
            "--batch-size", type=int, default=None, help="lines per write batch (default: INGEST_BATCH_SIZE)"
        )

    def handle(
        self, *args: Any, path: str, skip_invalid: bool, rejects: str | None, batch_size: int | None, **options: Any
    ) -> None:
        with ExitStack() as files:
            source = self._open_input(files, path)
            rejects_file = self._open_rejects(files, rejects) if rejects else None
            result = ingest_lines(source, skip_invalid=skip_invalid, rejects=rejects_file, batch_size=batch_size)
        self._show_rejects(result, rejects_path=rejects)
        if result.empty:
            self.stderr.write(f"{path}: the input is empty (no JSON line to load); nothing was stored")
        self.stdout.write(json.dumps(result.summary(), ensure_ascii=False))
        if not result.stored:
            # Raised after the summary is written, so it stays the last stdout line; the message goes
            # to stderr and the exit status is 1.
            raise CommandError(
                f"{result.rejected} line(s) rejected, so nothing was stored (all or nothing). "
                "Fix them, or run again with --skip-invalid to store the valid lines.",
                returncode=1,
            )

    @staticmethod
    def _open_input(files: ExitStack, path: str) -> Iterable[bytes | str]:
        """PATH, or stdin for ``-``, read as bytes one line at a time: each line is decoded as UTF-8 on
        its own, so a bad byte rejects that line, not the whole file, and the file is never read whole."""
        if path == "-":
            return getattr(sys.stdin, "buffer", sys.stdin)
        try:
            return files.enter_context(open(path, "rb"))
        except OSError as error:
            raise CommandError(f"cannot read {path}: {error.strerror or error}") from error

    @staticmethod
    def _open_rejects(files: ExitStack, path: str) -> TextIO:
        try:
            return files.enter_context(open(path, "w", encoding="utf-8"))
        except OSError as error:
            raise CommandError(f"cannot write the rejects to {path}: {error.strerror or error}") from error

    def _show_rejects(self, result: IngestResult, *, rejects_path: str | None) -> None:
        """Tell the person at the terminal why lines were rejected (stderr, the first few)."""
        for reject in result.rejects_sample[:SHOWN_REJECTS]:
            self.stderr.write(f"line {reject.line}: {reject.reason}")
        hidden = result.rejected - min(len(result.rejects_sample), SHOWN_REJECTS)
        if hidden > 0:
            where = f"see {rejects_path}" if rejects_path else "use --rejects PATH to get them all"
            self.stderr.write(f"… and {hidden} more rejected line(s) ({where})")
