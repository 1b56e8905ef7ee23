"""What a benefit period owes, how an operator delivers a 1对1 client recommendation, and how the
period is settled when it closes (docs/program.md §3): extra dispatches not made become DOU+ credits
(FAQ Q15), and client recommendations still owed are flagged overdue."""

from datetime import date, datetime

from django.db import transaction
from django.db.models import F, Q
from django.utils.translation import gettext as _

from creators.messages import Link
from creators.services import audit_action, audit_target, messages_send_for_each
from lib.bulk import batched
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

CLOSE_BATCH = 5000  # short entitlements credited (and messaged) per batch: memory and statements per batch fixed


def period_close(*, month: Month, at: datetime, catalogue: Catalogue) -> dict:
    """Settle benefit period ``month`` (docs/program.md §3): every extra dispatch not made credits DOU+
    at the catalogue's rate per missing dispatch (FAQ Q15), and client recommendations still owed are
    flagged overdue (they stay owed). One transaction; the short entitlements are read through one
    cursor and credited ``CLOSE_BATCH`` at a time, in a fixed number of statements a batch, so memory
    stays one batch's whatever the number of creators."""
    per_missing = {o.benefit_id: o.dou_plus_per_missing for o in catalogue.offers if o.dou_plus_per_missing}
    open_dispatch = Entitlement.objects.filter(
        benefit_id__in=per_missing, period=month.key, closed_at__isnull=True
    ).exclude(status=EntitlementStatus.LAPSED)
    short = (
        open_dispatch.filter(delivered__lt=F("quantity"))
        .order_by("pk")
        .values_list("pk", "creator_id", "benefit_id", "quantity", "delivered")
    )
    credits = amount = 0
    with transaction.atomic():
        for batch in batched(short.iterator(chunk_size=CLOSE_BATCH), CLOSE_BATCH):
            amount += _credit(batch=batch, per_missing=per_missing, month=month, at=at)
            credits += len(batch)
        closed = open_dispatch.update(closed_at=at, status=EntitlementStatus.DELIVERED)
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
    return {"dispatch_closed": closed, "dou_plus_credits": credits, "dou_plus": amount,
            "overdue_recommendations": overdue}  # fmt: skip


def _credit(*, batch: tuple[tuple, ...], per_missing: dict[int, int], month: Month, at: datetime) -> int:
    """One batch of short entitlements ``(pk, creator, benefit, quantity, delivered)``: their DOU+ credits
    (one insert) and a message each (``messages_send_for_each``). Returns the DOU+ credited."""
    rows = [(pk, creator_id, quantity - delivered, per_missing[benefit_id]) for pk, creator_id, benefit_id,
            quantity, delivered in batch]  # fmt: skip
    DouPlusCredit.objects.bulk_create(
        [
            DouPlusCredit(creator_id=c, entitlement_id=pk, missing=m, amount=m * rate, created_at=at)
            for pk, c, m, rate in rows
        ],
        ignore_conflicts=True,
        batch_size=len(rows),
    )
    messages_send_for_each(
        creators=Entitlement.objects.filter(pk__in=[pk for pk, *_ in rows]).values("creator_id"),
        text="dou_plus",
        params={"period": month.key},
        each=(
            (c, {"entitlement": pk, "missing": m, "amount": m * rate, "per_missing": rate}) for pk, c, m, rate in rows
        ),
        link=Link("benefits"),
        at=at,
        dedupe_key="dou_plus:{entitlement}",
    )
    return sum(m * rate for _, _, m, rate in rows)


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
