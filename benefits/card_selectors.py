"""Reads of guarantee cards: for the task hall and the business assistant (the creator's usable cards,
their entries with how each settled, the exposure their level benefits give) and for the console (cards
filtered, counted by state and by source). Each is one query."""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.db import models
from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from creators.messages import settlement_text
from creators.models import Creator, SubmissionEntry, SubmissionTask
from lib.format import money

from .models import BenefitCode, BenefitKind, CardStatus, Entitlement, EntitlementStatus, GuaranteeCard

# A card counts as expiring soon within this many days: the wallet marks it, the console's queue counts it.
EXPIRING_SOON_DAYS = 30


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


# --- the console's card list ----------------------------------------------------------------------------


class CardSource(models.TextChoices):
    """Where a card came from: a level grant (a basic entitlement), a reward grant (a reward
    entitlement) or an operator (a manual ``CardIssue``) — docs/program.md §3 counts manual cards apart."""

    LEVEL = "level", gettext_lazy("等级发放")
    REWARD = "reward", gettext_lazy("奖励发放")
    MANUAL = "manual", gettext_lazy("运营发放")


GRANTS = "grant"  # the list filter's "level or reward grant"

_SOURCE_FILTERS = {
    CardSource.LEVEL: Q(entitlement__kind=BenefitKind.BASIC),
    CardSource.REWARD: Q(entitlement__kind=BenefitKind.REWARD),
    CardSource.MANUAL: Q(issue__isnull=False),
    GRANTS: Q(entitlement__isnull=False),
}


@dataclass(frozen=True)
class SourceCounts:
    level: int
    reward: int
    manual: int

    @property
    def total(self) -> int:
        return self.level + self.reward + self.manual


def card_source_counts(*, cards: QuerySet[GuaranteeCard] | None = None, creator: Creator | None = None) -> SourceCounts:
    """How many cards came from level grants, reward grants and operators: of ``cards`` (default: all
    cards), of one ``creator`` if given. One query."""
    cards = GuaranteeCard.objects.all() if cards is None else cards
    if creator is not None:
        cards = cards.filter(creator=creator)
    counts = cards.aggregate(**{s.value: Count("pk", filter=_SOURCE_FILTERS[s]) for s in CardSource})
    return SourceCounts(**counts)


def card_state_counts(*, cards: QuerySet[GuaranteeCard]) -> dict[str, int]:
    """``cards`` counted by status ({"active": 12, "used": 3, …}, every status present). One query."""
    return cards.aggregate(**{s.value: Count("pk", filter=Q(status=s)) for s in CardStatus})


@dataclass(frozen=True)
class CardFilter:
    """The console list's filters; ``None``/empty means "any". Instants bound half-open ranges
    [from, before)."""

    creator: str = ""  # an external id, exactly, or part of a nickname
    source: str = ""  # a ``CardSource`` or ``GRANTS``
    issued_from: datetime | None = None
    issued_before: datetime | None = None
    expiring_from: datetime | None = None
    expiring_before: datetime | None = None


def cards_listed(*, filters: CardFilter) -> QuerySet[GuaranteeCard]:
    """Cards matching ``filters``, oldest issue first, with their creator, grant and manual issue."""
    cards = GuaranteeCard.objects.select_related("creator", "entitlement", "issue")
    if filters.creator:
        cards = cards.filter(Q(creator__external_id=filters.creator) | Q(creator__nickname__icontains=filters.creator))
    if filters.source:
        cards = cards.filter(_SOURCE_FILTERS[filters.source])
    bounds = {
        "issued_at__gte": filters.issued_from,
        "issued_at__lt": filters.issued_before,
        "expires_at__gte": filters.expiring_from,
        "expires_at__lt": filters.expiring_before,
    }
    cards = cards.filter(**{lookup: value for lookup, value in bounds.items() if value is not None})
    return cards.order_by("issued_at", "creator__external_id", "serial", "pk")
