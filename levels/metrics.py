"""Measuring what the rules need, in two shapes that must agree (tests/levels/test_metrics_agree.py):

- ``measure_chunk``: set-based, for the jobs. A fixed number of aggregate queries for a whole range of
  creators, never one per creator.
- ``measure_creator``: one creator, for the portal's "刷新进度". It reads that creator's rows and
  counts in Python, deliberately a different code path from the SQL aggregates.

Both produce ``Facts`` (raw counts); ``level_metrics`` turns facts into the requirement values of
docs/program.md §1, so the interpretation of the rules exists once.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from fractions import Fraction

from django.db.models import (
    BooleanField,
    Case,
    Count,
    ExpressionWrapper,
    F,
    Func,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    TextField,
    Value,
    When,
)

from academy.models import CourseProgress
from creators.models import (
    Content,
    ContentKind,
    Creator,
    CreditDaily,
    FansDaily,
    Order,
    OrderKind,
    OrderStatus,
    PortalEvent,
    Quote,
    SubmissionEntry,
)
from lib.periods import day_end, local_date, window

from .creator_rows import CreatorRows, creator_rows
from .rules import Rules


def profile_is_complete(intro: str | None, region: str | None, industries) -> bool:
    """docs/program.md §1 ``profile_complete``: an intro, a region and at least one industry."""
    return bool((intro or "").strip() and (region or "").strip() and industries)


@dataclass
class Facts:
    """Raw figures for one creator at one instant ``at``."""

    fans: int = 0
    credit_score: int = 0
    douyin_bound: bool = False
    profile_complete: bool = False
    submission_enabled: bool = False
    spread_enabled: bool = False
    has_quote: bool = False
    task_hall_viewed: bool = False
    assistant_viewed: bool = False
    courses_completed: int = 0
    posts: int = 0
    plays: int = 0
    likes: int = 0
    submissions: int = 0
    orders: int = 0


@dataclass
class CycleFacts:
    """Raw figures for one creator over one reward cycle (docs/program.md §2)."""

    orders: int = 0
    videos: int = 0
    video_plays: int = 0
    lives: int = 0
    live_plays: int = 0


def mean(total: int, count: int) -> Fraction:
    """Exact mean (0 items → 0), so `> 10,000` is decided without float rounding."""
    return Fraction(total, count) if count else Fraction(0)


def level_metrics(facts: Facts, rules: Rules) -> dict[str, bool | int | Fraction]:
    """The value of every requirement code of docs/program.md §1 for these facts."""
    large = rules.is_large(facts.fans)
    return {
        "profile_complete": facts.profile_complete,
        "task_hall_viewed": facts.task_hall_viewed,
        "tasks_enabled": (
            rules.submission_open(facts.fans) and facts.submission_enabled and (facts.spread_enabled or not large)
        ),
        "quote_set": facts.has_quote or not large,
        "assistant_viewed": facts.assistant_viewed or not large,
        "douyin_bound": facts.douyin_bound,
        "courses_completed": facts.courses_completed,
        "posts_30d": facts.posts,
        "avg_plays_30d": mean(facts.plays, facts.posts),
        "submissions_30d": facts.submissions,
        "orders_30d": facts.orders,
        "fans": facts.fans,
        "likes_30d": facts.likes,
        "credit_score": facts.credit_score,
    }


# --- set-based -------------------------------------------------------------------------------------

# Every character ``str.strip()`` removes (none lies above U+3000, the ideographic space; a test checks),
# so that SQL's blank test is Python's.
WHITESPACE = "".join(c for c in map(chr, range(0x3001)) if c.isspace())


class Stripped(Func):
    """``str.strip()`` in SQL: TRIM alone removes spaces only, and a Chinese intro may be padded with
    ideographic spaces or line breaks."""

    function = "TRIM"  # SQLite's trim(X, Y); PostgreSQL spells it btrim
    output_field = TextField()

    def __init__(self, expression):
        super().__init__(expression, Value(WHITESPACE))

    def as_postgresql(self, compiler, connection, **extra):
        return super().as_sql(compiler, connection, function="BTRIM", **extra)


def profile_complete() -> ExpressionWrapper:
    """``profile_is_complete`` as an expression on ``Creator``: in SQL, so a chunk never decodes the
    industries of every creator."""
    filled = ~Q(intro_stripped="") & ~Q(region_stripped="") & ~Q(industries=[])
    return ExpressionWrapper(filled, output_field=BooleanField())


@dataclass(frozen=True)
class ChunkSources:
    """What a chunk reads, one queryset per kind of row, each yielding ``creator_id`` and named values:
    the one definition of which rows count, fetched by ``measure_chunk`` and joined in SQL by
    ``levels.decisions``. ``counts`` maps a ``Facts`` attribute to a queryset of ``creator_id, n``."""

    creators: QuerySet  # fans, fans_at, credit_score, credit_at, douyin_bound, profile_complete, submission_…, spread_…
    quotes: QuerySet  # n
    events: QuerySet  # task_hall_viewed, assistant_viewed: 1 if there is one before ``at``, else 0
    contents: QuerySet  # n, plays, likes
    counts: dict[str, QuerySet]


def chunk_sources(first_id: int, last_id: int, at: datetime, rules: Rules, only=None) -> ChunkSources:
    """The rows of the creators with ``first_id <= pk <= last_id`` (and in ``only``, if given); every
    queryset is bounded by the range, so a chunk costs the same at 1M creators as at 10k."""
    start, end = window(at, rules.window_days)
    day = local_date(at)
    in_range = {"creator_id__gte": first_id, "creator_id__lte": last_id}
    if only is not None:
        in_range["creator_id__in"] = only

    def latest(model, field: str):
        return Subquery(model.objects.filter(creator=OuterRef("pk"), date__lte=day).order_by("-date").values(field)[:1])

    def grouped(queryset, **aggregates):
        return queryset.values("creator_id").annotate(**aggregates).values("creator_id", *aggregates)

    def seen(name: str):
        return Max(Case(When(name=name, then=Value(1)), default=Value(0)))

    creators = Creator.objects.filter(**{k.replace("creator_id", "pk"): v for k, v in in_range.items()})
    return ChunkSources(
        creators=creators.alias(intro_stripped=Stripped("intro"), region_stripped=Stripped("region"))
        .annotate(fans_at=latest(FansDaily, "fans"), credit_at=latest(CreditDaily, "score"),
                  profile=profile_complete())
        .values("fans", "fans_at", "credit_score", "credit_at", "douyin_bound", "submission_enabled",
                "spread_enabled", creator_id=F("pk"), profile_complete=F("profile")),
        quotes=grouped(Quote.objects.filter(**in_range), n=Count("id")),
        events=grouped(PortalEvent.objects.filter(**in_range, at__lt=at),
                       task_hall_viewed=seen(PortalEvent.Name.TASK_HALL_VIEWED),
                       assistant_viewed=seen(PortalEvent.Name.ASSISTANT_VIEWED)),
        contents=grouped(Content.objects.filter(**in_range, published_at__gte=start, published_at__lt=end),
                         n=Count("id"), plays=Sum("effective_plays"), likes=Sum("likes")),
        counts={
            "submissions": grouped(SubmissionEntry.objects.filter(**in_range, submitted_at__gte=start,
                                                                  submitted_at__lt=end), n=Count("id")),
            "orders": grouped(Order.objects.filter(Order.COUNTED, **in_range, completed_at__gte=start,
                                                   completed_at__lt=end), n=Count("id")),
            "courses_completed": grouped(CourseProgress.objects.filter(**in_range, completed_at__lt=at), n=Count("id")),
        },
    )  # fmt: skip


def measure_chunk(first_id: int, last_id: int, at: datetime, rules: Rules, only=None) -> dict[int, Facts]:
    """Facts for every creator with ``first_id <= pk <= last_id`` (and in ``only``): seven queries
    whatever the size."""
    sources = chunk_sources(first_id, last_id, at, rules, only)
    facts: dict[int, Facts] = {}
    for row in sources.creators:
        facts[row["creator_id"]] = Facts(
            fans=row["fans"] if row["fans_at"] is None else row["fans_at"],
            credit_score=row["credit_score"] if row["credit_at"] is None else row["credit_at"],
            douyin_bound=row["douyin_bound"],
            profile_complete=row["profile_complete"],
            submission_enabled=row["submission_enabled"],
            spread_enabled=row["spread_enabled"],
        )
    for pk in sources.quotes.values_list("creator_id", flat=True):
        facts[pk].has_quote = True
    for pk, hall, assistant in sources.events.values_list("creator_id", "task_hall_viewed", "assistant_viewed"):
        facts[pk].task_hall_viewed, facts[pk].assistant_viewed = bool(hall), bool(assistant)
    for pk, n, plays, likes in sources.contents.values_list("creator_id", "n", "plays", "likes"):
        f = facts[pk]
        f.posts, f.plays, f.likes = n, plays or 0, likes or 0
    for attr, queryset in sources.counts.items():
        for pk, n in queryset.values_list("creator_id", "n"):
            setattr(facts[pk], attr, n)
    return facts


def measure_cycle_chunk(first_id: int, last_id: int, start: datetime, end: datetime) -> dict[int, CycleFacts]:
    """Reward-cycle facts for a pk range of creators: two queries."""
    in_range = {"creator_id__gte": first_id, "creator_id__lte": last_id}
    facts: dict[int, CycleFacts] = defaultdict(CycleFacts)
    orders = (
        Order.objects.filter(Order.COUNTED, **in_range, completed_at__gte=start, completed_at__lt=end)
        .values("creator_id")
        .annotate(n=Count("id"))
        .values_list("creator_id", "n")
    )
    for pk, n in orders:
        facts[pk].orders = n
    contents = (
        Content.objects.filter(**in_range, published_at__gte=start, published_at__lt=end)
        .values("creator_id", "kind")
        .annotate(n=Count("id"), plays=Sum("effective_plays"))
        .values_list("creator_id", "kind", "n", "plays")
    )
    for pk, kind, n, plays in contents:
        f = facts[pk]
        if kind == ContentKind.VIDEO:
            f.videos, f.video_plays = n, plays or 0
        else:
            f.lives, f.live_plays = n, plays or 0
    return facts


# --- one creator -----------------------------------------------------------------------------------


def measure_creator(creator: Creator, at: datetime, rules: Rules, rows: CreatorRows | None = None) -> Facts:
    """Facts for one creator, counted in Python from that creator's own rows (``rows``: already read)."""
    rows = creator_rows(creator) if rows is None else rows
    start, end = window(at, rules.window_days)
    day = local_date(at)

    def latest(dated_rows: list[tuple], default: int) -> int:
        dated = [(d, v) for d, v in dated_rows if d <= day]
        return max(dated)[1] if dated else default

    content = [(p, plays, likes) for _, p, plays, likes in rows.contents if start <= p < end]
    return Facts(
        fans=latest(rows.fans, creator.fans),
        credit_score=latest(rows.credit, creator.credit_score),
        douyin_bound=creator.douyin_bound,
        profile_complete=profile_is_complete(creator.intro, creator.region, creator.industries),
        submission_enabled=creator.submission_enabled,
        spread_enabled=creator.spread_enabled,
        has_quote=rows.has_quote,
        task_hall_viewed=any(n == PortalEvent.Name.TASK_HALL_VIEWED and t < at for n, t in rows.events),
        assistant_viewed=any(n == PortalEvent.Name.ASSISTANT_VIEWED and t < at for n, t in rows.events),
        courses_completed=sum(1 for done in rows.courses if done and done < at),
        posts=len(content),
        plays=sum(plays for _, plays, _ in content),
        likes=sum(likes for _, _, likes in content),
        submissions=sum(1 for t in rows.submissions if start <= t < end),
        orders=sum(
            1
            for status, kind, done in rows.orders
            if status == OrderStatus.COMPLETED
            and kind not in (OrderKind.MASS, OrderKind.MINIGAME)
            and done is not None
            and start <= done < end
        ),
    )


def measure_creator_cycle(
    creator: Creator, start: datetime, end: datetime, rows: CreatorRows | None = None
) -> CycleFacts:
    rows = creator_rows(creator) if rows is None else rows
    facts = CycleFacts()
    for status, kind, done in rows.orders:
        if status == OrderStatus.COMPLETED and kind not in (OrderKind.MASS, OrderKind.MINIGAME):
            facts.orders += done is not None and start <= done < end
    for kind, published, plays, _ in rows.contents:
        if start <= published < end:
            if kind == ContentKind.VIDEO:
                facts.videos += 1
                facts.video_plays += plays
            else:
                facts.lives += 1
                facts.live_plays += plays
    return facts


def next_change(rows: CreatorRows, at: datetime, rules: Rules) -> datetime:
    """The first instant after ``at`` from which ``measure_creator`` (and ``measure_creator_cycle`` up to
    the moment it is judged) may answer differently for the same ``rows`` and ``rules``: a dated row
    counts from the local day's start, so the next midnight; a moment ``t`` enters the windows above
    (``t < at``, ``start <= t < end``) once ``at`` passes it and leaves ``[at − window, at)`` once ``at``
    passes ``t + window``. Until then a page drawn from these rows at ``at`` stays exact (``portal.kept``).
    Earlier than needed is harmless (a page drawn again); later would show a stale answer."""
    span = timedelta(days=rules.window_days)
    moments = [t for _, t in rows.events] + [t for _, t, _, _ in rows.contents] + list(rows.submissions)
    moments += [t for t in rows.courses if t is not None] + [t for _, _, t in rows.orders if t is not None]
    edges = [edge for t in moments for edge in (t, t + span) if edge >= at]
    return min([day_end(local_date(at)), *edges])
