"""The square's listing of the day (docs/program.md §5): every creator scored once (``creators_scored``,
the one home of the score) and their places written as ``SquareEntry`` rows, which the pages read.

Why once a day and not per request: the order is a sort of every creator by a score that needs each
creator's posts of the last 30 days, level and benefits. Computed per request it cost 1.0–1.6 s for the
square's first page at 100,000 creators on PostgreSQL (3M content rows), and grows with the population;
read from the listing, a page is a walk of the first rows of an index (``SquareEntry.position``).

When: beat calls ``refresh_due`` every ten minutes (``REFRESH_CRON``); it refreshes the listing when its
day is not today's local day, so the first run after midnight (Asia/Shanghai) draws the new day's rotation
and a missed run is caught up by the next; and it re-ranks the leaderboards (``square.boards``) with a new
listing or a new index day (the 05:00 index run). ``manage.py refresh_square`` refreshes both on demand.
"""

from collections import Counter
from datetime import date, datetime
from itertools import product

from django.db import connection, transaction
from django.db.models import Case, Count, Q, Value, When

from lib.periods import local_date
from lib.sql import lock_for_transaction, sort_memory, without_jit

from .boards import boards_index_day, boards_refresh, latest_index_day
from .models import BoardEntry, SquareCount, SquareEntry
from .selectors import AD_POSITIONS, AD_SLOT_CODES, FANS_RANGES, SquareFilters, creators_scored, holds

# django-celery-beat crontab fields (minute, hour), Asia/Shanghai: every ten minutes (a check of two
# indexed rows when there is nothing to do).
REFRESH_CRON = ("*/10", "*")
REFRESH_TASK = "square.tasks.refresh_due"
REFRESH_ENTRY = "square listing and leaderboards"
# The scoring sorts a million creators' keys twice (ad slots, then the listing): in memory, not on disk.
WORK_MEM_MB = 64
_COLUMNS = ("level", "posts_30d", "held", "rotation", "order_key", "ad", "region", "industries", "fans")


@transaction.atomic
def listing_refresh(*, at: datetime) -> dict:
    """Score every creator at ``at`` and replace the listing with their places, in one transaction:
    readers see the previous listing until it commits (a ``DELETE``, not a ``TRUNCATE``, which would
    block them). One ``INSERT … SELECT``: the scores never leave the database; then the day's counts of
    every combination of filters (``SquareCount``). Returns ``{"day": …, "listed": N}``."""
    lock_for_transaction("square.listing_refresh")  # one refresh at a time
    sort_memory(WORK_MEM_MB)
    without_jit()  # the scoring's correlated subqueries ran twice as long with PostgreSQL's JIT
    scored = creators_scored(filters=SquareFilters(), at=at).annotate(ad=holds(*AD_SLOT_CODES))
    sub_sql, params = scored.order_by().values("pk", *_COLUMNS).query.sql_with_params()
    qn = connection.ops.quote_name
    columns = ", ".join(qn(c) for c in ("creator_id", "day", *_COLUMNS, "position"))
    picked = ", ".join(f"t.{qn(c)}" for c in _COLUMNS)
    # The ad slots come first: the AD_POSITIONS holders with the highest rotation (the ads query of
    # ``square_page`` reads the same ones back); then everyone else by order key, then the lower id.
    sql = (
        f"INSERT INTO {qn(SquareEntry._meta.db_table)} ({columns}) "
        f"SELECT t.{qn('pk')}, %s, {picked}, ROW_NUMBER() OVER (ORDER BY t.slot, "
        f"CASE WHEN t.slot = 0 THEN -t.{qn('rotation')} ELSE 0 END, t.{qn('order_key')} DESC, t.{qn('pk')}) "
        f"FROM (SELECT s.*, CASE WHEN s.{qn('ad')} AND ROW_NUMBER() OVER (PARTITION BY s.{qn('ad')} "
        f"ORDER BY s.{qn('rotation')} DESC, s.{qn('pk')}) <= %s THEN 0 ELSE 1 END AS slot FROM ({sub_sql}) s) t"
    )
    SquareEntry.objects.all().delete()
    with connection.cursor() as cursor:
        cursor.execute(sql, [local_date(at), AD_POSITIONS, *params])
        listed = cursor.rowcount
    _counts_write()
    if connection.vendor == "postgresql":
        # Fresh statistics with the fresh rows: planned with none, a filtered page at a million creators
        # walked the wrong index (720 ms of queries instead of 0.5 ms) until autovacuum came by.
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {qn(SquareEntry._meta.db_table)}, {qn(SquareCount._meta.db_table)}")
    return {"day": local_date(at).isoformat(), "listed": listed}


def _counts_write() -> None:
    """Replace ``SquareCount`` with the listing's counts for every combination of filters: one ``GROUP BY``
    over the listing (its distinct profiles: a few thousand rows, whatever the population), each group then
    added to the 16 combinations of applied and unapplied filters it falls in, once per industry it names."""
    fans_key = Case(
        *(When(Q(fans__gte=r.low) & (Q(fans__lt=r.high) if r.high is not None else Q()), then=Value(key))
          for key, r in FANS_RANGES.items()),
        default=Value(""),
    )  # fmt: skip
    groups = (
        SquareEntry.objects.annotate(fans_key=fans_key)
        .values("industries", "region", "level", "fans_key")
        .annotate(n=Count("pk"))
        .order_by()
    )
    totals = Counter()
    for group in groups:
        for key in product(
            {"", *(group["industries"] or [])},
            {"", group["region"]},
            {SquareCount.ANY_LEVEL, group["level"]},
            {"", group["fans_key"]},
        ):
            totals[key] += group["n"]
    SquareCount.objects.all().delete()
    SquareCount.objects.bulk_create(
        (SquareCount(industry=i, region=r, level=lv, fans=f, count=n) for (i, r, lv, f), n in totals.items()),
        batch_size=2000,
    )


def listing_day() -> date | None:
    """The local day the listing was scored on (None before the first refresh). One query."""
    return SquareEntry.objects.values_list("day", flat=True).first()


@transaction.atomic
def refresh_due(*, now: datetime) -> dict:
    """Beat's entry point: refresh the listing unless it is already of ``now``'s local day, then re-rank the
    leaderboards if the listing was refreshed or the latest index day is not the one they were ranked on.
    Returns what was done: ``{"listing": …, "boards": …}``, empty when nothing was due. Checked under a
    lock, so a check that waited for a long refresh (minutes at a million creators) finds it done."""
    lock_for_transaction("square.refresh_due")
    done = {}
    if listing_day() != local_date(now):
        done["listing"] = listing_refresh(at=now)
    if done or boards_index_day() != latest_index_day(at=now):
        done["boards"] = boards_refresh(at=now)
    return done


def creator_erased_drop(*, creator_id: int, **_signal) -> None:
    """A creator was erased (``creators.privacy.creator_erased``): their card leaves the listing and the
    boards at once, not at the next refresh, and the listing's counts are counted again without them."""
    BoardEntry.objects.filter(creator_id=creator_id).delete()
    if SquareEntry.objects.filter(creator_id=creator_id).delete()[0]:
        _counts_write()
