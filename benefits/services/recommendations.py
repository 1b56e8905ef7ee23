"""What a benefit period owes and how it is settled when it closes (docs/program.md §3): extra dispatches
not made become DOU+ credits (FAQ Q15), and client recommendations still owed are flagged overdue."""

from datetime import datetime

from django.db import transaction
from django.db.models import F, Q

from creators.messages import Link
from creators.services import messages_send_for_each
from lib.periods import Cycle, Month

from ..models import BenefitCode, DouPlusCredit, Entitlement, EntitlementStatus
from ..selectors import Catalogue


def period_close(*, month: Month, at: datetime, catalogue: Catalogue) -> dict:
    """Settle benefit period ``month`` (docs/program.md §3): every extra dispatch not made credits DOU+
    at the catalogue's rate per missing dispatch (FAQ Q15), and client recommendations still owed are
    flagged overdue (they stay owed)."""
    dispatch_offers = {o.benefit_id: o for o in catalogue.offers if o.dou_plus_per_missing}
    open_dispatch = Entitlement.objects.filter(
        benefit_id__in=dispatch_offers, period=month.key, closed_at__isnull=True
    ).exclude(status=EntitlementStatus.LAPSED)
    short = list(
        open_dispatch.filter(delivered__lt=F("quantity")).values_list("pk", "creator_id", "benefit_id", "quantity",
                                                                      "delivered")
    )  # fmt: skip
    per_missing = {pk: dispatch_offers[benefit_id].dou_plus_per_missing for pk, _, benefit_id, _, _ in short}
    credits = [
        DouPlusCredit(
            creator_id=creator_id,
            entitlement_id=pk,
            missing=quantity - delivered,
            amount=(quantity - delivered) * per_missing[pk],
            created_at=at,
        )
        for pk, creator_id, benefit_id, quantity, delivered in short
    ]
    with transaction.atomic():
        DouPlusCredit.objects.bulk_create(credits, ignore_conflicts=True, batch_size=2000)
        closed = open_dispatch.update(closed_at=at, status=EntitlementStatus.DELIVERED)
        messages_send_for_each(
            creators=Entitlement.objects.filter(pk__in=per_missing).values("creator_id"),
            text="dou_plus",
            params={"period": month.key},
            each=(
                (
                    c.creator_id,
                    {
                        "entitlement": c.entitlement_id,
                        "missing": c.missing,
                        "amount": c.amount,
                        "per_missing": per_missing[c.entitlement_id],
                    },
                )
                for c in credits
            ),
            link=Link("benefits"),
            at=at,
            dedupe_key="dou_plus:{entitlement}",
        )
        # Owed recommendations of this month, and those of a reward cycle whose following cycle ends now.
        due = Q(period=month.key)
        cycle = Cycle.of(month.start)
        if cycle.end == month.end:
            due |= Q(period=cycle.previous().key)
        overdue = Entitlement.objects.filter(
            due,
            benefit__code=BenefitCode.CLIENT_RECOMMENDATION,
            status=EntitlementStatus.PENDING,
            delivered__lt=F("quantity"),
        ).update(overdue=True, closed_at=at)
    return {"dispatch_closed": closed, "dou_plus_credits": len(credits), "dou_plus": sum(c.amount for c in credits),
            "overdue_recommendations": overdue}  # fmt: skip
