"""The "剩 N 天" of ``lib.periods.days_left`` and the instant it moves (``days_left_change``): a page showing it
is kept until then, so the answer there must still be N and one microsecond later N − 1."""

from datetime import UTC, datetime, timedelta

import pytest

from lib.periods import days_left, days_left_change

AT = datetime(2026, 12, 2, 10, 0, tzinfo=UTC)
TICK = timedelta(microseconds=1)


@pytest.mark.parametrize(
    "ahead",
    [timedelta(days=2, hours=1), timedelta(days=3), timedelta(days=1, seconds=1), timedelta(seconds=1, microseconds=5),
     timedelta(days=29, hours=23, minutes=59, seconds=59, microseconds=999_999), timedelta(days=1, microseconds=500)],
)  # fmt: skip
def test_days_left_holds_until_the_change_and_moves_just_after(ahead: timedelta) -> None:
    expires = AT + ahead
    left = days_left(AT, expires)
    change = days_left_change(AT, expires)
    assert left >= 1 and change is not None and change >= AT
    assert days_left(change, expires) == left
    assert days_left(change + TICK, expires) == left - 1


@pytest.mark.parametrize("ahead", [timedelta(0), -timedelta(days=1), timedelta(microseconds=999_999)])
def test_no_change_once_nothing_is_left(ahead: timedelta) -> None:
    """Passed, or under a whole second left: 剩 0 天 for good."""
    assert days_left(AT, AT + ahead) == 0
    assert days_left_change(AT, AT + ahead) is None
