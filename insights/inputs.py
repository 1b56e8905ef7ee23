"""The index's raw figures (docs/program.md §4) for a range of creators at an instant ``at``, set-based:
three queries whatever the size of the range, never one per creator.

A figure is ``None`` where the creator has no data for it; the sub-index ranks only the creators that
have it (``insights.formula``).
"""

from dataclasses import dataclass, fields
from datetime import date, datetime, timedelta

from django.db.models import (
    Avg,
    BigIntegerField,
    BooleanField,
    Count,
    ExpressionWrapper,
    F,
    FloatField,
    OuterRef,
    Q,
    Subquery,
    Sum,
)
from django.db.models.functions import Cast, Coalesce

from creators.models import Content, Creator, CreditDaily, FansDaily, Order
from lib.periods import local_date, window
from lib.sql import plain_rows

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


def _figure(model, field: str, day: date, *, since: date | None = None, earliest: bool = False) -> Subquery:
    """The creator's latest daily figure dated on or before ``day`` (and after ``since``, if given; with
    ``earliest``: their first one). One index seek per creator."""
    rows = model.objects.filter(creator=OuterRef("pk"), date__lte=day)
    if since is not None:
        rows = rows.filter(date__gt=since)
    return Subquery(rows.order_by("date" if earliest else "-date").values(field)[:1])


def _int(total: Sum) -> Cast:
    """A sum of integers as an integer: PostgreSQL sums them as numeric, which the driver reads slowly
    into a ``Decimal``."""
    return Cast(total, BigIntegerField())


def fans_growth(now: int, recent: int, base: int) -> tuple[int, float]:
    """The 15-day gain and its trend from the follower figures of D, D − 7 and D − 15. The trend is in
    followers a day: the mean daily gain of the last 7 days minus that of the 8 days before."""
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
    # Followers on D: the latest figure within the 15 days (growth needs one), else the profile's count.
    # A missing day reads the nearest earlier figure; before the creator's first figure, the first one
    # (growth counts from when the platform first reported them) — COALESCE seeks it only then.
    first = _figure(FansDaily, "fans", day, earliest=True)
    rows = creators.annotate(
        credit_at=_figure(CreditDaily, "score", day),
        fans_now=_figure(FansDaily, "fans", day, since=day - timedelta(days=FANS_DAYS)),
        fans_recent=Coalesce(_figure(FansDaily, "fans", day - timedelta(days=FANS_RECENT_DAYS)), first),
        fans_base=Coalesce(_figure(FansDaily, "fans", day - timedelta(days=FANS_DAYS)), first),
    ).values_list("pk", "fans", "credit_score", "credit_at", "fans_now", "fans_recent", "fans_base")
    measured: dict[int, Inputs] = {}
    followers: dict[int, int] = {}
    for pk, fans, credit, credit_at, now, recent, base in plain_rows(rows):
        # The credit score the level rules read: the latest daily figure, else the profile's.
        inputs = measured[pk] = Inputs(credit_score=float(credit if credit_at is None else credit_at))
        followers[pk] = fans if now is None else now
        if now is not None:
            inputs.fans_gain_15d, inputs.fans_trend = fans_growth(now, recent, base)

    in_range = {"creator_id__gte": first_id, "creator_id__lte": last_id}
    # Grouped by creator and whether the item is in the window (two rows a creator): cheaper than
    # filtered aggregates, and the total is the sum of both.
    known = Q(completion_rate__isnull=False)
    contents = (
        Content.objects.filter(**in_range, published_at__lt=end)
        .annotate(recent=ExpressionWrapper(Q(published_at__gte=start), output_field=BooleanField()))
        .values("creator_id", "recent")
        .annotate(
            posts=Count("pk"),
            plays=_int(Sum("effective_plays")),
            interactions=_int(Sum(F("likes") + F("comments") + F("shares"))),
            weighted=Sum(F("completion_rate") * F("effective_plays"), filter=known, output_field=FloatField()),
            known_plays=_int(Sum("effective_plays", filter=known)),
            clicks=_int(Sum("component_clicks")),
            converted=_int(Sum("conversions")),
        )
        .values_list("creator_id", "recent", "posts", "plays", "interactions", "weighted", "known_plays", "clicks",
                     "converted")
    )  # fmt: skip
    for pk, recent, posts, plays, interactions, weighted, known_plays, clicks, converted in plain_rows(contents):
        if (inputs := measured.get(pk)) is None:
            continue
        plays = plays or 0
        inputs.plays_total += plays
        if not recent or not posts:
            continue
        inputs.plays_30d = plays
        if plays:
            inputs.interaction_rate = interactions / plays
            inputs.clicks_per_play = clicks / plays
            inputs.conversions_per_play = converted / plays
        if known_plays:
            inputs.completion_rate = weighted / known_plays
        if followers[pk] > 0:
            inputs.fan_quality = interactions / followers[pk]

    order_start, _ = window(at, ORDER_DAYS)
    priced = Q(amount__isnull=False, plays__gt=0)
    orders = (
        Order.objects.filter(Order.COUNTED, **in_range, completed_at__gte=order_start, completed_at__lt=at)
        .values("creator_id")
        .annotate(
            mean_rating=Avg("rating"),
            paid=Cast(Sum("amount", filter=priced), FloatField()),
            paid_plays=_int(Sum("plays", filter=priced)),
        )
        .values_list("creator_id", "mean_rating", "paid", "paid_plays")
    )
    for pk, rating, amount, plays in plain_rows(orders):
        if (inputs := measured.get(pk)) is None:
            continue
        if rating is not None:
            inputs.order_rating = rating
        if plays:
            inputs.cpm = amount / plays * 1000
    return measured
