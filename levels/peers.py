"""A creator's peers: the creators who hold the same level. The business assistant compares a creator's
raw index figures with their peers' medians of the same day (docs/program.md §4, the tips)."""

from collections.abc import Sequence
from datetime import date

from django.db.models import Value
from django.db.models.functions import Coalesce

from insights.models import DailyIndex
from lib.sql import medians


def peer_medians(*, level: int, day: date, fields: Sequence[str]) -> dict[str, float | None]:
    """The median of each of ``fields`` over the ``DailyIndex`` rows of ``day`` of the creators who hold
    ``level`` now (level 0: no level row, or 0), each field over the rows that have it; ``None`` where no
    peer has the figure. One query whatever the number of creators."""
    # ``creator__level_held`` is ``levels.models.CreatorLevel``: a LEFT JOIN, no row read as level 0.
    rows = DailyIndex.objects.filter(date=day).alias(held=Coalesce("creator__level_held__level", Value(0)))
    return medians(rows.filter(held=level), fields)
