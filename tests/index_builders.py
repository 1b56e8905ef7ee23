"""Hand-made Xingtu index and impression rows (insights), and creators holding a level, for the tests of the
pages that read them — no ``compute_index`` run needed."""

from datetime import date, timedelta

from creators.models import Creator
from insights.models import DailyIndex, Impression
from levels.models import CreatorLevel
from lib.periods import at_local
from tests.builders import uid


def holding(level: int, creator: Creator | None = None) -> Creator:
    """``creator`` (a bare new one by default) holding ``level`` (0: no level row at all)."""
    creator = creator or Creator.objects.create(external_id=uid("c"), nickname="同级达人")
    if level:
        CreatorLevel.objects.update_or_create(
            creator=creator, defaults={"level": level, "since": at_local(date(2026, 1, 1))}
        )
    return creator


def index_row(creator: Creator, day: date, **values) -> DailyIndex:
    return DailyIndex.objects.create(creator=creator, date=day, **values)


def index_days(creator: Creator, last: date, composites: list[float | None], **values) -> list[DailyIndex]:
    """One row per day ending with ``last`` (oldest first); ``None`` skips the day (the job did not run)."""
    first = last - timedelta(days=len(composites) - 1)
    return [
        index_row(creator, first + timedelta(days=n), composite=value, **values)
        for n, value in enumerate(composites)
        if value is not None
    ]


def impression(creator: Creator, day: date, surface: str, count: int) -> Impression:
    return Impression.objects.create(creator=creator, date=day, surface=surface, count=count)
