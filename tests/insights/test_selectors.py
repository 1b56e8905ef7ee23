"""Reading the index: the latest index and the 30-day series of a creator, medians over a set of creators,
and the creator report's ``index`` (interfaces §3)."""

import io
import json
from datetime import timedelta

import pytest
from django.core.management import call_command

from creators.models import Creator
from insights.models import DailyIndex
from insights.selectors import index_json, index_series, latest_day, latest_index

from .support import DAY, creator

pytestmark = pytest.mark.django_db


def row(who: Creator, days_back: int = 0, **values) -> DailyIndex:
    return DailyIndex.objects.create(creator=who, date=DAY - timedelta(days=days_back), **values)


def test_nothing_before_the_first_run():
    who = creator()
    assert (latest_day(), latest_index(creator=who), index_series(creator=who)) == (None, None, [])
    assert index_json(None) is None


def test_the_latest_index_is_the_creators_latest_row():
    who, newcomer = creator(), creator()
    row(who, 2, composite=40.0)
    row(who, 1, composite=45.0)
    row(newcomer, 0, composite=70.0)  # ``who`` has no row that day (e.g. added after the run)
    assert latest_day() == DAY
    assert latest_index(creator=who).composite == 45.0
    assert latest_index(creator=newcomer).composite == 70.0


def test_the_series_holds_the_days_within_the_window_oldest_first():
    who = creator()
    for back in (0, 1, 2, 29, 30):
        row(who, back, composite=float(back))
    assert [r.composite for r in index_series(creator=who)] == [29.0, 2.0, 1.0, 0.0]
    assert [r.composite for r in index_series(creator=who, days=2)] == [1.0, 0.0]


def test_the_report_index_is_rounded_to_one_decimal():
    who = creator()
    row(who, composite=71.44, reach=80.0, cooperation=65.55, growth=None, value=77.06, conversion=60.349)
    assert index_json(latest_index(creator=who)) == {
        "date": "2026-12-01",
        "composite": 71.4,
        "reach": 80.0,
        "cooperation": 65.5,  # 65.55 is 65.5499… as a float
        "growth": None,
        "value": 77.1,
        "conversion": 60.3,
    }


def report(who: Creator) -> dict:
    out = io.StringIO()
    call_command("creator_report", who.external_id, stdout=out)
    return json.loads(out.getvalue())


def test_creator_report_has_a_null_index_before_the_first_run_then_the_latest():
    who = creator()
    assert report(who)["index"] is None
    row(who, 1, composite=50.0, reach=50.0, cooperation=50.0, growth=50.0, value=50.0, conversion=50.0)
    row(who, 0, composite=62.26, reach=70.0, cooperation=55.0, growth=None, value=60.0, conversion=58.0)
    assert report(who)["index"] == {
        "date": "2026-12-01",
        "composite": 62.3,
        "reach": 70.0,
        "cooperation": 55.0,
        "growth": None,
        "value": 60.0,
        "conversion": 58.0,
    }
