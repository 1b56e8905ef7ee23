"""Reads of the 1对1 client recommendations: the operators' queue (owed, overdue, fulfilled) and the units
one creator is owed or was given, as the support report lists them (interfaces §3)."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from django.db import models
from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from creators.models import Creator
from lib.periods import local_date

from .models import BenefitCode, ClientRecommendation, Entitlement, EntitlementStatus


class RecommendationState(models.TextChoices):
    """Where a recommendation unit stands: still owed in its period, owed after its period closed
    (``period_close`` flagged it), or recorded by an operator."""

    OWED = "owed", _("待推荐")
    OVERDUE = "overdue", _("逾期")
    FULFILLED = "fulfilled", _("已完成")


@dataclass(frozen=True)
class QueueFilter:
    """The queue's filters. ``creator`` (external id) narrows every state; ``operator`` (username)
    only the fulfilled one, since nobody has acted on what is still owed."""

    period: str = ""
    level: int | None = None
    creator: str = ""
    operator: str = ""


def _owed(filters: QueueFilter) -> QuerySet[Entitlement]:
    """Client-recommendation entitlements still owed (pending), overdue or not."""
    owed = Entitlement.objects.filter(benefit__code=BenefitCode.CLIENT_RECOMMENDATION, status=EntitlementStatus.PENDING)
    if filters.period:
        owed = owed.filter(period=filters.period)
    if filters.level is not None:
        owed = owed.filter(level=filters.level)
    if filters.creator:
        owed = owed.filter(creator__external_id=filters.creator)
    return owed


def _fulfilled(filters: QueueFilter) -> QuerySet[ClientRecommendation]:
    done = ClientRecommendation.objects.all()
    if filters.period:
        done = done.filter(entitlement__period=filters.period)
    if filters.level is not None:
        done = done.filter(entitlement__level=filters.level)
    if filters.creator:
        done = done.filter(creator__external_id=filters.creator)
    if filters.operator:
        done = done.filter(operator__username=filters.operator)
    return done


def recommendations_owed(*, overdue: bool, filters: QueueFilter) -> QuerySet[Entitlement]:
    """Owed recommendations (``overdue`` False) or overdue ones (True), oldest grant first, with their
    creator."""
    return _owed(filters).filter(overdue=overdue).select_related("creator").order_by("granted_at", "pk")


def recommendations_fulfilled(*, filters: QueueFilter) -> QuerySet[ClientRecommendation]:
    """Recorded recommendations, newest first, with their creator, entitlement and operator."""
    return (
        _fulfilled(filters)
        .select_related("creator", "entitlement", "operator")
        .order_by("-recommended_on", "-created_at", "-pk")
    )


def recommendation_counts(*, filters: QueueFilter) -> dict[str, int]:
    """How many rows each state's tab holds under ``filters`` (two queries)."""
    owed = _owed(filters).aggregate(
        owed=Count("pk", filter=Q(overdue=False)), overdue=Count("pk", filter=Q(overdue=True))
    )
    return {
        RecommendationState.OWED: owed["owed"],
        RecommendationState.OVERDUE: owed["overdue"],
        RecommendationState.FULFILLED: _fulfilled(filters).count(),
    }


def recommendation_periods() -> list[str]:
    """Every period a client recommendation was granted for, newest first (the period filter's options)."""
    periods = (
        Entitlement.objects.filter(benefit__code=BenefitCode.CLIENT_RECOMMENDATION)
        .exclude(period="")
        .values_list("period", flat=True)
        .distinct()
    )
    return sorted(periods, reverse=True)


def recommendation_entitlement(*, entitlement_id: int) -> Entitlement:
    """One client-recommendation entitlement with its creator, as the queue shows it (DoesNotExist for
    an unknown id or another benefit)."""
    return Entitlement.objects.select_related("creator").get(
        pk=entitlement_id, benefit__code=BenefitCode.CLIENT_RECOMMENDATION
    )


def owed_state(entitlement: Entitlement) -> str:
    """The state of the units a pending entitlement still owes."""
    return RecommendationState.OVERDUE if entitlement.overdue else RecommendationState.OWED


@dataclass(frozen=True)
class OwedRow:
    """A queue row: the entitlement and how many days it has been open at the time the page is drawn."""

    entitlement: Entitlement
    days_open: int

    @property
    def id(self) -> int:
        return self.entitlement.pk

    @property
    def state(self) -> str:
        """Owed or overdue; fulfilled once the last unit is recorded (the row stays where it was)."""
        if self.entitlement.status == EntitlementStatus.DELIVERED:
            return RecommendationState.FULFILLED
        return owed_state(self.entitlement)


def owed_rows(entitlements: Iterable[Entitlement], *, at: datetime) -> list[OwedRow]:
    """``entitlements`` as queue rows; days open count calendar days (Asia/Shanghai) since the grant."""
    today = local_date(at)
    return [OwedRow(e, (today - local_date(e.granted_at)).days) for e in entitlements]


# --- one creator's recommendations (the support report) ---------------------------------------------


@dataclass(frozen=True)
class RecommendationUnit:
    """One unit of a client-recommendation entitlement: recorded (``id`` is the recommendation's) or
    still owed (``id``, ``client`` and ``fulfilled_on`` are None)."""

    id: int | None
    entitlement: int
    period: str
    status: str
    client: str | None
    fulfilled_on: date | None


def recommendation_units(*, creator: Creator) -> list[RecommendationUnit]:
    """Every recommendation the creator was given and every unit still owed, per entitlement in the
    order granted: the recorded ones by date, then one row per unit owed. Units of a lapsed entitlement
    are no longer owed and are not listed. Two queries."""
    entitlements = (
        Entitlement.objects.filter(creator=creator, benefit__code=BenefitCode.CLIENT_RECOMMENDATION)
        .prefetch_related(
            Prefetch("recommendations", queryset=ClientRecommendation.objects.order_by("recommended_on", "pk"))
        )
        .order_by("granted_at", "pk")
    )
    units = []
    for e in entitlements:
        units += [
            RecommendationUnit(r.pk, e.pk, e.period, RecommendationState.FULFILLED, r.client_name, r.recommended_on)
            for r in e.recommendations.all()
        ]
        if e.status == EntitlementStatus.PENDING:
            owed = RecommendationUnit(None, e.pk, e.period, owed_state(e), None, None)
            units += [owed] * (e.quantity - e.delivered)
    return units
