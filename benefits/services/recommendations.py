"""What a benefit period owes, how an operator delivers a 1对1 client recommendation, and how the
period is settled when it closes (docs/program.md §3): extra dispatches not made become DOU+ credits
(FAQ Q15), and client recommendations still owed are flagged overdue."""

from datetime import date, datetime

from django.db import transaction
from django.db.models import F, Q
from django.utils.translation import gettext as _

from creators.messages import Link
from creators.services import audit_action, audit_target, messages_send_for_each
from lib.errors import ApplicationError
from lib.periods import Cycle, Month, local_date

from ..models import (
    BenefitCode,
    ClientRecommendation,
    DouPlusCredit,
    Entitlement,
    EntitlementStatus,
    RecommendationChannel,
)
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


def recommendation_record(
    *,
    entitlement_id: int,
    client: str,
    on: date,
    channel: str = "",
    note: str = "",
    actor,
    request_id: str | None,
    at: datetime,
) -> ClientRecommendation:
    """Record that ``actor`` recommended the creator of entitlement ``entitlement_id`` to ``client`` on
    ``on``: one owed unit delivered (``delivered`` +1; the entitlement is ``delivered`` once every unit
    is), one audit row, and a message to the creator.

    Refuses (``ApplicationError``, nothing written) a date after ``at``'s day, an entitlement that is not
    a client recommendation still owed, and a unit beyond the quantity. The entitlement row is locked
    first, so two operators recording the last unit at once deliver it once. An unknown id raises
    ``Entitlement.DoesNotExist``. ``overdue`` stays as it was: a late delivery is still on record."""
    client = client.strip()
    if not client:
        raise ApplicationError(_("请填写推荐的客户。"), code="client_required")
    if on > local_date(at):
        raise ApplicationError(_("推荐日期不能晚于今天。"), code="future_date")
    if channel not in {"", *RecommendationChannel.values}:
        raise ApplicationError(_("未知的推荐渠道。"), code="unknown_channel")
    with audit_action(actor=actor, action="recommendation.fulfil", request_id=request_id) as row:
        entitlement = (
            Entitlement.objects.select_for_update(of=("self",)).select_related("benefit").get(pk=entitlement_id)
        )
        _check_owed(entitlement)
        before = {"delivered": entitlement.delivered, "status": entitlement.status}
        recommendation = ClientRecommendation.objects.create(
            entitlement=entitlement,
            creator_id=entitlement.creator_id,
            client_name=client,
            recommended_on=on,
            channel=channel,
            note=note.strip(),
            operator=actor,
        )
        entitlement.delivered += 1
        if entitlement.delivered == entitlement.quantity:
            entitlement.status = EntitlementStatus.DELIVERED
        entitlement.save(update_fields=["delivered", "status"])
        audit_target(row, entitlement, creator_id=entitlement.creator_id)
        row.before = before
        row.after = {"delivered": entitlement.delivered, "status": entitlement.status}
        row.detail = {"recommendation": recommendation.pk, "client": client, "on": on.isoformat()}
        messages_send_for_each(
            creators=Entitlement.objects.filter(pk=entitlement.pk).values("creator_id"),
            text="recommendation_made",
            params={
                "period": entitlement.period,
                "client": client,
                "delivered": entitlement.delivered,
                "quantity": entitlement.quantity,
            },
            link=Link("benefits", anchor=f"benefit-{entitlement.pk}"),
            at=at,
            dedupe_key=f"recommendation_made:{recommendation.pk}:{{id}}",
        )
    return recommendation


def _check_owed(entitlement: Entitlement) -> None:
    """Refuse, with a reason an operator can act on, anything but an owed client recommendation."""
    if entitlement.benefit.code != BenefitCode.CLIENT_RECOMMENDATION:
        raise ApplicationError(
            _("「%(name)s」不是1对1精准客户推荐，不能在这里记录。") % {"name": entitlement.benefit.display_name},
            code="not_recommendation",
        )
    if entitlement.delivered >= entitlement.quantity:
        raise ApplicationError(
            _("本期应推 %(quantity)s 次，已全部完成。") % {"quantity": entitlement.quantity}, code="fully_delivered"
        )
    if entitlement.status != EntitlementStatus.PENDING:
        raise ApplicationError(
            _("这项推荐当前「%(status)s」，不再需要交付。") % {"status": entitlement.get_status_display()},
            code="not_owed",
        )
