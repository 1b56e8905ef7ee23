"""The leaderboards (docs/program.md §5, FAQ Q12), ranked from the daily Xingtu index rows
(``insights.models.DailyIndex``) and kept (``BoardEntry``): ranking reads every creator's row of the day
(their activity and benefits too), 4–5 s a board at 100,000 creators, so ``boards_refresh`` ranks both
boards when a new index day or a new day's listing comes (``square.listing.refresh_due``), and a page reads
the kept rows (``board_rows``, one query). Each board lists at most ``BOARD_SIZE`` creators:

- 商业影响力榜单 (``business``): the creators with a composite index on the latest index day (up to today).
- 每日热榜 (``daily``): a day's growth of effective plays, plays_total(L) − plays_total(L − 1) on the latest
  index day L (the growth of day L − 1: yesterday's once today's 05:00 run is done), among creators with
  both figures and a growth above zero.

Order on both: holders of ``leaderboard_priority`` first (优先上榜权), then the board's figure (composite,
or growth) highest first, then recent activity (posts in the square's 30-day window) highest first,
then the lower creator id.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db import transaction
from django.db.models import F, OuterRef, QuerySet, Subquery, TextChoices
from django.utils.translation import gettext_lazy as _

from benefits.models import BenefitCode
from insights.models import DailyIndex, Surface
from levels.selectors import held_level
from lib.periods import local_date
from lib.sql import lock_for_transaction, without_jit

from .models import BoardEntry
from .selectors import holds, posts_recent

BOARD_SIZE = 50


class Board(TextChoices):
    BUSINESS = "business", _("商业影响力榜单")
    DAILY = "daily", _("每日热榜")


# Where a board's rows are shown to clients, for the impressions.
SURFACES = {Board.BUSINESS: Surface.BUSINESS_BOARD, Board.DAILY: Surface.DAILY_BOARD}


# The index figure each board ranks by.
FIGURES = {Board.BUSINESS: "composite", Board.DAILY: "plays_growth"}


@dataclass(frozen=True)
class BoardRows:
    board: str
    day: date | None  # the index day the board reads (business) or the day of the growth (daily)
    rows: list  # ranked: ``DailyIndex`` rows annotated ``priority``, ``posts_30d``, ``level`` (and
    # ``plays_growth`` on daily); or, read back, the board's rows (``BOARD_COLUMNS`` and the nickname)


def _ranked(rows: QuerySet[DailyIndex], figure: str, at: datetime) -> list[DailyIndex]:
    rows = rows.select_related("creator").annotate(
        priority=holds(BenefitCode.LEADERBOARD_PRIORITY, creator_field="creator_id"),
        posts_30d=posts_recent(at, "creator_id"),
        level=held_level("creator_id"),
    )
    return list(rows.order_by("-priority", F(figure).desc(), "-posts_30d", "creator_id")[:BOARD_SIZE])


def business_board(*, at: datetime) -> BoardRows:
    """商业影响力榜单 on the latest day (up to the local day of ``at``) that has a composite index. One query."""
    latest = (
        DailyIndex.objects.filter(date__lte=local_date(at), composite__isnull=False)
        .order_by("-date")
        .values("date")[:1]
    )
    rows = _ranked(DailyIndex.objects.filter(date=Subquery(latest), composite__isnull=False), "composite", at)
    return BoardRows(board=Board.BUSINESS, day=rows[0].date if rows else None, rows=rows)


def daily_board(*, at: datetime) -> BoardRows:
    """每日热榜: the plays growth of the last whole day. The index run at 05:00 on day L snapshots
    ``plays_total`` as the day L − 1 ended (near enough), so on the latest index day L (up to the local day
    of ``at``) the growth of day L − 1 is plays_total(L) − plays_total(L − 1): yesterday's, once today's
    run is done; the day before's until then. One query."""
    latest = (
        DailyIndex.objects.filter(date__lte=local_date(at), plays_total__isnull=False)
        .order_by("-date")
        .values("date")[:1]
    )
    before = DailyIndex.objects.filter(creator_id=OuterRef("creator_id"), date=OuterRef("date") - timedelta(days=1))
    rows = (
        DailyIndex.objects.filter(date=Subquery(latest), plays_total__isnull=False)
        .annotate(plays_before=Subquery(before.values("plays_total")[:1]))
        .filter(plays_before__isnull=False)
        .annotate(plays_growth=F("plays_total") - F("plays_before"))
        .filter(plays_growth__gt=0)
    )
    ranked = _ranked(rows, "plays_growth", at)
    return BoardRows(board=Board.DAILY, day=ranked[0].date - timedelta(days=1) if ranked else None, rows=ranked)


def latest_index_day(*, at: datetime) -> date | None:
    """The latest day with index rows, up to the local day of ``at``. One query."""
    return DailyIndex.objects.filter(date__lte=local_date(at)).order_by("-date").values_list("date", flat=True).first()


def boards_index_day() -> date | None:
    """The latest index day when the kept boards were ranked (None: never, or nothing to rank then)."""
    return BoardEntry.objects.values_list("index_day", flat=True).first()


@transaction.atomic
def boards_refresh(*, at: datetime) -> dict:
    """Rank both boards at ``at`` and replace the kept rows, in one transaction (readers see the previous
    boards until it commits). Returns the rows kept per board."""
    lock_for_transaction("square.boards_refresh")
    without_jit()  # the ranking's correlated subqueries ran twice as long with PostgreSQL's JIT
    index_day = latest_index_day(at=at)
    BoardEntry.objects.all().delete()
    kept, counts = [], {}
    for board, ranked in ((Board.BUSINESS, business_board(at=at)), (Board.DAILY, daily_board(at=at))):
        kept += [
            BoardEntry(board=board, rank=rank, creator_id=row.creator_id, day=ranked.day, index_day=index_day,
                       figure=getattr(row, FIGURES[board]), priority=row.priority, posts_30d=row.posts_30d,
                       level=row.level)
            for rank, row in enumerate(ranked.rows, 1)
        ]  # fmt: skip
        counts[board] = len(ranked.rows)
    BoardEntry.objects.bulk_create(kept)
    return counts


# What a page reads of a kept row, besides the creator's nickname.
BOARD_COLUMNS = ("board", "rank", "creator_id", "day", "figure", "priority", "posts_30d", "level")


def board_rows(*, board: str) -> BoardRows:
    """A board as last ranked (``boards_refresh``): its rows in rank order (named tuples of ``BOARD_COLUMNS``
    and ``nickname``, the creator's: a page builds no model instance per row, which cost more than the
    query). One query."""
    kept = BoardEntry.objects.filter(board=board).order_by("rank")
    rows = list(kept.values_list(*BOARD_COLUMNS, "creator__nickname", named=True))
    return BoardRows(board=board, day=rows[0].day if rows else None, rows=rows)
