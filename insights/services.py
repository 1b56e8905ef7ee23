"""Computing the daily Xingtu index (docs/program.md §4) for the local day D of an instant T.

A computation (a ``batch``: the job run's id) is done in two steps, so that it can be chunked like the
other jobs (``levels.jobs``):

1. ``index_compute_chunk``, for each range of creators: measure their raw figures at T
   (``insights.inputs``, a fixed number of queries per chunk) and stage them (``IndexStage``);
2. ``index_publish_day``, once every chunk is staged: rank the day's whole population
   (``insights.ranking``) — the staged creators, and those of the day's published rows the batch did not
   measure (a run limited to some creators) — and replace the day's ``DailyIndex`` rows with the ranked
   ones in one transaction, then drop the batch's staged rows.

So a day's rows appear, or change, all at once and always ranked; running a day again replaces its rows
with the same results.
"""

from datetime import date, datetime

import numpy as np
from django.db import connection, transaction
from django.db.models import Subquery

from lib.columnar import append_columns
from lib.periods import local_date
from lib.sql import commit_without_waiting, lock_for_transaction, plain_rows, sort_memory, without_jit

from .inputs import RAW_FIELDS, figures_sql
from .models import DailyIndex, IndexStage, SubIndex
from .ranking import column, rank_population

RANK_FIELDS = ("composite", *SubIndex.values)
# A chunk aggregates some 30 content rows per creator: more than PostgreSQL's default 4 MB sorts in memory.
WORK_MEM_MB = 64


@transaction.atomic
def index_compute_chunk(*, at: datetime, first_id: int, last_id: int, batch: int, only: set[int] | None = None) -> dict:
    """Measure the creators with ``first_id <= pk <= last_id`` (and in ``only``, if given) at ``at`` and
    stage their figures under ``batch``, replacing any the batch staged for them: one ``INSERT … SELECT``,
    the figures never leaving the database. Returns ``{"assessed": N}``."""
    sort_memory(WORK_MEM_MB)
    without_jit()
    # A chunk lost in a crash is simply pending again (its done mark commits with its staged rows), so its
    # commit need not wait for the disk.
    commit_without_waiting()
    IndexStage.objects.filter(batch=batch, creator_id__gte=first_id, creator_id__lte=last_id).delete()
    measured, params = figures_sql(first_id=first_id, last_id=last_id, at=at, only=only)
    qn = connection.ops.quote_name
    columns = ", ".join(qn(c) for c in ("batch", "date", "creator_id", *RAW_FIELDS))
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {qn(IndexStage._meta.db_table)} ({columns}) SELECT %s, %s, m.* FROM ({measured}) m",
            [batch, local_date(at), *params],
        )
        return {"assessed": cursor.rowcount}


@transaction.atomic
def index_publish_day(*, day: date, batch: int) -> dict:
    """Rank ``day``'s population — the creators ``batch`` staged, and those of the day's rows it did not
    measure — and write it as the day's rows, replacing them; then drop the batch's staged rows. Returns
    ``{"indexed": N}``, the creators with a composite that day."""
    lock_for_transaction(f"insights.index_publish_day {day.isoformat()}")  # one publication of a day at a time
    staged = IndexStage.objects.filter(batch=batch, date=day)
    kept = DailyIndex.objects.filter(date=day).exclude(creator_id__in=Subquery(staged.values("creator_id")))
    population = [*plain_rows(staged.values_list("creator_id", *RAW_FIELDS)),
                  *plain_rows(kept.values_list("creator_id", *RAW_FIELDS))]  # fmt: skip
    creator_ids, *raw = zip(*population, strict=True) if population else ((), *((),) * len(RAW_FIELDS))
    raw = [column(values) for values in raw]
    ranks = rank_population(raw)
    DailyIndex.objects.filter(date=day).delete()
    append_columns(
        DailyIndex,
        {
            "creator_id": np.array(creator_ids, dtype=np.int64),
            "date": np.full(len(population), day, dtype="datetime64[D]"),
            **dict(zip(RAW_FIELDS, raw, strict=True)),
            **dict(zip(RANK_FIELDS, ranks, strict=True)),
        },
    )
    staged.delete()
    return {"indexed": int(np.count_nonzero(~np.isnan(ranks[0])))}
