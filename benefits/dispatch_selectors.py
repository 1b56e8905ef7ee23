"""Reads of extra dispatches (额外派发, FAQ Q9): each creator's quota for a period with what the period's
close will credit for the shortfall, and which tasks were dispatched to a creator."""

from django.db.models import Exists, F, OuterRef, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce

from creators.models import Creator, SubmissionTask

from .models import BenefitCode, Entitlement, EntitlementStatus, ExtraDispatch

# Dispatches still owed on an entitlement, and the DOU+ its period's close credits for them (FAQ Q15).
SHORTFALL = F("quantity") - F("delivered")
DOU_PLUS = SHORTFALL * Coalesce("benefit__dou_plus_per_missing", Value(0))


def dispatch_quotas(*, period: str, level: int | None = None, creator: str = "") -> QuerySet[Entitlement]:
    """The extra-dispatch entitlements of benefit period ``period`` (``YYYY-MM``) that count at its close
    (lapsed ones do not), largest shortfall first, each annotated ``shortfall`` (quantity − delivered)
    and ``dou_plus``: the shortfall at the catalogue's DOU+ per missing dispatch, what
    ``period_close`` credits (or credited, once ``closed_at`` is set). ``level`` filters on the level
    the quota was granted at; ``creator`` matches an external id exactly or a nickname in part."""
    rows = Entitlement.objects.filter(benefit__code=BenefitCode.EXTRA_DISPATCH, period=period).exclude(
        status=EntitlementStatus.LAPSED
    )
    if level is not None:
        rows = rows.filter(level=level)
    if creator:
        rows = rows.filter(Q(creator__external_id=creator) | Q(creator__nickname__icontains=creator))
    return (
        rows.select_related("creator", "benefit")
        .annotate(shortfall=SHORTFALL, dou_plus=DOU_PLUS)
        .order_by("-shortfall", "creator__external_id")
    )


def dispatch_totals(quotas: QuerySet[Entitlement]) -> dict[str, int]:
    """Sums over ``dispatch_quotas(...)`` (one query): ``quota``, ``dispatched``, ``shortfall``, ``dou_plus``."""
    # The sums restate the expressions: an aggregate named like an annotation would not read it.
    totals = quotas.order_by().aggregate(
        quota=Sum("quantity"), dispatched=Sum("delivered"), shortfall=Sum(SHORTFALL), dou_plus=Sum(DOU_PLUS)
    )
    return {name: value or 0 for name, value in totals.items()}


def tasks_marked_dispatched(*, tasks: QuerySet[SubmissionTask], creator: Creator) -> QuerySet[SubmissionTask]:
    """``tasks``, each annotated ``dispatched``: whether it was sent to ``creator`` as an extra dispatch
    (in the same query)."""
    return tasks.annotate(dispatched=Exists(ExtraDispatch.objects.filter(creator=creator, task=OuterRef("pk"))))
