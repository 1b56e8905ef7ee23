"""The index's raw figures (docs/program.md §4) for a range of creators at an instant ``at``, set-based:
three aggregate queries whatever the size of the range, never one per creator.

A figure is ``None`` where the creator has no data for it; the sub-index ranks only the creators that
have it (``insights.formula``).
"""

from dataclasses import dataclass, fields
from datetime import date, datetime, timedelta

from django.db.models import Avg, Count, F, FloatField, OuterRef, Q, Subquery, Sum

from creators.models import Content, Creator, CreditDaily, FansDaily, Order
from lib.periods import local_date, window

from .formula import CONTENT_DAYS, FANS_DAYS, FANS_RECENT_DAYS, ORDER_DAYS


@dataclass
class Inputs:
    """One creator's raw figures on one day, in ``DailyIndex``'s column order."""

    plays_total: int = 0
    plays_30d: int | None = None
    interaction_rate: float | None = None
    completion_rate: float | None = None
    credit_score: float | None = None
    order_rating: float | None = None
    fans_gain_15d: int | None = None
    fans_trend: float | None = None
    cpm: float | None = None
    fan_quality: float | None = None
    clicks_per_play: float | None = None
    conversions_per_play: float | None = None


RAW_FIELDS = tuple(f.name for f in fields(Inputs))


def _figure(model, field: str, day: date, *, earliest: bool = False) -> Subquery:
    """The creator's latest daily figure dated on or before ``day`` (with ``earliest``: their first one)."""
    rows = model.objects.filter(creator=OuterRef("pk"), date__lte=day).order_by("date" if earliest else "-date")
    return Subquery(rows.values(field)[:1])


def fans_growth(now: int, recent: int | None, base: int | None, first: int) -> tuple[int, float]:
    """The 15-day gain and its trend from the figures of D, D − 7 and D − 15. A missing day reads the
    nearest earlier figure; before the creator's first figure, the first figure (growth is counted from
    when the platform first reported them). The trend is in followers a day: the mean daily gain of the
    last 7 days minus that of the 8 days before."""
    base = first if base is None else base
    recent = first if recent is None else recent
    older_days = FANS_DAYS - FANS_RECENT_DAYS
    return now - base, (now - recent) / FANS_RECENT_DAYS - (recent - base) / older_days


def measure_index_chunk(
    *, first_id: int, last_id: int, at: datetime, only: set[int] | None = None
) -> dict[int, Inputs]:
    """The raw figures of every creator with ``first_id <= pk <= last_id`` (and in ``only``, if given) on
    the local day of ``at``, measured at ``at``."""
    day = local_date(at)
    start, end = window(at, CONTENT_DAYS)
    creators = Creator.objects.filter(pk__gte=first_id, pk__lte=last_id)
    if only is not None:
        creators = creators.filter(pk__in=only)
    rows = creators.annotate(
        credit_at=_figure(CreditDaily, "score", day),
        fans_now=_figure(FansDaily, "fans", day),
        fans_now_date=_figure(FansDaily, "date", day),
        fans_recent=_figure(FansDaily, "fans", day - timedelta(days=FANS_RECENT_DAYS)),
        fans_base=_figure(FansDaily, "fans", day - timedelta(days=FANS_DAYS)),
        fans_first=_figure(FansDaily, "fans", day, earliest=True),
    ).values_list("pk", "fans", "credit_score", "credit_at", "fans_now", "fans_now_date", "fans_recent", "fans_base",
                  "fans_first")  # fmt: skip
    measured: dict[int, Inputs] = {}
    followers: dict[int, int] = {}
    for pk, fans, credit, credit_at, now, now_date, recent, base, first in rows:
        # The credit score and follower count the level rules read: the latest daily figure, else the profile's.
        inputs = measured[pk] = Inputs(credit_score=float(credit if credit_at is None else credit_at))
        followers[pk] = fans if now is None else now
        if now_date is not None and now_date > day - timedelta(days=FANS_DAYS):
            inputs.fans_gain_15d, inputs.fans_trend = fans_growth(now, recent, base, first)

    in_range = {"creator_id__gte": first_id, "creator_id__lte": last_id}
    recent_q = Q(published_at__gte=start)
    known_q = recent_q & Q(completion_rate__isnull=False)
    contents = (
        Content.objects.filter(**in_range, published_at__lt=end)
        .values("creator_id")
        .annotate(
            total=Sum("effective_plays"),
            posts=Count("pk", filter=recent_q),
            plays=Sum("effective_plays", filter=recent_q),
            interactions=Sum(F("likes") + F("comments") + F("shares"), filter=recent_q),
            weighted=Sum(F("completion_rate") * F("effective_plays"), filter=known_q, output_field=FloatField()),
            known=Sum("effective_plays", filter=known_q),
            clicks=Sum("component_clicks", filter=recent_q),
            converted=Sum("conversions", filter=recent_q),
        )
        .values_list("creator_id", "total", "posts", "plays", "interactions", "weighted", "known", "clicks",
                     "converted")
    )  # fmt: skip
    for pk, total, posts, plays, interactions, weighted, known, clicks, conversions in contents:
        if (inputs := measured.get(pk)) is None:
            continue
        inputs.plays_total = total or 0
        if not posts:
            continue
        inputs.plays_30d = plays = plays or 0
        if plays:
            inputs.interaction_rate = interactions / plays
            inputs.clicks_per_play = clicks / plays
            inputs.conversions_per_play = conversions / plays
        if known:
            inputs.completion_rate = weighted / known
        if followers[pk] > 0:
            inputs.fan_quality = interactions / followers[pk]

    order_start, _ = window(at, ORDER_DAYS)
    priced = Q(amount__isnull=False, plays__gt=0)
    orders = (
        Order.objects.filter(Order.COUNTED, **in_range, completed_at__gte=order_start, completed_at__lt=at)
        .values("creator_id")
        .annotate(mean_rating=Avg("rating"), paid=Sum("amount", filter=priced), paid_plays=Sum("plays", filter=priced))
        .values_list("creator_id", "mean_rating", "paid", "paid_plays")
    )
    for pk, rating, amount, plays in orders:
        if (inputs := measured.get(pk)) is None:
            continue
        if rating is not None:
            inputs.order_rating = float(rating)
        if plays:
            inputs.cpm = float(amount) / plays * 1000
    return measured
