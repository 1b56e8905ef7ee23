"""The line types the ingest knows, and the interface a type implements.

``creators`` registers its own types when ``creators.ingest`` is imported; a higher app registers its
types from its ``AppConfig.ready()`` (academy: ``course_progress``). That keeps imports pointing down:
the ingest never imports the apps that feed it.
"""

from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, ClassVar

from .staging import WriteBehind


@dataclass(slots=True)
class ParsedLine:
    """One valid line waiting in a batch.

    ``values`` is what the handler's ``parse`` returned; ``creator`` is the platform id of the creator
    the line is about (for a ``creator`` line, its own id), and ``creator_pk`` its primary key, filled
    in before ``write`` is called (by ``write`` itself for ``creator`` lines). ``raw`` is kept until the
    batch is written, for the reject report should the creator turn out to be unknown.
    """

    line: int
    creator: str
    values: dict[str, Any]
    raw: str = ""
    creator_pk: int | None = None


@dataclass
class IngestContext:
    """What one ``ingest_lines`` call shares with its handlers."""

    # One "now" per ingest: lines that carry no time of their own all get the same one.
    now: datetime
    # Lines stored so far, per type.
    accepted: dict[str, int] = field(default_factory=dict)
    # Small per-ingest caches handlers may keep (code → pk); see writing.ids_by_code.
    caches: dict[str, dict[Any, Any]] = field(default_factory=dict)
    # Merges left running while the next batch is read (PostgreSQL); see ``upsert_rows(ingest=…)``.
    writes: WriteBehind = field(default_factory=WriteBehind)


class LineHandler(ABC):
    """One ``type`` of feed line: how to validate a line and how to write a batch of them.

    Every type except ``creator`` is about an existing creator: the ingest validates the line's
    ``creator`` key and resolves it (rejecting unknown creators) before ``write`` sees the line.
    """

    type: ClassVar[str]
    # Batches are written in ascending order, so a type can rely on the rows of a lower one
    # (submissions link content written in the same batch). ``creator`` is always first.
    order: ClassVar[int] = 50

    @abstractmethod
    def parse(self, obj: dict[str, Any]) -> dict[str, Any]:
        """Validate one decoded line; return the values ``write`` needs or raise ``LineError``."""

    @abstractmethod
    def write(self, lines: list[ParsedLine], *, ingest: IngestContext) -> None:
        """Store one batch of valid lines, in line order, with a constant number of queries."""

    def finish(self, *, ingest: IngestContext) -> None:  # noqa: B027 - a hook: most types need none
        """Called once after the last batch of an ingest that stored lines of this type."""


_handlers: dict[str, LineHandler] = {}


def register(handler: LineHandler) -> None:
    """Make ``handler.type`` a known line type. Registering a type again replaces the handler."""
    _handlers[handler.type] = handler


def handlers() -> dict[str, LineHandler]:
    """The registered handlers by type, in write order."""
    return dict(sorted(_handlers.items(), key=lambda item: (item[1].order, item[0])))
