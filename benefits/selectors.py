"""Reads of the benefits ledger."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from functools import cache

from django.db import connection
from django.db.models import Count, F, Model, Prefetch, Q, QuerySet

from creators.models import Creator, SubmissionEntry, SubmissionTask
from lib.instances import column_count, columns, instances, with_related
from lib.sql import column, table

from .models import (
    Benefit,
    BenefitCode,
    BenefitKind,
    Cadence,
    CardIssue,
    CardStatus,
    CaseStatus,
    ClientRecommendation,
    Delivery,
    DouPlusCredit,
    Entitlement,
    EntitlementStatus,
    ExtraDispatch,
    FeaturedCase,
    GuaranteeCard,
    LevelBenefit,
    LevelPackage,
)


@dataclass(frozen=True)
class Offer:
    """One line of the catalogue: what level ``level`` gives of one benefit."""

    level: int
    kind: str
    benefit_id: int
    code: str
    name: str
    delivery: str
    cadence: str
    quantity: int
    unit_amount: Decimal | None
    valid_days: int | None
    dou_plus_per_missing: int | None

    @property
    def initial_status(self) -> str:
        """The state a fresh grant starts in (docs/program.md §3 "Delivery")."""
        if self.delivery == Delivery.CLAIM:
            return EntitlementStatus.AVAILABLE
        if self.delivery == Delivery.ISSUED or (self.delivery == Delivery.AUTO and self.cadence == Cadence.LEVEL):
            return EntitlementStatus.DELIVERED
        return EntitlementStatus.PENDING  # owed: operator recommendations, extra dispatches

    @property
    def initial_delivered(self) -> int:
        """Auto benefits of the level are delivered as granted; cards count up as they are minted."""
        return self.quantity if self.delivery == Delivery.AUTO and self.cadence == Cadence.LEVEL else 0

    @property
    def per_period(self) -> bool:
        return self.cadence in (Cadence.PERIOD, Cadence.CYCLE)


@dataclass(frozen=True)
class Catalogue:
    offers: tuple[Offer, ...]

    def basic(self, level: int) -> list[Offer]:
        return [o for o in self.offers if o.level == level and o.kind == BenefitKind.BASIC]

    def reward(self, level: int) -> list[Offer]:
        return [o for o in self.offers if o.level == level and o.kind == BenefitKind.REWARD]

    def benefit_ids(self, level: int, kind: str) -> set[int]:
        return {o.benefit_id for o in self.offers if o.level == level and o.kind == kind}


def catalogue_load() -> Catalogue:
    rows = LevelBenefit.objects.select_related("benefit").order_by("level", "benefit__position")
    return Catalogue(
        offers=tuple(
            Offer(
                level=r.level,
                kind=r.kind,
                benefit_id=r.benefit_id,
                code=r.benefit.code,
                name=r.benefit.name,
                delivery=r.benefit.delivery,
                cadence=r.cadence,
                quantity=r.quantity,
                unit_amount=r.benefit.unit_amount,
                valid_days=r.benefit.valid_days,
                dou_plus_per_missing=r.benefit.dou_plus_per_missing,
            )
            for r in rows
        )
    )


def entitlements_of(*, creator: Creator) -> QuerySet[Entitlement]:
    return Entitlement.objects.filter(creator=creator).select_related("benefit").order_by("benefit__position", "period")


def cards_of(*, creator: Creator) -> QuerySet[GuaranteeCard]:
    return GuaranteeCard.objects.filter(creator=creator).order_by("issued_at", "serial")


# --- the creator's 我的权益 page and the 精选案例 gallery --------------------------------------------


def level_values() -> dict[int, int]:
    """The advertised value of each level's benefits in yuan ({1: 5000, …, 4: 130000})."""
    return dict(LevelPackage.objects.values_list("level", "value_yuan"))


def catalogue_rows() -> list[LevelBenefit]:
    """Every line of the catalogue with its benefit (a few dozen rows): value notes and the next
    level's offers come from here, in one query."""
    with connection.cursor() as cursor:
        cursor.execute(_catalogue_sql())
        rows = cursor.fetchall()
    found, benefits, width = [], {}, column_count(LevelBenefit)
    for row in rows:
        (line,) = instances(row, LevelBenefit)
        # A benefit's lines (one per level and kind) share its instance: read-only, built once.
        if line.benefit_id not in benefits:
            benefits[line.benefit_id] = instances(row[width:], Benefit)[0]
        found.append(with_related(line, benefit=benefits[line.benefit_id]))
    return found


def entitlements_current(*, creator: Creator, month_key: str, reward_key: str) -> list[Entitlement]:
    """What 我的权益 lists: level and once benefits, the benefit period ``month_key``'s, the reward
    benefits earned for cycle ``reward_key`` (the ones that apply now), and anything still owed from an
    earlier period, each with its benefit and its latest case (``latest_case``: the featured-case row shows
    its review state), in one query."""
    params = [creator.pk, "", month_key, reward_key, EntitlementStatus.PENDING]
    return _entitlements("(e.{period} IN (%s, %s, %s) OR e.{status} = %s)", params)


def entitlement_of(*, creator: Creator, entitlement_id: int) -> Entitlement:
    """One entitlement of ``creator`` (DoesNotExist for anyone else's), as ``entitlements_current`` loads it."""
    found = _entitlements("e.{id} = %s", [creator.pk, entitlement_id])
    if not found:
        raise Entitlement.DoesNotExist(f"no entitlement {entitlement_id} of creator {creator.pk}")
    return found[0]


def wallet_cards_and_dou_plus(*, creator: Creator) -> tuple[list[GuaranteeCard], int]:
    """The creator's guarantee cards — active ones first, nearest expiry first; then the rest, newest
    first; each with the entry a used card went to (its task, its payout) and its manual issue — and the
    DOU+ credited to the creator in all, in one query."""
    with connection.cursor() as cursor:
        cursor.execute(_cards_sql(), [creator.pk, creator.pk])
        rows = cursor.fetchall()
    cards = []
    for row in rows:
        card, entry, task, issue = instances(row[1:], GuaranteeCard, SubmissionEntry, SubmissionTask, CardIssue)
        if card is None:  # no card: the one row that carries the DOU+ total
            continue
        if entry is not None:
            with_related(entry, task=task)
        cards.append(with_related(card, entry=entry, issue=issue))
    active = sorted((c for c in cards if c.status == CardStatus.ACTIVE), key=lambda c: (c.expires_at, c.serial))
    rest = sorted((c for c in cards if c.status != CardStatus.ACTIVE), key=lambda c: c.issued_at, reverse=True)
    return active + rest, rows[0][0] or 0


# 我的权益's reads are written once per process as SQL from the models' tables: the ORM took about as long to
# build each of them as PostgreSQL to answer it. Each model's columns are selected in field order under
# an alias of its own (``_ALIASES``), and its instances built as the ORM builds them (``lib.instances``).
_ALIASES = {LevelBenefit: "lb", Benefit: "b", Entitlement: "e", FeaturedCase: "c", GuaranteeCard: "g",
            SubmissionEntry: "se", SubmissionTask: "st", CardIssue: "ci"}  # fmt: skip


def _selected(*models: type[Model]) -> str:
    return ", ".join(columns(m, _ALIASES[m]) for m in models)


@cache
def _catalogue_sql() -> str:
    lb, b = LevelBenefit, Benefit
    return (
        f"SELECT {_selected(lb, b)} FROM {table(lb)} lb"
        f" JOIN {table(b)} b ON b.{column(b, 'id')} = lb.{column(lb, 'benefit')}"
        f" ORDER BY lb.{column(lb, 'level')}, lb.{column(lb, 'kind')}, b.{column(b, 'position')}"
    )


def _entitlements(where: str, params: list) -> list[Entitlement]:
    with connection.cursor() as cursor:
        cursor.execute(_entitlements_sql(where), params)
        rows = cursor.fetchall()
    found = []
    for row in rows:
        entitlement, benefit, case = instances(row, Entitlement, Benefit, FeaturedCase)
        entitlement.latest_case = case
        found.append(with_related(entitlement, benefit=benefit))
    return found


@cache
def _entitlements_sql(where: str) -> str:
    """The creator's entitlements where ``where`` holds (``{field}`` names a column of ``e``), by benefit
    position, period and id; with the benefit and the latest case (latest submitted, then latest id),
    joined on its entitlement too, so the case is found through that column's index."""
    e, b, c = Entitlement, Benefit, FeaturedCase
    latest = (
        f"SELECT l.{column(c, 'id')} FROM {table(c)} l WHERE l.{column(c, 'entitlement')} = e.{column(e, 'id')}"
        f" ORDER BY l.{column(c, 'submitted_at')} DESC, l.{column(c, 'id')} DESC LIMIT 1"
    )
    condition = where.format(**{name: column(e, name) for name in ("id", "period", "status")})
    return (
        f"SELECT {_selected(e, b, c)} FROM {table(e)} e"
        f" JOIN {table(b)} b ON b.{column(b, 'id')} = e.{column(e, 'benefit')}"
        f" LEFT JOIN {table(c)} c ON c.{column(c, 'entitlement')} = e.{column(e, 'id')}"
        f" AND c.{column(c, 'id')} = ({latest})"
        f" WHERE e.{column(e, 'creator')} = %s AND {condition}"
        f" ORDER BY b.{column(b, 'position')}, e.{column(e, 'period')}, e.{column(e, 'id')}"
    )


@cache
def _cards_sql() -> str:
    """The DOU+ total, then each card with its entry, task and issue; one row without a card when there
    is none (the cards are joined to a row of one column)."""
    g, se, st, ci, d = GuaranteeCard, SubmissionEntry, SubmissionTask, CardIssue, DouPlusCredit
    total = f"SELECT SUM(d.{column(d, 'amount')}) FROM {table(d)} d WHERE d.{column(d, 'creator')} = %s"
    return (
        f"SELECT ({total}), {_selected(g, se, st, ci)} FROM (SELECT 1 AS one) o"
        f" LEFT JOIN {table(g)} g ON g.{column(g, 'creator')} = %s"
        f" LEFT JOIN {table(se)} se ON se.{column(se, 'id')} = g.{column(g, 'entry')}"
        f" LEFT JOIN {table(st)} st ON st.{column(st, 'id')} = se.{column(se, 'task')}"
        f" LEFT JOIN {table(ci)} ci ON ci.{column(ci, 'id')} = g.{column(g, 'issue')}"
    )


def featured_case_entitlement(*, creator: Creator, entitlement_id: int) -> Entitlement:
    """The creator's 学院精选案例 entitlement with its cases, newest first (DoesNotExist for another
    creator's id or another benefit)."""
    return (
        Entitlement.objects.select_related("benefit")
        .prefetch_related(Prefetch("cases", queryset=FeaturedCase.objects.order_by("-submitted_at", "-pk")))
        .get(pk=entitlement_id, creator=creator, benefit__code=BenefitCode.FEATURED_CASE)
    )


def cases_online() -> QuerySet[FeaturedCase]:
    """The 精选案例 gallery: approved cases, newest approval first."""
    return (
        FeaturedCase.objects.filter(status=CaseStatus.APPROVED)
        .select_related("creator")
        .order_by("-reviewed_at", "-pk")
    )


@dataclass(frozen=True)
class CardTerms:
    """What a guarantee card is worth, how long it lasts, and the lowest level whose basic benefits
    include cards: read from the catalogue, so the pages say what the jobs do."""

    amount: Decimal
    valid_days: int
    first_level: int | None


def card_terms(*, catalogue: Iterable[LevelBenefit] | None = None) -> CardTerms | None:
    rows = catalogue if catalogue is not None else catalogue_rows()
    cards = [r for r in rows if r.benefit.unit_amount is not None and r.benefit.valid_days]
    if not cards:
        return None
    benefit = cards[0].benefit
    basic_levels = [r.level for r in cards if r.kind == BenefitKind.BASIC]
    return CardTerms(benefit.unit_amount, benefit.valid_days, min(basic_levels, default=None))


# --- the console's featured-case review -----------------------------------------------------------


def cases_reviewed(*, status: str) -> QuerySet[FeaturedCase]:
    """Cases in one review state for the console: waiting ones oldest first (a queue), reviewed ones
    latest review first. With the creator, the entitlement (its level) and the reviewer."""
    order = ["submitted_at", "pk"] if status == CaseStatus.PENDING else ["-reviewed_at", "-pk"]
    return (
        FeaturedCase.objects.filter(status=status)
        .select_related("creator", "entitlement", "reviewed_by")
        .order_by(*order)
    )


def case_counts() -> dict[str, int]:
    """How many cases are in each review state (every state present, zero included), in one query."""
    counts = dict(FeaturedCase.objects.values_list("status").annotate(n=Count("pk")).order_by())
    return {status: counts.get(status, 0) for status in CaseStatus.values}


# --- the operator console: queue counts for the dashboard, one creator's ledger -------------------------


@dataclass(frozen=True)
class RecommendationQueue:
    owed: int  # pending, period not closed yet
    overdue: int  # pending after its period closed (``period_close`` flagged it)


def recommendations_queue_counts() -> RecommendationQueue:
    """Client recommendations still owed, split by whether their period has closed. One query."""
    owed = Entitlement.objects.filter(
        benefit__code=BenefitCode.CLIENT_RECOMMENDATION, status=EntitlementStatus.PENDING, delivered__lt=F("quantity")
    ).aggregate(owed=Count("pk", filter=Q(overdue=False)), overdue=Count("pk", filter=Q(overdue=True)))
    return RecommendationQueue(owed=owed["owed"], overdue=owed["overdue"])


def cases_waiting_count() -> int:
    return FeaturedCase.objects.filter(status=CaseStatus.PENDING).count()


def cards_expiring_count(*, start: datetime, end: datetime) -> int:
    """Active cards whose validity ends in ``[start, end)``."""
    return GuaranteeCard.objects.filter(status=CardStatus.ACTIVE, expires_at__gte=start, expires_at__lt=end).count()


def cards_ledger(*, creator: Creator) -> QuerySet[GuaranteeCard]:
    """All the creator's cards, newest first, with the manual issue (reason) a card came from."""
    return (
        GuaranteeCard.objects.filter(creator=creator)
        .select_related("issue", "entitlement")
        .order_by("-issued_at", "serial")
    )


def recommendations_of(*, creator: Creator) -> QuerySet[ClientRecommendation]:
    return (
        ClientRecommendation.objects.filter(creator=creator)
        .select_related("entitlement", "operator")
        .order_by("-recommended_on", "-pk")
    )


def dispatches_of(*, creator: Creator) -> QuerySet[ExtraDispatch]:
    return (
        ExtraDispatch.objects.filter(creator=creator)
        .select_related("entitlement", "task", "operator")
        .order_by("-dispatched_at", "-pk")
    )


def dou_plus_credits_of(*, creator: Creator) -> QuerySet[DouPlusCredit]:
    return DouPlusCredit.objects.filter(creator=creator).select_related("entitlement").order_by("-created_at", "-pk")
