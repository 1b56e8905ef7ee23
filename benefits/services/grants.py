"""Entitlements: what a level or a passed reward cycle grants, topped up on an upgrade, lapsed when
the level no longer offers it (docs/program.md §3), and claimed by the creator."""

from collections.abc import Mapping
from datetime import datetime

from django.db.models import F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext

from creators.messages import Link
from creators.models import Creator
from creators.services import messages_send_for_each
from lib.errors import ApplicationError
from lib.periods import Cycle, Month
from lib.sql import insert_for_each

from ..models import BenefitKind, Cadence, Entitlement, EntitlementStatus
from ..selectors import Catalogue, Offer
from . import cards


def _period_key(offer: Offer, period: Month | Cycle) -> str:
    return period.key if offer.per_period else ""


def _grant(
    *, creators: QuerySet, level: int, offers: list[Offer], period: Month | Cycle, at: datetime
) -> list[cards.Granted]:
    """Create, top up and re-activate the entitlements ``offers`` give every creator in ``creators``
    (a queryset of creator ids): one upsert for the offers of each cadence kind, none per offer or creator
    (one per offer cost a statement per benefit and chunk: 800 at 100,000 creators). Returns the
    entitlements it created or changed, as ``cards.cards_issue`` takes them."""
    granted = []
    for per_period in (True, False):
        group = [o for o in offers if o.per_period == per_period]
        if not group:
            continue
        if per_period:
            # Mid-period upgrade: top the period's quantity up to the new level's (never down).
            update, when = ["quantity", "level", "status"], "old.quantity < new.quantity"
        else:
            # A level/once benefit lapsed by an earlier downgrade comes back with the level (FAQ Q5
            # "恢复原来等级"); a claimed one stays claimed.
            update, when = ["status", "level", "lapsed_at"], f"old.status = '{EntitlementStatus.LAPSED}'"
        granted += insert_for_each(
            table=Entitlement._meta.db_table,
            columns=["level", "overdue", "granted_at", "lapsed_at"],
            values=[level, False, at, None],
            variants=[
                {"benefit_id": o.benefit_id, "kind": o.kind, "period": _period_key(o, period), "quantity": o.quantity,
                 "delivered": o.initial_delivered, "status": o.initial_status}
                for o in group
            ],
            ids=creators,
            conflict=["creator_id", "benefit_id", "period"],
            update=update,
            update_when=when,
            returning=cards.GRANTED_FIELDS,
        )  # fmt: skip
    return granted


def entitlements_grant_level(
    *, creators: QuerySet, level: int, month: Month, at: datetime, catalogue: Catalogue
) -> None:
    """Basic benefits of ``level`` for the benefit period ``month``, to every creator in ``creators``."""
    entitlements_grant_levels(by_level={level: creators}, creators=creators, month=month, at=at, catalogue=catalogue)


def entitlements_grant_levels(
    *, by_level: Mapping[int, QuerySet], creators: QuerySet, month: Month, at: datetime, catalogue: Catalogue
) -> None:
    """Basic benefits for the benefit period ``month``: to the creators of ``by_level[L]`` (querysets of
    creator ids) those of level L. ``creators`` are all of them: the cards they are owed are minted at
    once, in the same few statements whatever the number of levels."""
    granted = []
    for level, holders in by_level.items():
        granted += _grant(creators=holders, level=level, offers=catalogue.basic(level), period=month, at=at)
    cards.cards_issue(granted=granted, creators=creators, at=at, catalogue=catalogue)
    for level, holders in by_level.items():
        _notify(creators=holders, level=level, period=month.key, at=at, kind=BenefitKind.BASIC)


def entitlements_grant_reward(
    *, creators: QuerySet, level: int, cycle: Cycle, at: datetime, catalogue: Catalogue
) -> None:
    """Reward benefits of ``level`` for passing ``cycle``, to every creator in ``creators``."""
    granted = _grant(creators=creators, level=level, offers=catalogue.reward(level), period=cycle, at=at)
    cards.cards_issue(granted=granted, creators=creators, at=at, catalogue=catalogue)
    _notify(creators=creators, level=level, period=cycle.key, at=at, kind=BenefitKind.REWARD)


def _notify(*, creators: QuerySet, level: int, period: str, at: datetime, kind: str) -> None:
    messages_send_for_each(
        creators=creators,
        text="grant_reward" if kind == BenefitKind.REWARD else "grant_basic",
        params={"level": level, "period": period},
        link=Link("benefits"),
        at=at,
        dedupe_key=f"grant:{kind}:{period}:{{id}}:{level}",
    )


def entitlements_lapse(*, creators: QuerySet, level: int, at: datetime, catalogue: Catalogue) -> None:
    """``creators`` now hold ``level``: lapse what that level no longer offers (docs/program.md §3):
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
        raise ApplicationError(gettext("该权益已失效：当前等级不再包含此权益，恢复等级后可重新领取。"), code="lapsed")
    raise ApplicationError(gettext("该权益由系统或运营发放，无需领取。"), code="not_claimable")
