"""The line types ``creators`` owns: creator, content, fans, credit, order, event, submission.

Except for ``creator`` (only the keys present change), a line is the platform's whole current record
of its row: an optional key left out is stored empty (0 for content counters, NULL otherwise), so a
re-sent line always leaves the row exactly as the line says.
"""

from decimal import Decimal
from operator import itemgetter
from typing import Any

from django.db.models import Exists, OuterRef, Subquery

from creators.models import (
    Content,
    ContentKind,
    Creator,
    CreditDaily,
    FansDaily,
    Order,
    OrderKind,
    OrderStatus,
    PortalEvent,
    Quote,
    SubmissionEntry,
    SubmissionTask,
)

from . import fields
from .fields import LineError
from .registry import IngestContext, LineHandler, ParsedLine, register
from .writing import ids_by_code, last_wins, upsert_rows


def _max_length(model, field: str) -> int:
    """A text column's length, from the model: the one home of what the portal's forms take too."""
    return model._meta.get_field(field).max_length


ID_LENGTH = _max_length(Creator, "external_id")
NICKNAME_LENGTH = _max_length(Creator, "nickname")
INTRO_LENGTH = _max_length(Creator, "intro")
REGION_LENGTH = _max_length(Creator, "region")
QUOTE_KIND_LENGTH = _max_length(Quote, "kind")
TASK_CODE_LENGTH = _max_length(SubmissionTask, "code")
TITLE_LENGTH = _max_length(Content, "title")
QUOTES = "_quotes"  # creator values key for the replacement quote set (not a Creator field)
TASK_TYPES = ("submission", "spread")
CONTENT_KINDS = tuple(ContentKind.values)
ORDER_KINDS = tuple(OrderKind.values)
ORDER_STATUSES = tuple(OrderStatus.values)
EVENT_NAMES = tuple(PortalEvent.Name.values)


class CreatorHandler(LineHandler):
    """``creator``: create or update; only the keys present on the line change (docs/interfaces.md §1).

    ``created_at`` and ``updated_at`` are set when the creator is created and left alone by updates,
    so that loading the same file again leaves every column exactly as it was.
    """

    type = "creator"
    order = 0

    def parse(self, obj: dict[str, Any]) -> dict[str, Any]:
        values: dict[str, Any] = {
            "external_id": fields.text(obj, "id", max_length=ID_LENGTH),
            "nickname": fields.text(obj, "nickname", max_length=NICKNAME_LENGTH),
        }
        optional = {
            "fans": fields.count(obj, "fans"),
            "credit_score": fields.integer_between(obj, "credit_score", 0, 100),
            "douyin_bound": fields.boolean(obj, "douyin_bound"),
            "intro": fields.free_text(obj, "intro", max_length=INTRO_LENGTH),
            "region": fields.free_text(obj, "region", max_length=REGION_LENGTH),
            "industries": fields.string_list(
                obj, "industries", max_items=Creator.INDUSTRIES_MAX, max_length=Creator.INDUSTRY_MAX_LENGTH
            ),
            "joined_at": fields.instant(obj, "joined_at", required=False),
        }
        values.update((key, value) for key, value in optional.items() if value is not None)
        task_types = fields.string_list(obj, "task_types", allowed=TASK_TYPES)
        if task_types is not None:
            values["submission_enabled"] = "submission" in task_types
            values["spread_enabled"] = "spread" in task_types
        quotes = obj.get("quotes")
        if quotes is not None:
            values[QUOTES] = self._parse_quotes(quotes)
        return values

    @staticmethod
    def _parse_quotes(quotes: Any) -> dict[str, Decimal]:
        if not isinstance(quotes, dict):
            raise LineError(
                f'"quotes" must be an object of quote kind → yuan such as {{"video_1_20s": 8000}}, '
                f"got {fields.shown(quotes)}"
            )
        parsed = {}
        for kind, amount in quotes.items():
            if not kind.strip() or len(kind) > QUOTE_KIND_LENGTH:
                raise LineError(
                    f'"quotes" has an invalid kind {fields.shown(kind)} (1 to {QUOTE_KIND_LENGTH} characters)'
                )
            parsed[kind] = fields.money(amount, f"quotes.{kind}", max_digits=12)
        return parsed

    def write(self, lines: list[ParsedLine], *, ingest: IngestContext) -> None:
        """Upsert the batch's creators and set ``creator_pk`` on every line.

        The same creator twice in a batch is merged first, the later line's keys winning. Creators are
        then upserted in groups that share the same set of keys, each group updating only its keys:
        a line with just id and nickname must not reset an existing creator's fans to 0.
        """
        merged: dict[str, dict[str, Any]] = {}
        for line in lines:
            merged.setdefault(line.creator, {}).update(line.values)

        groups: dict[tuple[str, ...], list[dict[str, Any]]] = {}
        for values in merged.values():
            keys = tuple(sorted(key for key in values if key not in ("external_id", QUOTES)))
            groups.setdefault(keys, []).append(values)
        pks: dict[str, int] = {}
        for keys, group in groups.items():
            rows = [(values["external_id"], *(values[key] for key in keys)) for values in group]
            written = upsert_rows(
                Creator,
                ("external_id", *keys),
                rows,
                unique_fields=("external_id",),
                update_fields=keys,
                returning=("external_id", "id"),
            )
            pks.update(written)
        if len(pks) < len(merged):  # a backend that cannot return ids from an upsert (SQLite < 3.35)
            pks = dict(Creator.objects.filter(external_id__in=merged).values_list("external_id", "pk"))
        for line in lines:
            line.creator_pk = pks[line.creator]

        quote_sets = {pks[external_id]: values[QUOTES] for external_id, values in merged.items() if QUOTES in values}
        if quote_sets:
            self._replace_quotes(quote_sets, ingest=ingest)

    @staticmethod
    def _replace_quotes(quote_sets: dict[int, dict[str, Decimal]], *, ingest: IngestContext) -> None:
        """Make each creator's quotes exactly the given set. Quotes that stay keep their rows (and ids)."""
        existing = Quote.objects.filter(creator_id__in=quote_sets).values_list("pk", "creator_id", "kind")
        stale = [pk for pk, creator_id, kind in existing if kind not in quote_sets[creator_id]]
        if stale:
            Quote.objects.filter(pk__in=stale).delete()
        quotes = [
            (creator_id, kind, amount) for creator_id, kinds in quote_sets.items() for kind, amount in kinds.items()
        ]
        upsert_rows(
            Quote, ("creator", "kind", "amount"), quotes, unique_fields=("creator", "kind"), update_fields=("amount",),
            ingest=ingest,
        )  # fmt: skip


class ContentHandler(LineHandler):
    """``content``: create the item or replace its latest counters."""

    type = "content"
    order = 10
    COUNTERS = ("likes", "comments", "shares", "component_clicks", "conversions")
    VALUES = ("kind", "published_at", "effective_plays", *COUNTERS, "completion_rate", "title")
    row_values = itemgetter(*VALUES)

    def parse(self, obj: dict[str, Any]) -> dict[str, Any]:
        values = {
            "external_id": fields.text(obj, "id", max_length=ID_LENGTH),
            "kind": fields.choice(obj, "kind", CONTENT_KINDS),
            "published_at": fields.instant(obj, "published_at"),
            "effective_plays": fields.count(obj, "effective_plays", required=True),
            "completion_rate": fields.number_between(obj, "completion_rate", 0, 1),
            "title": fields.free_text(obj, "title", max_length=TITLE_LENGTH) or "",
        }
        for counter in self.COUNTERS:
            values[counter] = fields.count(obj, counter) or 0
        return values

    def write(self, lines: list[ParsedLine], *, ingest: IngestContext) -> None:
        rows = [
            (line.values["external_id"], line.creator_pk, *self.row_values(line.values))
            for line in last_wins(lines, lambda line: line.values["external_id"])
        ]
        upsert_rows(
            Content,
            ("external_id", "creator", *self.VALUES),
            rows,
            unique_fields=("external_id",),
            update_fields=("creator", *self.VALUES),
            ingest=ingest,
        )

    def finish(self, *, ingest: IngestContext) -> None:
        """Link submission entries that named this content before it arrived.

        A submission is linked when written if its content is already stored; one that came first (an
        earlier batch or an earlier ingest) is linked here, so the result does not depend on line order
        and re-loading a file changes nothing.
        """
        match = Content.objects.filter(external_id=OuterRef("content_ref"))
        SubmissionEntry.objects.filter(content__isnull=True).exclude(content_ref="").filter(Exists(match)).update(
            content=Subquery(match.values("pk")[:1])
        )


class FansHandler(LineHandler):
    """``fans``: the follower count on a day, one row per creator and day."""

    type = "fans"
    order = 20
    model, field = FansDaily, "fans"

    def parse(self, obj: dict[str, Any]) -> dict[str, Any]:
        return {"date": fields.day(obj, "date"), "fans": fields.count(obj, "fans", required=True)}

    def write(self, lines: list[ParsedLine], *, ingest: IngestContext) -> None:
        rows = [
            (line.creator_pk, line.values["date"], line.values[self.field])
            for line in last_wins(lines, lambda line: (line.creator_pk, line.values["date"]))
        ]
        upsert_rows(
            self.model, ("creator", "date", self.field), rows, unique_fields=("creator", "date"),
            update_fields=(self.field,), ingest=ingest,
        )  # fmt: skip


class CreditHandler(FansHandler):
    """``credit``: the credit score (0–100) from that day on, one row per creator and day."""

    type = "credit"
    model, field = CreditDaily, "score"

    def parse(self, obj: dict[str, Any]) -> dict[str, Any]:
        return {"date": fields.day(obj, "date"), "score": fields.integer_between(obj, "score", 0, 100, required=True)}


class OrderHandler(LineHandler):
    """``order``: create or update the order."""

    type = "order"
    order = 20
    VALUES = ("kind", "status", "created_at", "completed_at", "amount", "plays", "rating")
    row_values = itemgetter(*VALUES)

    def parse(self, obj: dict[str, Any]) -> dict[str, Any]:
        values = {
            "external_id": fields.text(obj, "id", max_length=ID_LENGTH),
            "kind": fields.choice(obj, "kind", ORDER_KINDS),
            "status": fields.choice(obj, "status", ORDER_STATUSES),
            "created_at": fields.instant(obj, "created_at"),
            "completed_at": fields.instant(obj, "completed_at", required=False),
            "amount": fields.optional_money(obj, "amount", max_digits=14),
            "plays": fields.count(obj, "plays"),
            "rating": fields.number_between(obj, "rating", 1, 5),
        }
        if values["status"] == OrderStatus.COMPLETED and values["completed_at"] is None:
            raise LineError('"completed_at" is required when "status" is "completed"')
        return values

    def write(self, lines: list[ParsedLine], *, ingest: IngestContext) -> None:
        rows = [
            (line.values["external_id"], line.creator_pk, *self.row_values(line.values))
            for line in last_wins(lines, lambda line: line.values["external_id"])
        ]
        upsert_rows(
            Order,
            ("external_id", "creator", *self.VALUES),
            rows,
            unique_fields=("external_id",),
            update_fields=("creator", *self.VALUES),
            ingest=ingest,
        )


class EventHandler(LineHandler):
    """``event``: a portal event that happened elsewhere; the same (creator, name, at) is stored once."""

    type = "event"
    order = 20

    def parse(self, obj: dict[str, Any]) -> dict[str, Any]:
        return {"name": fields.choice(obj, "name", EVENT_NAMES), "at": fields.instant(obj, "at")}

    def write(self, lines: list[ParsedLine], *, ingest: IngestContext) -> None:
        rows = list(dict.fromkeys((line.creator_pk, line.values["name"], line.values["at"]) for line in lines))
        upsert_rows(
            PortalEvent, ("creator", "name", "at"), rows, unique_fields=("creator", "name", "at"), ingest=ingest
        )


class SubmissionHandler(LineHandler):
    """``submission``: an entry in a submission task, the task created by its code if unknown.

    ``content`` is optional and may name an item not synced yet: the raw id is kept in ``content_ref``
    and the foreign key is set once the item exists (here, or in ``ContentHandler.finish``). Settlement
    fields (``settled_at``, ``payout``) belong to the portal and are never touched. The entry is the
    platform's word: it is stored as sent, whatever the portal's rules for joining (docs/program.md §3).

    ``task_kind`` (``video``, ``live``) gives a task the kind of work it takes when it has none yet —
    the first line that names one, in file order; a kind once set is changed only in the admin.
    """

    type = "submission"
    order = 30  # after content, so an item sent in the same batch is linked at once
    FIELDS = ("external_id", "creator", "task", "content", "submitted_at", "content_ref", "effective_plays", "earnings")
    row_values = itemgetter("submitted_at", "content_ref", "effective_plays", "earnings")

    def parse(self, obj: dict[str, Any]) -> dict[str, Any]:
        return {
            "external_id": fields.text(obj, "id", max_length=ID_LENGTH),
            "task": fields.text(obj, "task", max_length=TASK_CODE_LENGTH),
            "task_kind": fields.choice(obj, "task_kind", CONTENT_KINDS, required=False),
            "submitted_at": fields.instant(obj, "submitted_at"),
            "content_ref": fields.text(obj, "content", max_length=ID_LENGTH, required=False) or "",
            "effective_plays": fields.count(obj, "effective_plays"),
            "earnings": fields.optional_money(obj, "earnings", max_digits=12),
        }

    def write(self, lines: list[ParsedLine], *, ingest: IngestContext) -> None:
        tasks = ids_by_code(SubmissionTask, {line.values["task"] for line in lines}, ingest=ingest)
        self._set_task_kinds(lines, tasks)
        rows = [
            (
                line.values["external_id"],
                line.creator_pk,
                tasks[line.values["task"]],
                line.values["content_ref"] or None,  # the database finds the item, if it is stored
                *self.row_values(line.values),
            )
            for line in last_wins(lines, lambda line: line.values["external_id"])
        ]
        upsert_rows(
            SubmissionEntry,
            self.FIELDS,
            rows,
            unique_fields=("external_id",),
            update_fields=self.FIELDS[1:],
            lookups={"content": "external_id"},
            ingest=ingest,
        )

    @staticmethod
    def _set_task_kinds(lines: list[ParsedLine], tasks: dict[str, int]) -> None:
        """Give kindless tasks the kind of the batch's first line naming one: one UPDATE per kind."""
        kind_of: dict[int, str] = {}
        for line in lines:
            if kind := line.values["task_kind"]:
                kind_of.setdefault(tasks[line.values["task"]], kind)
        for kind in sorted(set(kind_of.values())):
            task_ids = [pk for pk, named in kind_of.items() if named == kind]
            SubmissionTask.objects.filter(pk__in=task_ids, content_kind="").update(content_kind=kind)


for _handler in (
    CreatorHandler(),
    ContentHandler(),
    FansHandler(),
    CreditHandler(),
    OrderHandler(),
    EventHandler(),
    SubmissionHandler(),
):
    register(_handler)
