"""Reads of the benefits ledger."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.db.models import Count, F, Prefetch, Q, QuerySet, Sum

from creators.models import Creator

from .models import (
    BenefitCode,
    BenefitKind,
    Cadence,
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
    return list(LevelBenefit.objects.select_related("benefit").order_by("level", "kind", "benefit__position"))


def entitlements_current(*, creator: Creator, month_key: str, reward_key: str) -> QuerySet[Entitlement]:
    """What 我的权益 lists: level and once benefits, the benefit period ``month_key``'s, the reward
    benefits earned for cycle ``reward_key`` (the ones that apply now), and anything still owed from an
    earlier period. Cases are prefetched (the featured-case row shows its review state)."""
    return (
        Entitlement.objects.filter(creator=creator)
        .filter(Q(period__in=["", month_key, reward_key]) | Q(status=EntitlementStatus.PENDING))
        .select_related("benefit")
        .prefetch_related(Prefetch("cases", queryset=FeaturedCase.objects.order_by("-submitted_at", "-pk")))
        .order_by("benefit__position", "period", "pk")
    )


def entitlement_of(*, creator: Creator, entitlement_id: int) -> Entitlement:
    """One entitlement of ``creator`` (DoesNotExist for anyone else's), as ``entitlements_current`` loads it."""
    return (
        Entitlement.objects.select_related("benefit")
        .prefetch_related(Prefetch("cases", queryset=FeaturedCase.objects.order_by("-submitted_at", "-pk")))
        .get(pk=entitlement_id, creator=creator)
    )


def wallet_cards(*, creator: Creator) -> list[GuaranteeCard]:
    """The creator's guarantee cards: active ones first, nearest expiry first; then the rest, newest
    first. The entry a used card went to comes with it (its task, its payout)."""
    cards = list(GuaranteeCard.objects.filter(creator=creator).select_related("entry__task", "issue"))
    active = sorted((c for c in cards if c.status == CardStatus.ACTIVE), key=lambda c: (c.expires_at, c.serial))
    rest = sorted((c for c in cards if c.status != CardStatus.ACTIVE), key=lambda c: c.issued_at, reverse=True)
    return active + rest


def dou_plus_total(*, creator: Creator) -> int:
    return DouPlusCredit.objects.filter(creator=creator).aggregate(total=Sum("amount"))["total"] or 0


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
