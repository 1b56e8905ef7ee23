"""Builders for the index's tests: creators, and rows of raw figures ranked as the job's last step does."""

from datetime import date
from itertools import count

from creators.models import Creator
from insights.models import DailyIndex

DAY = date(2026, 12, 1)
_ids = count(1)


def creator(external_id: str | None = None, **fields) -> Creator:
    return Creator.objects.create(external_id=external_id or f"ix-{next(_ids)}", nickname="指数达人", **fields)


def rows(*figures: dict, day: date = DAY) -> list[Creator]:
    """One creator per dict, with a row of ``day`` holding those raw figures (the rest null)."""
    made = []
    for values in figures:
        made.append(creator())
        DailyIndex.objects.create(creator=made[-1], date=day, **values)
    return made


def index_of(who: Creator, field: str, day: date = DAY) -> float | None:
    return DailyIndex.objects.values_list(field, flat=True).get(creator=who, date=day)
