"""Computing the daily Xingtu index (docs/program.md §4) for the local day D of an instant T.

A run is done in two steps, so that it can be chunked like the other jobs (``levels.jobs``):

1. ``index_compute_chunk``, for each range of creators: measure their raw figures at T
   (``insights.inputs``, a fixed number of queries per chunk) and replace their rows of day D;
2. ``index_rank_day``, once all chunks are written: rank the whole day in one statement
   (``insights.ranking``), which fills the sub-indices and the composite.

Re-running a day replaces its rows and gives the same results. While a re-run is between the two steps, a
rewritten row keeps the ranks it had, so readers never see a ranked day lose its index; a new day's rows
carry no index until the day is ranked (``insights.selectors`` reads ranked days only).
"""

from dataclasses import astuple
from datetime import date, datetime

from django.db import transaction

from lib.bulk import append_rows
from lib.periods import local_date

from .inputs import RAW_FIELDS, measure_index_chunk
from .models import DailyIndex, SubIndex
from .ranking import rank_day

RANK_FIELDS = ("composite", *SubIndex.values)
NO_RANKS = (None,) * len(RANK_FIELDS)


@transaction.atomic
def index_compute_chunk(*, at: datetime, first_id: int, last_id: int, only: set[int] | None = None) -> dict:
    """Measure the creators with ``first_id <= pk <= last_id`` (and in ``only``, if given) at ``at`` and
    write their rows of ``at``'s local day, replacing any there were. Returns ``{"assessed": N}``."""
    day = local_date(at)
    measured = measure_index_chunk(first_id=first_id, last_id=last_id, at=at, only=only)
    rows = DailyIndex.objects.filter(date=day, creator_id__gte=first_id, creator_id__lte=last_id)
    if only is not None:
        rows = rows.filter(creator_id__in=only)
    previous = {pk: tuple(ranks) for pk, *ranks in rows.values_list("creator_id", *RANK_FIELDS)}
    rows.delete()
    append_rows(
        DailyIndex,
        ("creator_id", "date", *RAW_FIELDS, *RANK_FIELDS),
        ((pk, day, *astuple(inputs), *previous.get(pk, NO_RANKS)) for pk, inputs in measured.items()),
    )
    return {"assessed": len(measured)}


@transaction.atomic
def index_rank_day(*, day: date) -> dict:
    """Rank every row of ``day``: each sub-index among the creators with data for it, then the composite.
    Returns ``{"indexed": N}``, the creators with a composite that day."""
    rank_day(day)
    return {"indexed": DailyIndex.objects.filter(date=day, composite__isnull=False).count()}
