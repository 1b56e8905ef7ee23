"""Appending rows given as numpy columns (``lib.columnar``): what is read back is what was given — NULL for
a float column's NaN, integers and dates exact — whatever the blocks the rows are sent in, on SQLite and
PostgreSQL alike."""

from datetime import date

import numpy as np
import pytest

from creators.models import Creator
from insights.models import DailyIndex
from lib import columnar
from lib.columnar import append_columns

pytestmark = pytest.mark.django_db

FIELDS = ("creator_id", "date", "plays_total", "fans_gain_15d", "interaction_rate", "composite")


@pytest.mark.parametrize("block_rows", [2, 20_000])  # rows split across blocks, and all in one
def test_rows_read_back_as_given_with_nan_as_null(monkeypatch, block_rows: int) -> None:
    monkeypatch.setattr(columnar, "_BLOCK_ROWS", block_rows)
    ids = [Creator.objects.create(external_id=f"col-{i}", nickname="列").pk for i in range(5)]
    days = [date(2026, 12, 1), date(1999, 12, 31), date(2000, 1, 1), date(2026, 12, 1), date(2100, 2, 28)]
    nan = np.nan
    append_columns(
        DailyIndex,
        {
            "creator_id": np.array(ids, dtype=np.int64),
            "date": np.array(days, dtype="datetime64[D]"),
            "plays_total": np.array([0, 2**53, nan, -7, 12], dtype=float),  # integers given as floats
            "fans_gain_15d": np.array([-(2**40), nan, nan, 3, 0], dtype=float),
            "interaction_rate": np.array([0.1, 1 / 3, nan, -0.0, 1e-300]),
            "composite": np.array([nan, nan, nan, nan, 99.99]),
        },
    )
    assert list(DailyIndex.objects.order_by("creator_id").values_list(*FIELDS)) == [
        (ids[0], days[0], 0, -(2**40), 0.1, None),
        (ids[1], days[1], 2**53, None, 1 / 3, None),
        (ids[2], days[2], None, None, None, None),
        (ids[3], days[3], -7, 3, -0.0, None),
        (ids[4], days[4], 12, 0, 1e-300, 99.99),
    ]


def test_no_rows_writes_nothing() -> None:
    append_columns(DailyIndex, {"creator_id": np.array([], dtype=np.int64), "composite": np.array([])})
    assert not DailyIndex.objects.exists()


def test_columns_of_different_lengths_are_refused() -> None:
    with pytest.raises(ValueError, match="different lengths"):
        append_columns(DailyIndex, {"creator_id": np.array([1, 2]), "composite": np.array([1.0])})


def test_columns_other_than_numbers_and_dates_are_refused() -> None:
    with pytest.raises(ValueError, match="numbers and dates only, not creator_id"):
        append_columns(DailyIndex, {"creator_id": np.array(["1"]), "composite": np.array([1.0])})
