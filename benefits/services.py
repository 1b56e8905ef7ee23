"""Writes to the benefits ledger (program.md §3 "Grant rules").

Every function here is set-based — it takes many creators at once and issues a fixed number of
statements — and safe to run again: the unique constraints on entitlements (creator, benefit, period),
cards (entitlement, serial), DOU+ credits (entitlement) and message dedupe keys turn a repeat into a
no-op, and conditional UPDATEs move states only from where they are expected to be.
"""

from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy

from creators.models import AssistantMessage, AuditLog, Creator
from creators.services import message, message_send_many
from lib.errors import ApplicationError
from lib.periods import Cycle, Month
from lib.sql import insert_for_each

from .models import (
    BenefitKind,
    Cadence,
    CardStatus,
    CaseStatus,
    DouPlusCredit,
    Entitlement,
    EntitlementStatus,
    FeaturedCase,
    GuaranteeCard,
)
from .selectors import Catalogue, Offer


def _period_key(offer: Offer, period: Month | Cycle) -> str:
    return period.key if offer.per_period else ""


def _grant(*, creators: QuerySet, level: int, offers: list[Offer], period: Month | Cycle, at: datetime) -> None:
    """Create, top up and re-activate the entitlements ``offers`` give every creator in ``creators``
    (a queryset of creator ids): one upsert per offer, none per creator."""
    for offer in offers:
        if offer.per_period:
            # Mid-period upgrade: top the period's quantity up to the new level's (never down).
            update, when = ["quantity", "level", "status"], "old.quantity < new.quantity"
        else:
            # A level/once benefit lapsed by an earlier downgrade comes back with the level (FAQ Q5
            # "恢复原来等级"); a claimed one stays claimed.
            update, when = ["status", "level", "lapsed_at"], f"old.status = '{EntitlementStatus.LAPSED}'"
        insert_for_each(
            table=Entitlement._meta.db_table,
            columns=["benefit_id", "kind", "level", "period", "quantity", "delivered", "status", "overdue",
                     "granted_at", "lapsed_at"],
            values=[offer.benefit_id, offer.kind, level, _period_key(offer, period), offer.quantity,
                    offer.initial_delivered, offer.initial_status, False, at, None],
            ids=creators,
            conflict=["creator_id", "benefit_id", "period"],
            update=update,
            update_when=when,
        )  # fmt: skip


def grant_level_benefits(*, creators: QuerySet, level: int, month: Month, at: datetime, catalogue: Catalogue) -> None:
    """Basic benefits of ``level`` for the benefit period ``month``, to every creator in ``creators``."""
    _grant(creators=creators, level=level, offers=catalogue.basic(level), period=month, at=at)
    _issue_cards(creators=creators, period=month, at=at, catalogue=catalogue)
    _notify_grants(creators=creators, level=level, period=month.key, at=at, kind="basic")


def grant_reward_benefits(*, creators: QuerySet, level: int, cycle: Cycle, at: datetime, catalogue: Catalogue) -> None:
    """Reward benefits of ``level`` for passing ``cycle``, to every creator in ``creators``."""
    _grant(creators=creators, level=level, offers=catalogue.reward(level), period=cycle, at=at)
    _issue_cards(creators=creators, period=cycle, at=at, catalogue=catalogue)
    _notify_grants(creators=creators, level=level, period=cycle.key, at=at, kind="reward")


def _notify_grants(*, creators: QuerySet, level: int, period: str, at: datetime, kind: str) -> None:
    reward = kind == "reward"
    insert_for_each(
        table=AssistantMessage._meta.db_table,
        columns=["kind", "title", "body", "link", "created_at", "dedupe_key"],
        values=[
            AssistantMessage.Kind.GRANT,
            f"{period} {'奖励' if reward else '等级'}权益已发放",
            f"你的 LV{level} {'奖励' if reward else ''}权益已到账,可在“我的权益”查看和领取。",
            "/benefits/",
            at,
            None,
        ],
        ids=creators,
        key_template=f"grant:{kind}:{period}:{{id}}:{level}",
    )


def _issue_cards(*, creators: QuerySet, period: Month | Cycle, at: datetime, catalogue: Catalogue) -> None:
    """Mint the guarantee cards owed by card entitlements of ``period``: serials delivered+1..quantity.

    A card's ``expires_at`` is ``issued_at`` + the catalogue's validity (180 days, to the second)."""
    card_offers = {o.benefit_id: o for o in catalogue.offers if o.unit_amount is not None and o.valid_days}
    if not card_offers:
        return
    owed = list(
        Entitlement.objects.filter(
            creator_id__in=creators,
            benefit_id__in=card_offers,
            period=period.key,
            delivered__lt=F("quantity"),
        ).values_list("pk", "creator_id", "benefit_id", "delivered", "quantity")
    )
    if not owed:
        return
    cards = []
    for pk, creator_id, benefit_id, delivered, quantity in owed:
        offer = card_offers[benefit_id]
        cards += [
            GuaranteeCard(
                creator_id=creator_id,
                entitlement_id=pk,
                serial=serial,
                amount=offer.unit_amount,
                issued_at=at,
                expires_at=at + timedelta(days=offer.valid_days),
            )
            for serial in range(delivered + 1, quantity + 1)
        ]
    GuaranteeCard.objects.bulk_create(cards, ignore_conflicts=True, batch_size=2000)
    Entitlement.objects.filter(pk__in=[row[0] for row in owed]).update(
        delivered=F("quantity"), status=EntitlementStatus.DELIVERED
    )
    message_send_many(
        messages=(
            message(
                creator_id=creator_id,
                kind=AssistantMessage.Kind.CARD,
                title=f"你收到 {quantity - delivered} 张投稿任务收益保底卡",
                body=(
                    f"每张 ¥{card_offers[benefit_id].unit_amount:.0f},有效期 {card_offers[benefit_id].valid_days} 天,"
                    "参加保底投稿任务时使用。"
                ),
                link="/benefits/#wallet",
                at=at,
                dedupe_key=f"cards:{pk}:{quantity}",
            )
            for pk, creator_id, benefit_id, delivered, quantity in owed
        )
    )


def lapse_benefits(*, creators: QuerySet, level: int, at: datetime, catalogue: Catalogue) -> None:
    """``creators`` now hold ``level``: lapse what that level no longer offers (program.md §3):
    unclaimed claimables, and level-cadence benefits ("active while the level is held", claimed or
    not). Issued cards, owed recommendations and a claimed once-benefit (featured case) stay."""
    level_cadence = {o.benefit_id for o in catalogue.offers if o.cadence == Cadence.LEVEL}
    alive = Q(status=EntitlementStatus.AVAILABLE) | Q(
        period="",
        benefit_id__in=level_cadence,
        status__in=[EntitlementStatus.DELIVERED, EntitlementStatus.CLAIMED],
    )
    not_offered = (Q(kind=BenefitKind.BASIC) & ~Q(benefit_id__in=catalogue.benefit_ids(level, BenefitKind.BASIC))) | (
        Q(kind=BenefitKind.REWARD) & ~Q(benefit_id__in=catalogue.benefit_ids(level, BenefitKind.REWARD))
    )
    Entitlement.objects.filter(alive, not_offered, creator_id__in=creators).update(
        status=EntitlementStatus.LAPSED, lapsed_at=at
    )


def close_period(*, month: Month, at: datetime, catalogue: Catalogue) -> dict:
    """Settle benefit period ``month`` (program.md §3): every extra dispatch not made credits DOU+
    (FAQ Q15), and client recommendations still owed are flagged overdue (they stay owed)."""
    dispatch_offers = {o.benefit_id: o for o in catalogue.offers if o.dou_plus_per_missing}
    open_dispatch = Entitlement.objects.filter(
        benefit_id__in=dispatch_offers, period=month.key, closed_at__isnull=True
    ).exclude(status=EntitlementStatus.LAPSED)
    short = list(
        open_dispatch.filter(delivered__lt=F("quantity")).values_list("pk", "creator_id", "benefit_id", "quantity",
                                                                      "delivered")
    )  # fmt: skip
    credits = [
        DouPlusCredit(
            creator_id=creator_id,
            entitlement_id=pk,
            missing=quantity - delivered,
            amount=(quantity - delivered) * dispatch_offers[benefit_id].dou_plus_per_missing,
            created_at=at,
        )
        for pk, creator_id, benefit_id, quantity, delivered in short
    ]
    with transaction.atomic():
        DouPlusCredit.objects.bulk_create(credits, ignore_conflicts=True, batch_size=2000)
        closed = open_dispatch.update(closed_at=at, status=EntitlementStatus.DELIVERED)
        message_send_many(
            messages=(
                message(
                    creator_id=c.creator_id,
                    kind=AssistantMessage.Kind.DOU_PLUS,
                    title=f"{month.key} 额外派发补偿 {c.amount} DOU+",
                    body=f"本期优质投稿任务额外派发少了 {c.missing} 次,按每次 20 DOU+ 补发 {c.amount} DOU+。",
                    link="/benefits/",
                    at=at,
                    dedupe_key=f"dou_plus:{c.entitlement_id}",
                )
                for c in credits
            )
        )
        # Owed recommendations of this month, and those of a reward cycle whose following cycle ends now.
        due = Q(period=month.key)
        cycle = Cycle.of(month.start)
        if cycle.end == month.end:
            due |= Q(period=cycle.previous().key)
        overdue = Entitlement.objects.filter(
            due,
            benefit__code="client_recommendation",
            status=EntitlementStatus.PENDING,
            delivered__lt=F("quantity"),
        ).update(overdue=True, closed_at=at)
    return {"dispatch_closed": closed, "dou_plus_credits": len(credits), "dou_plus": sum(c.amount for c in credits),
            "overdue_recommendations": overdue}  # fmt: skip


def cards_expire(*, at: datetime) -> int:
    """Active cards whose ``expires_at`` is at or before ``at`` become expired (the card is valid for
    ``[issued_at, expires_at)``). Returns how many expired now."""
    expiring = list(
        GuaranteeCard.objects.filter(status=CardStatus.ACTIVE, expires_at__lte=at).values_list("pk", "creator_id")
    )
    if not expiring:
        return 0
    with transaction.atomic():
        count = GuaranteeCard.objects.filter(pk__in=[pk for pk, _ in expiring], status=CardStatus.ACTIVE).update(
            status=CardStatus.EXPIRED, expired_at=at
        )
        message_send_many(
            messages=(
                message(
                    creator_id=creator_id,
                    kind=AssistantMessage.Kind.CARD,
                    title="一张保底卡已过期",
                    body="保底卡有效期 180 天,已到期未使用。",
                    link="/benefits/#wallet",
                    at=at,
                    dedupe_key=f"card_expired:{pk}",
                )
                for pk, creator_id in expiring
            )
        )
    return count


def entitlement_claim(*, creator: Creator, entitlement_id: int, at: datetime | None = None) -> Entitlement:
    """Claim an available benefit exactly once, however many tabs press 领取 at the same time: the
    conditional UPDATE lets exactly one of them through."""
    at = at or timezone.now()
    updated = Entitlement.objects.filter(pk=entitlement_id, creator=creator, status=EntitlementStatus.AVAILABLE).update(
        status=EntitlementStatus.CLAIMED, claimed_at=at, delivered=F("quantity")
    )
    entitlement = Entitlement.objects.select_related("benefit").get(pk=entitlement_id, creator=creator)
    if updated:
        return entitlement
    if entitlement.status == EntitlementStatus.CLAIMED:
        raise ApplicationError(gettext("已领取"), code="already_claimed")
    if entitlement.status == EntitlementStatus.LAPSED:
        raise ApplicationError(gettext("该权益已失效:当前等级不再包含此权益,恢复等级后可重新领取。"), code="lapsed")
    raise ApplicationError(gettext("该权益由系统或运营发放,无需领取。"), code="not_claimable")


# --- featured cases (学院精选案例, FAQ Q10) ------------------------------------------------------------

FEATURED_CASE = "featured_case"
ONE_APPROVED_CASE = gettext_lazy("每位达人只能上线1条精选案例")


def case_submit(
    *, creator: Creator, entitlement_id: int, title: str, link: str, recommendation: str, at: datetime
) -> FeaturedCase:
    """Submit 案例推荐内容 under a claimed 学院精选案例优先上线权; it waits for an operator's review.

    Another creator's entitlement (or one that is not the featured-case benefit) does not exist for this
    creator. A rejected case may be resubmitted as a new row; a pending or approved one may not. The
    entitlement row is locked so two tabs submitting at once give one pending case."""
    with transaction.atomic():
        # Only the entitlement row is locked (the benefit row is shared by every creator).
        entitlement = Entitlement.objects.select_for_update(of=("self",)).get(
            pk=entitlement_id, creator=creator, benefit__code=FEATURED_CASE
        )
        if entitlement.status != EntitlementStatus.CLAIMED:
            message_text = gettext("请先在“我的权益”领取学院精选案例优先上线权,再提交案例。")
            raise ApplicationError(message_text, code="not_claimed")
        statuses = set(FeaturedCase.objects.filter(creator=creator).values_list("status", flat=True))
        if CaseStatus.APPROVED in statuses:
            raise ApplicationError(str(ONE_APPROVED_CASE), code="already_approved")
        if CaseStatus.PENDING in statuses:
            raise ApplicationError(gettext("你已有一条案例在审核中,审核结果会通过星图小助手通知你。"), code="pending")
        return FeaturedCase.objects.create(
            creator=creator,
            entitlement=entitlement,
            title=title,
            link=link,
            recommendation=recommendation,
            status=CaseStatus.PENDING,
            submitted_at=at,
        )


def case_review(*, case_id: int, reviewer, approve: bool, reason: str, at: datetime) -> FeaturedCase:
    """An operator approves a pending case (it appears in the 精选案例 gallery) or rejects it with a
    reason the creator sees. Writes an audit row and tells the creator through 星图小助手.

    At most one approved case per creator (FAQ Q10): checked here, and backed by the partial unique
    constraint, whose violation under a race becomes the same ApplicationError."""
    reason = (reason or "").strip()
    if not approve and not reason:
        raise ApplicationError(gettext("请填写未通过的原因,达人会看到它并据此修改。"), code="reason_required")
    with transaction.atomic():
        case = FeaturedCase.objects.select_for_update().get(pk=case_id)
        if case.status != CaseStatus.PENDING:
            raise ApplicationError(gettext("该案例已审核过。"), code="already_reviewed")
        if approve and FeaturedCase.objects.filter(creator_id=case.creator_id, status=CaseStatus.APPROVED).exists():
            raise ApplicationError(str(ONE_APPROVED_CASE), code="already_approved")
        case.status = CaseStatus.APPROVED if approve else CaseStatus.REJECTED
        case.reviewed_by = reviewer
        case.reviewed_at = at
        case.review_note = reason[:300]
        try:
            with transaction.atomic():
                case.save(update_fields=["status", "reviewed_by", "reviewed_at", "review_note"])
        except IntegrityError:
            raise ApplicationError(str(ONE_APPROVED_CASE), code="already_approved") from None
        AuditLog.objects.create(
            actor=reviewer,
            action="featured_case.approve" if approve else "featured_case.reject",
            target_type="FeaturedCase",
            target_id=str(case.pk),
            creator_id=case.creator_id,
            detail={"title": case.title, "reason": case.review_note},
        )
        if approve:
            title, body, link = (
                "你的精选案例已上线",
                f"案例“{case.title}”审核通过,已在星图学院“精选案例”上线。",
                "/cases/",
            )
        else:
            title, body, link = (
                "你的精选案例未通过审核",
                f"案例“{case.title}”未通过审核,原因:{case.review_note}。修改后可重新提交。",
                f"/benefits/{case.entitlement_id}/case/",
            )
        message_send_many(
            messages=[
                message(
                    creator_id=case.creator_id,
                    kind=AssistantMessage.Kind.CASE,
                    title=title,
                    body=body,
                    link=link,
                    at=at,
                    dedupe_key=f"case:{case.pk}:{case.status}",
                )
            ]
        )
    return case
