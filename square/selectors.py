"""The creator square's order (docs/program.md §5): who is shown to clients, in which order, and where a
creator ranks. The score is computed by the database (``creators_scored``) once a day for every creator,
and the places it gives are kept as the day's listing (``square.listing``, ``SquareEntry``); a page reads
the listing (``square_page``), so it costs the same few indexed reads at any population.

Score of a creator on local day D, evaluated at the instant ``at`` of the listing's refresh (the first hour
of D, Asia/Shanghai):

    score    = 10 × level held
             + the points of the square benefits held (``SLOT_POINTS``)
             + posts published in [at − 30 days, at), at most 20 (recent activity)
    rotation = a number in [0, 1) drawn from (creator id, D): the same all day, a new draw each day
    order    = score + rotation, highest first (then the lower id, which never decides in practice)

The score is a whole number and the rotation less than one point, so the rotation only orders creators
whose scores are equal: equal creators take turns at the top, day by day. On page 1 the first
``AD_POSITIONS`` places are the ad slots (广告位): creators holding a square slot benefit
(``AD_SLOT_CODES``), taken by the rotation alone, so every holder gets its turn whatever its score; they are
not repeated further down.
"""

from dataclasses import dataclass
from datetime import date, datetime
from functools import cache

from django.core.paginator import Page
from django.db import connection
from django.db.models import (
    BooleanField,
    Case,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce, Least

from benefits.models import BenefitCode, Entitlement, EntitlementStatus
from creators.models import Content, Creator
from creators.selectors import creators_search
from levels.selectors import held_level
from lib.paging import CountedPaginator
from lib.periods import local_date, window
from lib.sql import column, table

from .models import SquareCount, SquareEntry

RECENT_DAYS = 30  # recent activity: posts published in [at − 30 days, at)
ACTIVITY_CAP = 20  # posts counted towards the score at most (one point each)
LEVEL_POINTS = 10  # points per level held
# Square benefits raise the level's weight while the creator holds them (delivered, not lapsed).
# (``BenefitCode.SQUARE_SCORE``: fixed diamond 10, ad slot 10, fixed ad slot 15, client-side diamond slot 5.)
SLOT_POINTS = dict(zip(BenefitCode.SQUARE_SCORE, (10, 10, 15, 5), strict=True))
# Holders of these fill the ad slots at the top of page 1.
AD_SLOT_CODES = BenefitCode.AD_SLOT
AD_POSITIONS = 3
PAGE_SIZE = 20  # creators per page below the ad slots
# What a card shows of a creator's profile (``square.presenters.creator_card``): a page reads only these.
CARD_FIELDS = ("nickname", "fans", "intro", "industries", "region")
# The benefits a card shows (identity tag and slot badges).
SHOWN_CODES = (BenefitCode.IDENTITY_TAG, *SLOT_POINTS)
# The rotation: a hash of (id, day) modulo a prime, all in integers (< 2**53 at every step, so SQLite's and
# PostgreSQL's arithmetic agree); divided by the prime it is a fraction of one point.
ROTATION_PRIME = 1_000_003


@dataclass(frozen=True)
class FansRange:
    low: int
    high: int | None  # exclusive; None: no upper bound


# The fans ranges a client filters by (a key in the URL → [low, high)).
FANS_RANGES = {
    "lt1w": FansRange(0, 10_000),
    "1w-10w": FansRange(10_000, 100_000),
    "10w-100w": FansRange(100_000, 1_000_000),
    "100w+": FansRange(1_000_000, None),
}


def in_fans_range(key: str, field: str) -> Q:
    """``field`` (a followers count) in the fans range ``key`` of ``FANS_RANGES``: [low, high)."""
    fans = FANS_RANGES[key]
    within = Q(**{f"{field}__gte": fans.low})
    return within if fans.high is None else within & Q(**{f"{field}__lt": fans.high})


@dataclass(frozen=True)
class SquareFilters:
    industry: str = ""
    region: str = ""
    level: int | None = None
    fans: str = ""  # a key of FANS_RANGES, or "" for any


def holds(*codes: str, creator_field: str = "pk") -> Exists:
    """The creator of the outer row holds one of the benefits ``codes`` now (delivered, not lapsed)."""
    return Exists(
        Entitlement.objects.filter(
            creator_id=OuterRef(creator_field), benefit__code__in=codes, status=EntitlementStatus.DELIVERED
        )
    )


def _sum_held(values: dict[str, int]) -> Coalesce:
    """The sum of ``values[code]`` over the benefits the outer row's creator holds now: one correlated
    subquery, however many codes."""
    held = (
        Entitlement.objects.filter(
            creator_id=OuterRef("pk"), benefit__code__in=list(values), status=EntitlementStatus.DELIVERED
        )
        .order_by()
        .values("creator_id")
        .annotate(total=Sum(Case(*(When(benefit__code=c, then=Value(v)) for c, v in values.items()), default=0)))
        .values("total")
    )
    return Coalesce(Subquery(held, output_field=IntegerField()), Value(0))


# Each shown benefit's bit in the ``held`` annotation.
_BITS = {code: 1 << i for i, code in enumerate(SHOWN_CODES)}


def held_codes(creator: Creator) -> set[str]:
    """The ``SHOWN_CODES`` a creator of ``creators_scored`` holds (read from its ``held`` bits)."""
    return {code for code, bit in _BITS.items() if creator.held & bit}


def posts_recent(at: datetime, creator_field: str = "pk") -> Coalesce:
    """Posts (videos and lives) the outer row's creator published in [at − RECENT_DAYS, at)."""
    start, end = window(at, RECENT_DAYS)
    posts = (
        Content.objects.filter(creator_id=OuterRef(creator_field), published_at__gte=start, published_at__lt=end)
        .order_by()
        .values("creator_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(posts, output_field=IntegerField()), Value(0))


def rotation(day_number: int) -> F:
    """An integer in [0, ROTATION_PRIME) from (creator id, day): stable within the day, redrawn the next.
    ``day_number`` is the local date's ordinal. Three rounds of squaring modulo the prime, mixing in the id
    and the day, so that the order of any few creators looks freshly shuffled each day (a single round
    keeps the structure of a quadratic: near ids repeat their order on some days)."""
    p = ROTATION_PRIME
    h = (F("pk") * 7919 + Value(day_number * 104_729 % p)) % p
    h = (h * h + F("pk")) % p
    h = (h * h + Value(day_number % p)) % p
    return (h * h + F("pk")) % p


def creators_scored(*, filters: SquareFilters, at: datetime) -> QuerySet[Creator]:
    """Every creator matching ``filters``, annotated for the card (``level``, ``posts_30d``, ``held``: the
    bits of the ``SHOWN_CODES`` held, read with ``held_codes``) and with ``order_key`` = score ×
    ROTATION_PRIME + rotation, the whole order in one integer; sorted by it, highest first. The one home of
    the square's score (see the module docstring). Each term is one correlated subquery (the slot points
    one sum, not one lookup per benefit), which keeps PostgreSQL's plan small."""
    creators = creators_search(region=filters.region, industry=filters.industry)
    creators = creators.annotate(level=held_level("pk"), posts_30d=posts_recent(at), held=_sum_held(_BITS))
    if filters.level is not None:
        creators = creators.filter(level=filters.level)
    if filters.fans:
        creators = creators.filter(in_fans_range(filters.fans, "fans"))
    score = F("level") * LEVEL_POINTS + _sum_held(SLOT_POINTS) + Least(F("posts_30d"), Value(ACTIVITY_CAP))
    creators = creators.annotate(rotation=rotation(local_date(at).toordinal()))
    return creators.annotate(order_key=score * ROTATION_PRIME + F("rotation")).order_by("-order_key", "pk")


def listed(*, filters: SquareFilters) -> QuerySet[Creator]:
    """The creators of the day's listing (``SquareEntry``, written by ``square.listing.listing_refresh``)
    matching ``filters``, in listing order, annotated from their entry as ``creators_scored`` annotates
    them (``level``, ``posts_30d``, ``held``, ``rotation``, ``order_key``) plus ``ad``, ``position`` and
    ``listed_on`` (the day scored). The filters read the listing (the level scored, as the card shows it;
    the profile's industries, region and followers when it was scored), so that ``SquareCount`` counts
    what they list."""
    creators = Creator.objects.filter(square_entry__isnull=False)
    creators = creators.annotate(
        **{name: F(f"square_entry__{name}") for name in ("level", "posts_30d", "held", "rotation", "order_key")},
        ad=F("square_entry__ad"),
        position=F("square_entry__position"),
        listed_on=F("square_entry__day"),
    )
    if filters.industry:
        creators = creators.filter(_names_industry(filters.industry))
    if filters.region:
        creators = creators.filter(square_entry__region=filters.region)
    if filters.level is not None:
        creators = creators.filter(square_entry__level=filters.level)
    if filters.fans:
        creators = creators.filter(in_fans_range(filters.fans, "square_entry__fans"))
    return creators.order_by("position")


def _names_industry(industry: str) -> Q:
    """The listing's entry names ``industry`` among its industries (a JSON list): containment on PostgreSQL;
    SQLite has no containment lookup, so there the list's elements are read with ``json_each``."""
    if connection.vendor == "postgresql":
        return Q(square_entry__industries__contains=[industry])
    column = f"{connection.ops.quote_name(SquareEntry._meta.db_table)}.{connection.ops.quote_name('industries')}"
    exists = RawSQL(f"EXISTS (SELECT 1 FROM json_each({column}) WHERE json_each.value = %s)", [industry])
    return Q(ExpressionWrapper(exists, output_field=BooleanField()))


def region_counts() -> dict[str, int]:
    """The day's count of listed creators per region, under no other filter, in region order; ``""`` for all
    regions. One query reading ``SquareCount``, which ``square.listing`` writes with the listing: its keys
    are the region filter's choices (``listed_regions``), and it answers the count of a page filtered by
    region at most (``square_page``'s ``counts``)."""
    with connection.cursor() as cursor:
        cursor.execute(_counts_sql()["regions"], [SquareCount.ANY_LEVEL])
        return dict(cursor.fetchall())


@cache
def _counts_sql() -> dict[str, str]:
    """The statements reading ``SquareCount`` on every page view, written once per process rather than built by
    the ORM on each: the count of one combination of filters, and the counts per
    region under no other filter (``region_counts``)."""
    t, c = table(SquareCount), lambda field: column(SquareCount, field)
    return {
        "one": f"SELECT {c('count')} FROM {t} WHERE {c('industry')} = %s AND {c('region')} = %s"
        f" AND {c('level')} = %s AND {c('fans')} = %s",
        "regions": f"SELECT {c('region')}, {c('count')} FROM {t} WHERE {c('industry')} = '' AND {c('level')} = %s"
        f" AND {c('fans')} = '' ORDER BY {c('region')}",
    }


def listed_regions(counts: dict[str, int] | None = None) -> list[str]:
    """The regions of the listing's creators, for the region filter's choices, in order: the regions of
    ``counts`` (``region_counts``; read when not given, one query). Read from the day's counts, where
    ``SELECT DISTINCT`` over the listing read every creator (22 ms a page view at 100,000 creators)."""
    return [region for region in (region_counts() if counts is None else counts) if region]


@dataclass(frozen=True)
class SquarePage:
    ads: list[Creator]  # the ad slots, shown on page 1 only (empty on the other pages)
    page: Page  # this page of the rest of the listing
    total: int  # creators matching the filters, ads included
    rank: int | None  # the viewing creator's place in the whole listing; None: not in it or not a creator
    day: date | None  # the local day the listing was scored on; None before its first refresh


def square_page(
    *, filters: SquareFilters, page: int | str | None, me: int | None, counts: dict[str, int] | None = None
) -> SquarePage:
    """A page of the day's listing: the ad slots (drawn on every page so that they are not repeated below,
    shown on page 1), then ``PAGE_SIZE`` creators of the rest. With ``me`` (a creator id): that creator's
    rank in the whole listing, and ``page == "me"`` opens the page that shows their card. Four queries
    whatever the population: the count (one row of ``SquareCount``), the ad slots, the rank (with ``me``)
    and the page, each walking the listing's position index (with filters, until enough match); only the
    count when the filters match no one. ``counts`` (``region_counts``, which the page read for its region
    filter) answers the count when the filters name a region at most: one query fewer."""
    # The day's count of what the filters list (ads included), read, not counted. Written in the same
    # transaction as the listing (``listing_refresh``): no count row, nothing listed, and the ad slots'
    # query would walk every slot holder's entry to find none (7 ms at a million creators), so it is skipped.
    if counts is not None and not filters.industry and filters.level is None and not filters.fans:
        matching = counts.get(filters.region, 0)
    else:
        level = SquareCount.ANY_LEVEL if filters.level is None else filters.level
        with connection.cursor() as cursor:  # one row at most (``square_count_unique``)
            cursor.execute(_counts_sql()["one"], [filters.industry, filters.region, level, filters.fans])
            counted = cursor.fetchone()
        matching = counted[0] if counted else 0
    scored = listed(filters=filters).only(*CARD_FIELDS)
    ads = list(scored.filter(square_entry__ad=True).order_by("-rotation", "pk")[:AD_POSITIONS]) if matching else []
    ad_ids = [c.pk for c in ads]
    rest = scored.exclude(pk__in=ad_ids)
    count = max(matching - len(ad_ids), 0)
    rank = None
    if me is not None and matching:
        rank = ad_ids.index(me) + 1 if me in ad_ids else _rank_below_ads(rest, me=me, ads=len(ad_ids))
    if page == "me":
        page = 1 if rank is None or rank <= len(ad_ids) else (rank - len(ad_ids) - 1) // PAGE_SIZE + 1
    shown = CountedPaginator(rest, PAGE_SIZE, count=count).get_page(page)
    rows = [*ads, *shown]
    return SquarePage(
        ads=ads if shown.number == 1 else [],
        page=shown,
        total=count + len(ad_ids),
        rank=rank,
        day=rows[0].listed_on if rows else None,
    )


def _rank_below_ads(rest: QuerySet[Creator], *, me: int, ads: int) -> int | None:
    """``me``'s place after the ad slots: the creators of ``rest`` listed before them, plus one. One query
    reading the listing only up to ``me``'s place; None when ``me`` is not listed under the filters."""
    mine = Subquery(SquareEntry.objects.filter(creator_id=me).values("position")[:1])
    counts = rest.filter(Q(square_entry__position__lt=mine) | Q(pk=me)).aggregate(
        me=Count("pk", filter=Q(pk=me)), ahead=Count("pk", filter=~Q(pk=me))
    )
    return ads + counts["ahead"] + 1 if counts["me"] else None
