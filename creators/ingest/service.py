"""``ingest_lines``: the activity feed (docs/interfaces.md §1) from JSON Lines into the database.

The lines stream through: each is decoded and validated on its own, valid ones wait in a batch, and a
full batch is written with a fixed number of set-based statements per type. Memory holds one batch,
the first 100 rejects and a capped creator id cache, whatever the size of the input.
"""

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TextIO

import orjson
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from creators.models import Creator
from creators.privacy import erased_ids, erased_reason

from . import fields
from .fields import LineError
from .registry import IngestContext, LineHandler, ParsedLine, handlers

CREATOR = "creator"
REJECTS_SAMPLE_SIZE = 100
# The longest line taken, in bytes of UTF-8 without its line break (docs/interfaces.md §1). A longer
# one is rejected unread, and only its first MAX_LINE_BYTES are kept for the rejects report.
MAX_LINE_BYTES = 64 * 1024
# external_id → pk of creators seen by this ingest; past the cap it starts over (one extra lookup).
CREATOR_CACHE_LIMIT = 200_000


@dataclass
class Reject:
    """A line that was not stored: its 1-based line number, why, and the line as it was sent."""

    line: int
    reason: str
    raw: str

    def as_dict(self) -> dict[str, Any]:
        return {"line": self.line, "reason": self.reason, "raw": self.raw}


@dataclass
class IngestResult:
    """What an ingest did.

    ``valid`` counts the lines that passed every check and ``rejected`` the rejects. ``accepted`` (and
    ``by_type``) count the lines stored: the valid ones, or none when ``stored`` is False (all or
    nothing, and something was rejected) — then ``valid`` says how many would be stored once the
    rejects are fixed. ``empty``: the input had no line to read (blank lines are not lines).
    """

    accepted: int = 0
    rejected: int = 0
    by_type: dict[str, int] = field(default_factory=dict)  # stored lines per type
    rejects_sample: list[Reject] = field(default_factory=list)  # the first 100 rejects, by line
    stored: bool = True
    valid: int = 0

    @property
    def empty(self) -> bool:
        return self.valid == 0 and self.rejected == 0

    def summary(self) -> dict[str, Any]:
        """The contract's summary object, ``{"accepted": N, "rejected": N, "by_type": {...}}``, and
        ``valid``, the lines that passed (stored or not)."""
        return {
            "accepted": self.accepted,
            "rejected": self.rejected,
            "by_type": dict(self.by_type),
            "valid": self.valid,
        }


class _RollBack(Exception):
    """Raised inside the transaction to undo an all-or-nothing ingest that had rejects."""


def ingest_lines(
    lines: Iterable[str | bytes],
    *,
    skip_invalid: bool = False,
    rejects: TextIO | None = None,
    batch_size: int | None = None,
    now: datetime | None = None,
) -> IngestResult:
    """Validate and store feed lines; each item of ``lines`` is one physical line (1-based numbering).

    ``now`` (default: the current time) is the ingest's one instant: lines without a time of their own
    get it, and no timestamp or date may lie more than ``fields.FUTURE_TOLERANCE`` ahead of it.

    All or nothing by default: the whole ingest is one transaction, undone at the end if any line was
    rejected — but every line is still validated, so one run lists every problem. With
    ``skip_invalid`` the valid lines are stored and the rejects only reported. Every reject is written
    to ``rejects`` (if given) as one JSON object per line: ``{"line": N, "reason": "...", "raw": "..."}``.
    Blank lines are skipped silently.
    """
    batch_size = batch_size or settings.INGEST_BATCH_SIZE
    if batch_size < 1:
        raise ValueError("batch_size must be at least 1")
    run = _Ingest(batch_size=batch_size, rejects=rejects, now=now or timezone.now())
    try:
        with transaction.atomic(), fields.dates_until(run.context.now), run.context.writes:
            run.read(lines)
            if run.result.rejected and not skip_invalid:
                raise _RollBack
    except _RollBack:
        run.result.stored = False
        run.result.accepted, run.result.by_type = 0, {}
    return run.result


class _Ingest:
    """The state of one ingest: the batch being filled, the creator cache, the running result."""

    def __init__(self, *, batch_size: int, rejects: TextIO | None, now: datetime) -> None:
        self.batch_size = batch_size
        self.rejects = rejects
        self.handlers: dict[str, LineHandler] = handlers()
        self.known_types = ", ".join(sorted(self.handlers))
        self.context = IngestContext(now=now)
        self.result = IngestResult()
        self.creator_pks: dict[str, int] = {}
        self._reset_batch()

    def _reset_batch(self) -> None:
        self.pending: dict[str, list[ParsedLine]] = {type_: [] for type_ in self.handlers}
        self.pending_rejects: list[Reject] = []
        self.pending_count = 0

    def read(self, lines: Iterable[str | bytes]) -> None:
        for number, raw in enumerate(lines, start=1):
            self._take(number, raw)
            if self.pending_count >= self.batch_size:
                self._flush()
        self._flush()
        self.context.writes.wait()
        for type_, handler in self.handlers.items():
            if self.context.accepted.get(type_):
                handler.finish(ingest=self.context)
        self.result.by_type = {type_: n for type_ in self.handlers if (n := self.context.accepted.get(type_))}
        self.result.valid = self.result.accepted

    def _take(self, number: int, raw: str | bytes) -> None:
        if (size := _line_bytes(raw)) > MAX_LINE_BYTES:
            self.pending_count += 1
            kept = raw[:MAX_LINE_BYTES] if isinstance(raw, bytes) else raw.encode("utf-8", "replace")[:MAX_LINE_BYTES]
            self._reject(
                number,
                f"the line is {size:,} bytes, over the limit of {MAX_LINE_BYTES:,} bytes (64 KB); "
                "shorten its text fields",
                kept.decode("utf-8", "replace") + "…",
            )
            return
        if isinstance(raw, bytes):
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError as error:
                self.pending_count += 1
                self._reject(
                    number,
                    f"not valid UTF-8 text (byte 0x{raw[error.start]:02x} at position {error.start + 1})",
                    raw.decode("utf-8", "replace"),
                )
                return
        else:
            text = raw
        if number == 1:
            text = text.removeprefix("\ufeff")  # a byte order mark some editors put first
        text = text.rstrip("\r\n")
        if not text.strip():
            return
        self.pending_count += 1
        try:
            type_, line = self._parse(number, text)
        except LineError as error:
            self._reject(number, error.reason, text)
        else:
            self.pending[type_].append(line)

    def _parse(self, number: int, text: str) -> tuple[str, ParsedLine]:
        """Decode and validate one line.

        orjson decodes about three times as fast as the standard library (1.7 against 4.9 µs for the
        bench's 212-byte lines: 3 s a million lines). It refuses some lines the standard library reads
        (NaN, 1e400, a lone surrogate escape) and turns integers beyond 64 bits into floats, which no
        validator accepts. So a line orjson refuses, or that fails validation, is decoded again by the
        standard library and validated again: its verdict and its reason stand, exactly as before.
        """
        try:
            obj = orjson.loads(text)
        except orjson.JSONDecodeError:
            pass
        else:
            try:
                return self._validated(number, text, obj)
            except LineError:
                pass
        return self._validated(number, text, _decoded(text))

    def _validated(self, number: int, text: str, obj: Any) -> tuple[str, ParsedLine]:
        if not isinstance(obj, dict):
            raise LineError(f"expected a JSON object, got {fields.shown(obj)}")
        if "\\u" in text:  # only a \u escape can smuggle in a character no database column takes
            _refuse_unstorable(obj)
        if "type" not in obj:
            raise LineError(f'missing required key "type" (one of: {self.known_types})')
        type_ = obj["type"]
        handler = self.handlers.get(type_) if isinstance(type_, str) else None
        if handler is None:
            raise LineError(f'unknown "type" {fields.shown(type_)} (expected one of: {self.known_types})')
        if type_ == CREATOR:
            values = handler.parse(obj)
            return type_, ParsedLine(number, values["external_id"], values, raw=text)
        creator = fields.text(obj, "creator", max_length=64)
        return type_, ParsedLine(number, creator, handler.parse(obj), raw=text)

    def _flush(self) -> None:
        """Write the batch: creators first, then resolve every other line's creator, then each type.

        The previous batch's merges are waited for first (its rows are visible from here on), and this
        batch's are sent last, left running while the next batch is read (``staging.WriteBehind``).
        """
        self.context.writes.wait()
        if len(self.creator_pks) > CREATOR_CACHE_LIMIT:
            self.creator_pks.clear()
        creator_lines = self.pending.get(CREATOR, [])
        others = [(type_, lines) for type_, lines in self.pending.items() if type_ != CREATOR and lines]

        # Which referenced creators existed before this batch: one query for those not cached.
        referenced = {line.creator for _, lines in others for line in lines}
        unknown = referenced - self.creator_pks.keys()
        if unknown:
            found = Creator.objects.filter(external_id__in=unknown).values_list("external_id", "pk")
            self.creator_pks.update(found)
        # The platform ids of creators erased on request are refused, whatever the line (docs/privacy.md).
        erased = erased_ids(({line.creator for line in creator_lines} | unknown) - self.creator_pks.keys())
        if erased:
            for line in creator_lines:
                if line.creator in erased:
                    self._reject(line.line, erased_reason(line.creator), line.raw)
            creator_lines = [line for line in creator_lines if line.creator not in erased]
        # Creators this batch brings, by the line that first defines them: a line may only use one
        # defined on an earlier line (docs/interfaces.md §1).
        first_definition: dict[str, int] = {}
        for line in creator_lines:
            if line.creator not in self.creator_pks:
                first_definition.setdefault(line.creator, line.line)

        if creator_lines:
            self.handlers[CREATOR].write(creator_lines, ingest=self.context)
            self.creator_pks.update((line.creator, line.creator_pk) for line in creator_lines)
            self._accept(CREATOR, len(creator_lines))

        for type_, lines in others:
            valid = []
            for line in lines:
                defined_on = first_definition.get(line.creator)
                if line.creator in erased:
                    self._reject(line.line, erased_reason(line.creator), line.raw)
                elif defined_on is not None and defined_on > line.line:
                    self._reject(
                        line.line,
                        f'creator "{line.creator}" is defined later in this file (line {defined_on}); '
                        "a creator line must come before the lines that use it",
                        line.raw,
                    )
                elif (pk := self.creator_pks.get(line.creator)) is None:
                    self._reject(
                        line.line,
                        f'unknown creator "{line.creator}" (not in the database and not defined on an earlier line)',
                        line.raw,
                    )
                else:
                    line.creator_pk = pk
                    valid.append(line)
            if valid:
                self.handlers[type_].write(valid, ingest=self.context)
                self._accept(type_, len(valid))

        self.context.writes.send()
        self._emit_rejects()
        self._reset_batch()

    def _accept(self, type_: str, n: int) -> None:
        self.result.accepted += n
        self.context.accepted[type_] = self.context.accepted.get(type_, 0) + n

    def _reject(self, number: int, reason: str, raw: str) -> None:
        self.pending_rejects.append(Reject(line=number, reason=reason, raw=raw))

    def _emit_rejects(self) -> None:
        """Report the batch's rejects in line order (creator checks happen at write time, after the
        shape checks of later lines)."""
        self.pending_rejects.sort(key=lambda reject: reject.line)
        for reject in self.pending_rejects:
            self.result.rejected += 1
            if len(self.result.rejects_sample) < REJECTS_SAMPLE_SIZE:
                self.result.rejects_sample.append(reject)
            if self.rejects is not None:
                self.rejects.write(json.dumps(reject.as_dict(), ensure_ascii=False) + "\n")


def _decoded(text: str) -> Any:
    """The line decoded by the standard library, or the reason it is not JSON."""
    try:
        return _JSON.decode(text)
    except json.JSONDecodeError as error:
        raise LineError(f"not valid JSON ({error.msg} at column {error.colno})") from None
    except (ValueError, RecursionError) as error:  # NaN, a 5,000-digit number, nesting too deep
        raise LineError(f"not valid JSON ({error})") from None


def _line_bytes(raw: str | bytes) -> int:
    """The line's length in UTF-8 bytes without its line break — exact whenever it could be over the
    limit: a str is encoded only then (a character is at most 4 bytes), so most lines cost one ``len``."""
    if isinstance(raw, bytes):
        return len(raw.rstrip(b"\r\n"))
    text = raw.rstrip("\r\n")
    if len(text) * 4 <= MAX_LINE_BYTES:
        return len(text)
    return len(text.encode("utf-8", "surrogatepass"))


def _refuse_unstorable(obj: dict[str, Any]) -> None:
    """Refuse NUL (PostgreSQL text cannot hold it) and unpaired surrogates (not encodable as UTF-8)."""
    for key, value in obj.items():
        if not _storable(key) or not _storable(value):
            raise LineError(
                f'"{key}" contains \\u0000 or an unpaired surrogate (\\ud800–\\udfff), which cannot be stored'
            )


def _storable(value: Any) -> bool:
    if isinstance(value, str):
        if "\x00" in value:
            return False
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return False
        return True
    if isinstance(value, dict):
        return all(_storable(key) and _storable(item) for key, item in value.items())
    if isinstance(value, list):
        return all(_storable(item) for item in value)
    return True


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number JSON allows")


# Python's json accepts NaN and Infinity, which JSON does not: refuse them.
_JSON = json.JSONDecoder(parse_constant=_refuse_constant)
