"""Validators for the values of one feed line.

Each reads one key of a decoded JSON object and either returns a clean Python value or raises
``LineError`` with a reason a person can act on: it names the key and shows the offending value
(``"effective_plays" must be a non-negative integer, got -5``). Reasons are in English, always.

Conventions: a required key that is absent is "missing"; an optional key that is absent or ``null``
returns ``None`` (the handler decides what "not given" means for its type).
"""

import json
import math
import re
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date, datetime, timedelta, tzinfo
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.utils import timezone

# PositiveBigIntegerField is a signed bigint on PostgreSQL.
MAX_COUNT = 2**63 - 1
# Years outside this range are typos, and near year 1 or 9999 converting to UTC would overflow.
MIN_YEAR, MAX_YEAR = 1970, 2999
_DATE_RE = re.compile(r"\d{4}-\d{2}-\d{2}")
_CENT = Decimal("0.01")

_MISSING = object()

# How far ahead of the ingest's "now" a timestamp or date may lie (docs/interfaces.md §1): the
# platform's clock may run a little ahead, but a figure dated next week (or 2099) is a typo.
FUTURE_TOLERANCE = timedelta(days=1)
# The latest instant a line may name, set by each ingest for its lines (``dates_until``).
_latest: ContextVar[datetime | None] = ContextVar("ingest_latest", default=None)


class LineError(Exception):
    """The line cannot be stored; ``reason`` says why, for the person who produced the file."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def shown(value: Any, *, limit: int = 60) -> str:
    """The value as it appeared in the JSON line (``-5``, ``"abc"``, ``true``, ``null``), shortened."""
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= limit else text[: limit - 1] + "…"


@contextmanager
def dates_until(now: datetime) -> Iterator[datetime]:
    """While it lasts, ``instant`` refuses timestamps after ``now + FUTURE_TOLERANCE`` and ``day``
    refuses dates after that instant's Asia/Shanghai date. Yields the latest instant allowed."""
    latest = now + FUTURE_TOLERANCE
    token = _latest.set(latest)
    try:
        yield latest
    finally:
        _latest.reset(token)


def _ahead(key: str, value: Any, shown_latest: str) -> LineError:
    return LineError(
        f'"{key}" is more than a day ahead of now, got {shown(value)} (the latest accepted is {shown_latest})'
    )


def local_timezone() -> tzinfo:
    """The zone a timestamp without an offset is read in (docs/interfaces.md §1: Asia/Shanghai, TIME_ZONE).
    Django caches it, and forgets it when a test overrides TIME_ZONE."""
    return timezone.get_default_timezone()


def _get(obj: dict[str, Any], key: str, required: bool) -> Any:
    """The raw value, ``_MISSING`` for an absent or null optional key; a missing required key raises."""
    if key not in obj:
        if required:
            raise LineError(f'missing required key "{key}"')
        return _MISSING
    value = obj[key]
    if value is None and not required:
        return _MISSING
    return value


def text(obj: dict[str, Any], key: str, *, max_length: int, required: bool = True) -> str | None:
    """A non-empty string of at most ``max_length`` characters (ids, codes, names)."""
    value = obj.get(key)
    if type(value) is str and 0 < len(value) <= max_length and not value.isspace():
        return value  # the common case, checked first: this runs for several keys of a million lines
    value = _get(obj, key, required)
    if value is _MISSING:
        return None
    if not isinstance(value, str) or not value.strip():
        raise LineError(f'"{key}" must be a non-empty string, got {shown(value)}')
    raise LineError(f'"{key}" must be at most {max_length} characters, got {len(value)}')


def free_text(obj: dict[str, Any], key: str, *, max_length: int | None = None) -> str | None:
    """An optional string that may be empty (an intro, a region)."""
    value = _get(obj, key, False)
    if value is _MISSING:
        return None
    if not isinstance(value, str):
        raise LineError(f'"{key}" must be a string, got {shown(value)}')
    if max_length is not None and len(value) > max_length:
        raise LineError(f'"{key}" must be at most {max_length} characters, got {len(value)}')
    return value


def count(obj: dict[str, Any], key: str, *, required: bool = False) -> int | None:
    """A non-negative integer. ``true`` and ``3.0`` are refused: a count is never a flag or a float."""
    value = obj.get(key)
    if type(value) is int and 0 <= value <= MAX_COUNT:
        return value
    value = _get(obj, key, required)
    if value is _MISSING:
        return None
    if type(value) is not int or value < 0:
        raise LineError(f'"{key}" must be a non-negative integer, got {shown(value)}')
    raise LineError(f'"{key}" is too large, got {shown(value)}')


def integer_between(obj: dict[str, Any], key: str, low: int, high: int, *, required: bool = False) -> int | None:
    """An integer in ``[low, high]`` (credit scores)."""
    value = _get(obj, key, required)
    if value is _MISSING:
        return None
    if type(value) is not int or not low <= value <= high:
        raise LineError(f'"{key}" must be an integer from {low} to {high}, got {shown(value)}')
    return value


def number_between(obj: dict[str, Any], key: str, low: float, high: float, *, required: bool = False) -> float | None:
    """A JSON number in ``[low, high]`` (rates 0–1, ratings 1–5)."""
    value = _get(obj, key, required)
    if value is _MISSING:
        return None
    # The comparison also refuses inf (1e400 parses as inf) and, unlike float(), never overflows.
    if type(value) not in (int, float) or not low <= value <= high:
        raise LineError(f'"{key}" must be a number from {low:g} to {high:g}, got {shown(value)}')
    return float(value)


def money(value: Any, key: str, *, max_digits: int) -> Decimal:
    """A non-negative amount in yuan, rounded to the fen, that fits a ``DecimalField(max_digits, 2)``."""
    if type(value) not in (int, float) or value < 0 or (type(value) is float and not math.isfinite(value)):
        raise LineError(f'"{key}" must be a non-negative number (yuan), got {shown(value)}')
    # repr() of a float is its shortest exact spelling, so 0.1 becomes Decimal("0.1"), not 0.1000000000000000055.
    limit = 10 ** (max_digits - 2)
    if value < limit:
        amount = Decimal(repr(value) if type(value) is float else value).quantize(_CENT, rounding=ROUND_HALF_UP)
        if amount < limit:  # checked again: rounding to the fen can carry into a new digit
            return amount
    raise LineError(f'"{key}" is too large, got {shown(value)}')


def optional_money(obj: dict[str, Any], key: str, *, max_digits: int) -> Decimal | None:
    value = _get(obj, key, False)
    return None if value is _MISSING else money(value, key, max_digits=max_digits)


def boolean(obj: dict[str, Any], key: str) -> bool | None:
    value = _get(obj, key, False)
    if value is _MISSING:
        return None
    if type(value) is not bool:
        raise LineError(f'"{key}" must be true or false, got {shown(value)}')
    return value


def choice(obj: dict[str, Any], key: str, choices: tuple[str, ...], *, required: bool = True) -> str | None:
    """One of a closed set of strings (a content kind, an order status)."""
    value = _get(obj, key, required)
    if value is _MISSING:
        return None
    if value not in choices or not isinstance(value, str):
        expected = ", ".join(f'"{c}"' for c in choices)
        raise LineError(f'"{key}" must be one of {expected}, got {shown(value)}')
    return value


def instant(obj: dict[str, Any], key: str, *, required: bool = True) -> datetime | None:
    """An ISO 8601 timestamp. Without an offset it is Asia/Shanghai time; with one it keeps it."""
    value = _get(obj, key, required)
    if value is _MISSING:
        return None
    if isinstance(value, str):
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            pass
        else:
            if MIN_YEAR <= moment.year <= MAX_YEAR:
                moment = moment if moment.tzinfo is not None else moment.replace(tzinfo=local_timezone())
                if (latest := _latest.get()) is not None and moment > latest:
                    raise _ahead(key, value, latest.astimezone(local_timezone()).isoformat())
                return moment
    raise LineError(f'"{key}" must be an ISO 8601 timestamp such as "2026-01-31T20:00:00+08:00", got {shown(value)}')


def day(obj: dict[str, Any], key: str) -> date:
    """A calendar date written exactly ``YYYY-MM-DD``."""
    value = _get(obj, key, True)
    if isinstance(value, str) and _DATE_RE.fullmatch(value):
        try:
            parsed = date.fromisoformat(value)
        except ValueError:
            pass
        else:
            if MIN_YEAR <= parsed.year <= MAX_YEAR:
                if (latest := _latest.get()) is not None and parsed > (
                    last := latest.astimezone(local_timezone()).date()
                ):
                    raise _ahead(key, value, last.isoformat())
                return parsed
    raise LineError(f'"{key}" must be a date written YYYY-MM-DD, got {shown(value)}')


def string_list(
    obj: dict[str, Any],
    key: str,
    *,
    allowed: tuple[str, ...] | None = None,
    max_items: int | None = None,
    max_length: int | None = None,
) -> list[str] | None:
    """A list of strings; with ``allowed``, each must be one of them; at most ``max_items`` of at most
    ``max_length`` characters each."""
    value = _get(obj, key, False)
    if value is _MISSING:
        return None
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise LineError(f'"{key}" must be a list of strings, got {shown(value)}')
    if max_items is not None and len(value) > max_items:
        raise LineError(f'"{key}" may have at most {max_items} items, got {len(value)}')
    if max_length is not None:
        for item in value:
            if len(item) > max_length:
                raise LineError(
                    f'"{key}" items must be at most {max_length} characters, got {len(item)}: {shown(item)}'
                )
    if allowed is not None:
        for item in value:
            if item not in allowed:
                expected = ", ".join(f'"{a}"' for a in allowed)
                raise LineError(f'"{key}" has an unknown value {shown(item)} (expected {expected})')
    return value
