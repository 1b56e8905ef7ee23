"""Calendar arithmetic of the program, all in Asia/Shanghai (docs/program.md: "natural month", quarters).

A benefit period is a natural month, keyed ``YYYY-MM``; a reward cycle is a natural quarter, keyed
``YYYYQn``. Functions take and return aware datetimes.
"""

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

TZ = ZoneInfo("Asia/Shanghai")
_MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
_CYCLE = re.compile(r"^(\d{4})Q([1-4])$")


def local(at: datetime) -> datetime:
    if at.tzinfo is None:
        raise ValueError("naive datetime: pass an aware datetime")
    return at.astimezone(TZ)


def local_date(at: datetime) -> date:
    return local(at).date()


def at_local(day: date, hour: int = 0, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=TZ)


def day_end(day: date) -> datetime:
    """The exclusive end of local ``day`` (the next midnight): a filter "up to and including ``day``"."""
    return at_local(day + timedelta(days=1))


@dataclass(frozen=True, order=True)
class Month:
    year: int
    month: int

    @classmethod
    def of(cls, at: datetime) -> "Month":
        d = local(at)
        return cls(d.year, d.month)

    @classmethod
    def parse(cls, key: str) -> "Month":
        m = _MONTH.match(key)
        if not m:
            raise ValueError(f"period must look like 2026-11, got {key!r}")
        return cls(int(m[1]), int(m[2]))

    @property
    def key(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    @property
    def start(self) -> datetime:
        return at_local(date(self.year, self.month, 1))

    @property
    def end(self) -> datetime:
        return self.next().start

    def next(self) -> "Month":
        return Month(self.year + self.month // 12, self.month % 12 + 1)

    def previous(self) -> "Month":
        return Month(self.year - (self.month == 1), (self.month - 2) % 12 + 1)

    def __str__(self) -> str:
        return self.key


@dataclass(frozen=True, order=True)
class Cycle:
    year: int
    quarter: int

    @classmethod
    def of(cls, at: datetime) -> "Cycle":
        d = local(at)
        return cls(d.year, (d.month - 1) // 3 + 1)

    @classmethod
    def parse(cls, key: str) -> "Cycle":
        m = _CYCLE.match(key)
        if not m:
            raise ValueError(f"cycle must look like 2026Q4, got {key!r}")
        return cls(int(m[1]), int(m[2]))

    @property
    def key(self) -> str:
        return f"{self.year:04d}Q{self.quarter}"

    @property
    def start(self) -> datetime:
        return at_local(date(self.year, 3 * self.quarter - 2, 1))

    @property
    def end(self) -> datetime:
        return self.next().start

    def next(self) -> "Cycle":
        return Cycle(self.year + self.quarter // 4, self.quarter % 4 + 1)

    def previous(self) -> "Cycle":
        return Cycle(self.year - (self.quarter == 1), (self.quarter - 2) % 4 + 1)

    def __str__(self) -> str:
        return self.key


def days_left(at: datetime, until: datetime) -> int:
    """Whole days from ``at`` until ``until`` rounded up (0 once passed): "剩 N 天"."""
    seconds = (until - at).total_seconds()
    return max(0, -(-int(seconds) // 86400))


def days_left_change(at: datetime, until: datetime) -> datetime | None:
    """The last instant ``days_left(·, until)`` answers as at ``at`` (it answers one less just after), or
    None once it answers 0 for good: what a page showing it holds until."""
    left = days_left(at, until)
    return None if left == 0 else until - timedelta(days=left - 1, seconds=1)


@dataclass(frozen=True)
class DaySlice:
    """Whole local days ``first``–``last`` (inclusive) of an interval, and the part of the interval they
    cover: ``[start, end)``."""

    first: date
    last: date
    start: datetime
    end: datetime


def day_slices(start: datetime, end: datetime, n: int) -> list[DaySlice]:
    """``[start, end)`` cut into at most ``n`` slices of whole local days, contiguous and not overlapping:
    each local day the interval touches belongs to exactly one slice (the first and last may be partly
    outside the interval; their ``start``/``end`` stay inside it). Sizes differ by one day at most, the
    older slices taking the extra days. Fewer slices than ``n`` when the interval touches fewer days."""
    if end <= start or n < 1:
        return []
    first_day, last_day = local_date(start), local_date(end - timedelta(microseconds=1))
    days = (last_day - first_day).days + 1
    n = min(n, days)
    size, extra = divmod(days, n)
    slices, day = [], first_day
    for i in range(n):
        last = day + timedelta(days=size + (i < extra) - 1)
        slices.append(DaySlice(day, last, max(start, at_local(day)), min(end, day_end(last))))
        day = last + timedelta(days=1)
    return slices


def window(at: datetime, days: int) -> tuple[datetime, datetime]:
    """The assessment window ``[at − days, at)`` (docs/program.md §1)."""
    return at - timedelta(days=days), at


def parse_instant(text: str) -> datetime:
    """ISO 8601 instant; one without an offset is Asia/Shanghai (interfaces §1–§2)."""
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(f"not an ISO 8601 date-time: {text!r}") from None
    return value.replace(tzinfo=TZ) if value.tzinfo is None else value
