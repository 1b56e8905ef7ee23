"""Builders for the index's tests: creators, and raw figures staged as a run's chunks stage them, for the
run's last step (``index_publish_day``) to rank."""

from datetime import date
from itertools import count

from creators.models import Creator
from insights.models import DailyIndex, IndexStage

DAY = date(2026, 12, 1)
BATCH = 7
_ids = count(1)


def creator(external_id: str | None = None, **fields) -> Creator:
    return Creator.objects.create(external_id=external_id or f"ix-{next(_ids)}", nickname="指数达人", **fields)


def rows(*figures: dict, day: date = DAY, batch: int = BATCH) -> list[Creator]:
    """One creator per dict, with those raw figures (the rest null) staged for ``day`` under ``batch``."""
    made = []
    for values in figures:
        made.append(creator())
        IndexStage.objects.create(batch=batch, date=day, creator_id=made[-1].pk, **values)
    return made


def index_of(who: Creator, field: str, day: date = DAY) -> float | None:
    return DailyIndex.objects.values_list(field, flat=True).get(creator=who, date=day)
