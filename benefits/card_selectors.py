"""Reads for the task hall and the business assistant: the creator's usable guarantee cards, their
entries with how each settled, and the exposure their level benefits give. Each is one query."""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from creators.messages import settlement_text
from creators.models import Creator, SubmissionEntry, SubmissionTask
from lib.format import money

from .models import BenefitCode, CardStatus, Entitlement, EntitlementStatus, GuaranteeCard


def cards_usable(*, creator: Creator, at: datetime) -> QuerySet[GuaranteeCard]:
    """The creator's cards that can be attached at ``at``: active and not expired, soonest expiry first."""
    return GuaranteeCard.objects.filter(creator=creator, status=CardStatus.ACTIVE, expires_at__gt=at).order_by(
        "expires_at", "serial"
    )


class Settlement:
    """How an entry stands, as a word the page shows (``state``) plus the figures behind it."""

    PENDING = "pending"  # earnings not reported, or a guarantee entry not settled yet
    GUARANTEED = "guaranteed"  # settled with a card, plays reached the threshold
    NOT_REACHED = "not_reached"  # settled with a card, plays below the threshold: paid the earnings
    EARNED = "earned"  # no card; the platform reported earnings


@dataclass(frozen=True)
class EntryRow:
    entry: SubmissionEntry
    card: GuaranteeCard | None
    plays: int | None
    state: str

    @property
    def task(self) -> SubmissionTask:
        return self.entry.task

    @property
    def threshold(self) -> int | None:
        return self.entry.task.guarantee_threshold

    @property
    def amount(self) -> Decimal | None:
        return self.card.amount if self.card else None

    @property
    def settled(self) -> bool:
        return self.state in (Settlement.GUARANTEED, Settlement.NOT_REACHED)

    @property
    def text(self) -> str:
        """The settlement as one line: "保底 ¥50 · 实得 ¥50", "未达播放要求,按实际收益 ¥12", …"""
        if self.settled:
            return settlement_text(
                amount=self.card.amount, payout=self.entry.payout, reached=self.state == Settlement.GUARANTEED
            )
        if self.state == Settlement.EARNED:
            return _("收益 %(earnings)s") % {"earnings": money(self.entry.earnings)}
        return _("待结算")


def _row(entry: SubmissionEntry) -> EntryRow:
    try:
        card = entry.guarantee_card
    except GuaranteeCard.DoesNotExist:
        card = None
    plays = entry.effective_plays
    if plays is None and entry.content is not None:
        plays = entry.content.effective_plays
    if card is not None and entry.settled_at is not None:
        reached = plays is not None and entry.task.guarantee_threshold is not None
        reached = reached and plays >= entry.task.guarantee_threshold
        state = Settlement.GUARANTEED if reached else Settlement.NOT_REACHED
    elif card is None and entry.earnings is not None:
        state = Settlement.EARNED
    else:
        state = Settlement.PENDING
    return EntryRow(entry=entry, card=card, plays=plays, state=state)


def entries_of(*, creator: Creator, task: SubmissionTask | None = None, limit: int | None = None) -> list[EntryRow]:
    """The creator's entries (in ``task``, or all), newest first, each with its card and settlement."""
    entries = (
        SubmissionEntry.objects.filter(creator=creator)
        .select_related("task", "content", "guarantee_card")
        .order_by("-submitted_at", "-pk")
    )
    if task is not None:
        entries = entries.filter(task=task)
    if limit is not None:
        entries = entries[:limit]
    return [_row(e) for e in entries]


def exposure_of(*, creator: Creator) -> list[Entitlement]:
    """The creator's delivered exposure benefits (one per benefit), in ``BenefitCode.EXPOSURE`` order."""
    rows = (
        Entitlement.objects.filter(
            creator=creator, status=EntitlementStatus.DELIVERED, benefit__code__in=BenefitCode.EXPOSURE
        )
        .select_related("benefit")
        .order_by("benefit__position", "-granted_at")
    )
    seen: dict[str, Entitlement] = {}
    for row in rows:
        seen.setdefault(row.benefit.code, row)
    return sorted(seen.values(), key=lambda e: BenefitCode.EXPOSURE.index(e.benefit.code))
