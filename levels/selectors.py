"""Reads that combine the engine's state with the benefits ledger."""

from django.db.models import Sum

from benefits.models import DouPlusCredit
from benefits.selectors import cards_of, entitlements_of
from creators.models import Creator
from lib.periods import local

from .models import CreatorLevel, LevelChange


def level_of(*, creator: Creator) -> int:
    return CreatorLevel.objects.filter(creator=creator).values_list("level", flat=True).first() or 0


def level_history(*, creator: Creator):
    return LevelChange.objects.filter(creator=creator).order_by("at", "id")


def _iso(value):
    return local(value).isoformat() if value else None


def _amount(value):
    return int(value) if value == int(value) else float(value)


def creator_report(*, creator: Creator) -> dict:
    """The support/audit report of interfaces §3."""
    return {
        "creator": creator.external_id,
        "level": level_of(creator=creator),
        "level_history": [
            {"at": _iso(c.at), "from": c.from_level, "to": c.to_level, "reason": c.reason}
            for c in level_history(creator=creator)
        ],
        "entitlements": [
            {
                "id": e.pk,
                "benefit": e.benefit.code,
                "kind": e.kind,
                "period": e.period or None,
                "quantity": e.quantity,
                "delivered": e.delivered,
                "status": e.status,
            }
            for e in entitlements_of(creator=creator).order_by("granted_at", "pk")
        ],
        "guarantee_cards": [
            {
                "id": str(card.pk),
                "status": card.status,
                "amount": _amount(card.amount),
                "issued_at": _iso(card.issued_at),
                "expires_at": _iso(card.expires_at),
            }
            for card in cards_of(creator=creator)
        ],
        "dou_plus": DouPlusCredit.objects.filter(creator=creator).aggregate(total=Sum("amount"))["total"] or 0,
    }
