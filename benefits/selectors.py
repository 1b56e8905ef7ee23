"""Reads of the benefits ledger."""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import QuerySet

from creators.models import Creator

from .models import BenefitKind, Cadence, Delivery, Entitlement, EntitlementStatus, GuaranteeCard, LevelBenefit


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
        """The state a fresh grant starts in (program.md §3 "Delivery")."""
        if self.delivery == Delivery.CLAIM:
            return EntitlementStatus.AVAILABLE
        if self.delivery == Delivery.ISSUED or (self.delivery == Delivery.AUTO and self.cadence == Cadence.LEVEL):
            return EntitlementStatus.DELIVERED
        return EntitlementStatus.PENDING  # owed: operator recommendations, extra dispatches

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
