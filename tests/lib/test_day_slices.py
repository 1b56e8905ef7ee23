"""An interval cut into whole local days (lib.periods.day_slices): the assistant's chart groups by these, so
no day may be in two groups and none may be left out (the overlap "10/31–11/06", "11/06–11/12" is the
bug this guards)."""

from datetime import date, datetime, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

import pytest

from lib.periods import TZ, day_slices

AT = datetime(2026, 11, 30, 9, 30, tzinfo=TZ)


def days_of(piece) -> list[date]:
    return [piece.first + timedelta(days=n) for n in range((piece.last - piece.first).days + 1)]


def test_a_30_day_window_ending_mid_morning_touches_31_days_in_5_contiguous_slices():
    slices = day_slices(AT - timedelta(days=30), AT, 5)

    assert [(s.first, s.last) for s in slices] == [
        (date(2026, 10, 31), date(2026, 11, 6)),  # the extra day goes to the oldest slice
        (date(2026, 11, 7), date(2026, 11, 12)),
        (date(2026, 11, 13), date(2026, 11, 18)),
        (date(2026, 11, 19), date(2026, 11, 24)),
        (date(2026, 11, 25), date(2026, 11, 30)),
    ]


@pytest.mark.parametrize("hour", [0, 1, 9, 23])
@pytest.mark.parametrize(("days", "n"), [(30, 5), (30, 4), (7, 7), (31, 5), (3, 5), (1, 5)])
def test_every_day_is_in_exactly_one_slice_and_the_instants_tile_the_interval(hour, days, n):
    end = datetime(2026, 11, 30, hour, 0, tzinfo=TZ)
    start = end - timedelta(days=days)
    slices = day_slices(start, end, n)

    covered = [d for s in slices for d in days_of(s)]
    assert covered == sorted(set(covered))  # in order, none twice
    first, last = start.astimezone(TZ).date(), (end - timedelta(microseconds=1)).astimezone(TZ).date()
    assert covered == [first + timedelta(days=k) for k in range((last - first).days + 1)]
    assert slices[0].start == start and slices[-1].end == end
    assert all(a.end == b.start for a, b in pairwise(slices))  # no gap, no overlap
    sizes = [len(days_of(s)) for s in slices]
    assert max(sizes) - min(sizes) <= 1 and len(slices) == min(n, len(covered))


def test_an_interval_starting_and_ending_at_midnight_has_no_partial_day():
    end = datetime(2026, 12, 1, tzinfo=TZ)
    slices = day_slices(end - timedelta(days=30), end, 5)
    assert [(s.first.day, s.last.day) for s in slices] == [(1, 6), (7, 12), (13, 18), (19, 24), (25, 30)]


def test_slices_are_local_days_whatever_the_zone_of_the_instants():
    end = datetime(2026, 11, 30, 1, 30, tzinfo=ZoneInfo("UTC"))  # 09:30 in Shanghai
    assert day_slices(end - timedelta(days=30), end, 5)[-1].last == date(2026, 11, 30)


def test_an_empty_interval_has_no_slices():
    assert day_slices(AT, AT, 5) == []
