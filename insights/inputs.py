"""The index's raw figures (docs/program.md §4) for a range of creators at an instant ``at``, set-based:
one statement whatever the size of the range, never one per creator, computed in the database so that a
chunk can stage them without the rows passing through Python (``insights.services``).

A figure is ``None`` (SQL null) where the creator has no data for it; the sub-index ranks only the
creators that have it (``insights.formula``).
"""

from dataclasses import dataclass, fields
from datetime import date, datetime, timedelta

from django.db import connection
from django.db.models import (
    Avg,
    BigIntegerField,
    Count,
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
PER_MILLE = 1000  # CPM: the price of a thousand plays

# Each figure from the joined rows: ``c`` the creator (profile and follower figures), ``t`` their content
# (the total, and the window's figures ``w_…``, whose ``w_posts`` is 0 without content in the window), ``o``
# their counted orders. Every quotient is of floats (``_FLOAT``: a cast both databases read as a double), so
# that an integer ratio is the correctly rounded quotient, as in Python. Followers for fan quality: a
# figure within the 15 days, else the profile's.
_FLOAT = "CAST({} AS DOUBLE PRECISION)"
_FOLLOWERS = "COALESCE(c.fans_now, c.fans)"
_PLAYED = "t.w_posts > 0 AND t.w_plays > 0"
_INTERACTIONS = _FLOAT.format("t.w_interactions")
_SELECTED = {
    "plays_total": "COALESCE(t.plays_total, 0)",
    "plays_30d": "CASE WHEN t.w_posts > 0 THEN t.w_plays END",
    "interaction_rate": f"CASE WHEN {_PLAYED} THEN {_INTERACTIONS} / t.w_plays END",
    "completion_rate": "CASE WHEN t.w_posts > 0 AND t.w_known_plays > 0 THEN t.w_weighted / t.w_known_plays END",
    "credit_score": _FLOAT.format("COALESCE(c.credit_at, c.credit_score)"),
    "order_rating": "o.mean_rating",
    "fans_gain_15d": "c.fans_now - c.fans_base",
    # In followers a day: the mean daily gain of the last 7 days minus that of the 8 days before.
    "fans_trend": f"CASE WHEN c.fans_now IS NOT NULL THEN {_FLOAT.format('c.fans_now - c.fans_recent')} / "
                  f"{_FLOAT.format(FANS_RECENT_DAYS)} - {_FLOAT.format('c.fans_recent - c.fans_base')} / "
                  f"{_FLOAT.format(FANS_DAYS - FANS_RECENT_DAYS)} END",
    "cpm": f"CASE WHEN o.paid_plays > 0 THEN o.paid / o.paid_plays * {PER_MILLE} END",
    "fan_quality": f"CASE WHEN t.w_posts > 0 AND {_FOLLOWERS} > 0 THEN {_INTERACTIONS} / {_FOLLOWERS} END",
    "clicks_per_play": f"CASE WHEN {_PLAYED} THEN {_FLOAT.format('t.w_clicks')} / t.w_plays END",
    "conversions_per_play": f"CASE WHEN {_PLAYED} THEN {_FLOAT.format('t.w_converted')} / t.w_plays END",
}  # fmt: skip
assert tuple(_SELECTED) == RAW_FIELDS


def _figure(model, field: str, day: date, *, since: date | None = None, earliest: bool = False) -> Subquery:
    """The creator's latest daily figure dated on or before ``day`` (and after ``since``, if given; with
    ``earliest``: their first one). One index seek per creator."""
    rows = model.objects.filter(creator=OuterRef("pk"), date__lte=day)
    if since is not None:
        rows = rows.filter(date__gt=since)
    return Subquery(rows.order_by("date" if earliest else "-date").values(field)[:1])


def _int(total: Sum) -> Cast:
    """A sum of integers as an integer: PostgreSQL sums them as numeric, which is slow to add up."""
    return Cast(total, BigIntegerField())


def figures_sql(*, first_id: int, last_id: int, at: datetime, only: set[int] | None = None) -> tuple[str, list]:
    """A ``SELECT`` of (creator id, *``RAW_FIELDS``) for every creator with ``first_id <= pk <= last_id``
    (and in ``only``, if given) on the local day of ``at``, measured at ``at``, and its parameters."""
    day = local_date(at)
    start, end = window(at, CONTENT_DAYS)
    creators = Creator.objects.filter(pk__gte=first_id, pk__lte=last_id)
    if only is not None:
        creators = creators.filter(pk__in=only)
    # Followers on D: the latest figure within the 15 days (growth needs one). A missing day reads the
    # nearest earlier figure; before the creator's first figure, the first one (growth counts from when
    # the platform first reported them) — COALESCE seeks it only then. The credit score the level rules
    # read: the latest daily figure, else the profile's.
    first = _figure(FansDaily, "fans", day, earliest=True)
    people = creators.values("fans", "credit_score", id_=F("pk")).annotate(
        credit_at=_figure(CreditDaily, "score", day),
        fans_now=_figure(FansDaily, "fans", day, since=day - timedelta(days=FANS_DAYS)),
        fans_recent=Coalesce(_figure(FansDaily, "fans", day - timedelta(days=FANS_RECENT_DAYS)), first),
        fans_base=Coalesce(_figure(FansDaily, "fans", day - timedelta(days=FANS_DAYS)), first),
    )
    in_range = {"creator_id__gte": first_id, "creator_id__lte": last_id}
    recent = Q(published_at__gte=start)
    known = recent & Q(completion_rate__isnull=False)
    contents = (
        Content.objects.filter(**in_range, published_at__lt=end)
        .values("creator_id")
        .annotate(
            plays_total=_int(Sum("effective_plays")),
            w_posts=Count("pk", filter=recent),
            w_plays=_int(Sum("effective_plays", filter=recent)),
            w_interactions=_int(Sum(F("likes") + F("comments") + F("shares"), filter=recent)),
            w_weighted=Sum(F("completion_rate") * F("effective_plays"), filter=known, output_field=FloatField()),
            w_known_plays=_int(Sum("effective_plays", filter=known)),
            w_clicks=_int(Sum("component_clicks", filter=recent)),
            w_converted=_int(Sum("conversions", filter=recent)),
        )
    )
    order_start, _ = window(at, ORDER_DAYS)
    priced = Q(amount__isnull=False, plays__gt=0)
    orders = (
        Order.objects.filter(Order.COUNTED, **in_range, completed_at__gte=order_start, completed_at__lt=at)
        .values("creator_id")
        .annotate(
            mean_rating=Cast(Avg("rating"), FloatField()),
            paid=Cast(Sum("amount", filter=priced), FloatField()),
            paid_plays=_int(Sum("plays", filter=priced)),
        )
    )
    (c_sql, c_params), (t_sql, t_params), (o_sql, o_params) = (
        q.query.sql_with_params() for q in (people, contents, orders)
    )
    # PostgreSQL would merge the creators' subquery into this one and then repeat its follower seeks in
    # every expression that names a figure (fourteen seeks a creator instead of six); ``OFFSET 0`` keeps
    # it a subquery evaluated once a row.
    fenced = " OFFSET 0" if connection.vendor == "postgresql" else ""
    sql = (
        f"SELECT c.id_, {', '.join(_SELECTED.values())} FROM ({c_sql}{fenced}) c "
        f"LEFT JOIN ({t_sql}) t ON t.creator_id = c.id_ "
        f"LEFT JOIN ({o_sql}) o ON o.creator_id = c.id_"
    )
    return sql, [*c_params, *t_params, *o_params]
