"""Guarantee cards (docs/program.md §3, FAQ Q14) from issue to settlement: minted with the entitlements that
owe them (``cards_issue``), expired when their validity runs out (``cards_expire``), attached to an
entry of a guarantee submission task (``card_attach``), and settled once the task has closed and the
platform has reported earnings (``entry_settle`` / ``entries_settle``).

States: active → used → settled, or active → expired, or active → revoked by an operator (``card_revoke``).
Manual cards (``card_issues``) live the same life. Every state move is a conditional UPDATE whose
row count says whether this call made it, so a double click, two tabs or two job runs move a card once.
"""

from collections.abc import Iterable
from datetime import datetime
from uuid import UUID, uuid4

from django.db import IntegrityError, transaction
from django.db.models import Case, DecimalField, F, OuterRef, QuerySet, Subquery, Value, When
from django.db.models.functions import Coalesce, Greatest
from django.db.models.lookups import GreaterThanOrEqual
from django.utils.translation import gettext as _

from creators.ingest import upsert_rows
from creators.messages import Link
from creators.models import Content, Creator, SubmissionEntry, SubmissionTask
from creators.services import audit_action, audit_target, messages_send_for_each, task_join
from lib.errors import ApplicationError

from ..models import CardStatus, Entitlement, EntitlementStatus, GuaranteeCard
from ..selectors import Catalogue

# An entitlement as a grant returns it (``insert_for_each(returning=…)``) and ``cards_issue`` takes it.
GRANTED_FIELDS = ["id", "creator_id", "benefit_id", "delivered", "quantity"]
Granted = tuple[int, int, int, int, int]  # id, creator_id, benefit_id, delivered, quantity
# The columns of a card minted for an entitlement; the others take their defaults.
CARD_FIELDS = ["id", "creator_id", "entitlement_id", "serial", "amount", "status", "issued_at", "expires_at"]
SETTLE_BATCH = 500  # entries per UPDATE: bounded statements however many are due
WALLET = Link("benefits", anchor="wallet")


def cards_issue(*, granted: Iterable[Granted], creators: QuerySet, at: datetime, catalogue: Catalogue) -> None:
    """Mint the guarantee cards owed by the card entitlements among ``granted`` (the entitlements a grant
    has just created or topped up, as it returned them): serials delivered+1..quantity, with a message to
    each of ``creators`` who got some.

    Taking them from the grant, not reading them back, is what keeps a run linear: read back by
    (benefit, period), a chunk found every card entitlement of the run so far, through statistics that
    predate the run's own rows (bench/README.md, "A million creators"). A card's amount and validity are
    the catalogue's; ``expires_at`` is ``issued_at`` + the validity in days, to the second."""
    card_offers = {o.benefit_id: o for o in catalogue.offers if o.unit_amount is not None and o.valid_days}
    owed = [row for row in granted if row[2] in card_offers and row[3] < row[4]]
    if not owed:
        return
    # Plain tuples in one statement, not model instances through ``bulk_create``: Django's per-value SQL
    # compiler cost more than the insert itself (bench/README.md, "Monthly assessment").
    cards = [
        (uuid4(), creator_id, pk, serial, card_offers[benefit_id].unit_amount, CardStatus.ACTIVE, at,
         GuaranteeCard.expiry(at, card_offers[benefit_id].valid_days))
        for pk, creator_id, benefit_id, delivered, quantity in owed
        for serial in range(delivered + 1, quantity + 1)
    ]  # fmt: skip
    upsert_rows(GuaranteeCard, CARD_FIELDS, cards, unique_fields=["entitlement_id", "serial"])
    Entitlement.objects.filter(pk__in=[row[0] for row in owed]).update(
        delivered=F("quantity"), status=EntitlementStatus.DELIVERED
    )
    messages_send_for_each(
        creators=creators,
        text="cards_issued",
        each=(
            (
                creator_id,
                {
                    "entitlement": pk,
                    "quantity": quantity,
                    "count": quantity - delivered,
                    "amount": card_offers[benefit_id].unit_amount,
                    "valid_days": card_offers[benefit_id].valid_days,
                },
            )
            for pk, creator_id, benefit_id, delivered, quantity in owed
        ),
        link=WALLET,
        at=at,
        dedupe_key="cards:{entitlement}:{quantity}",
    )


def cards_expire(*, at: datetime) -> int:
    """Active cards whose ``expires_at`` is at or before ``at`` become expired (the card is valid for
    ``[issued_at, expires_at)``). Returns how many expired now."""
    expiring = list(
        GuaranteeCard.objects.filter(status=CardStatus.ACTIVE, expires_at__lte=at).values_list(
            "pk", "creator_id", "issued_at", "expires_at"
        )
    )
    if not expiring:
        return 0
    pks = [row[0] for row in expiring]
    with transaction.atomic():
        count = GuaranteeCard.objects.filter(pk__in=pks, status=CardStatus.ACTIVE).update(
            status=CardStatus.EXPIRED, expired_at=at
        )
        messages_send_for_each(
            creators=GuaranteeCard.objects.filter(pk__in=pks).values("creator_id"),
            text="card_expired",
            # The validity the card was issued with (the catalogue's at the time).
            each=(
                (creator_id, {"card": str(pk), "valid_days": (expires_at - issued_at).days})
                for pk, creator_id, issued_at, expires_at in expiring
            ),
            link=WALLET,
            at=at,
            dedupe_key="card_expired:{card}",
        )
    return count


def card_attach(*, creator: Creator, card_id: UUID | str, entry: SubmissionEntry, at: datetime) -> GuaranteeCard:
    """Use one of the creator's active, unexpired cards on ``entry`` (an entry of a guarantee task):
    the card becomes ``used`` with ``entry`` and ``used_at`` set.

    Exactly once under concurrency: the move is ``UPDATE … WHERE status = 'active' AND expires_at > at``
    and only the request whose UPDATE changed the row wins; the one-to-one ``entry`` column keeps an
    entry from taking two cards. Raises ``ApplicationError`` with the reason otherwise."""
    if entry.creator_id != creator.pk:
        raise ApplicationError(_("只能在你自己的投稿上使用保底卡。"), code="not_own_entry")
    if not entry.task.is_guarantee:
        raise ApplicationError(_("只有保底任务可以使用保底卡。"), code="not_guarantee_task")
    try:
        card_pk = UUID(str(card_id))
    except ValueError:
        raise ApplicationError(_("找不到这张保底卡。"), code="card_not_found") from None
    try:
        with transaction.atomic():
            moved = GuaranteeCard.objects.filter(
                pk=card_pk, creator=creator, status=CardStatus.ACTIVE, expires_at__gt=at
            ).update(status=CardStatus.USED, entry=entry, used_at=at)
    except IntegrityError:  # the entry already holds a card
        raise ApplicationError(_("这条投稿已经使用了保底卡。"), code="entry_has_card") from None
    card = GuaranteeCard.objects.filter(pk=card_pk, creator=creator).first()
    if moved == 1:
        return card
    if card is None:
        raise ApplicationError(_("找不到这张保底卡。"), code="card_not_found")
    if card.status in (CardStatus.USED, CardStatus.SETTLED):
        raise ApplicationError(_("这张保底卡已经使用过了。"), code="card_used")
    if card.status == CardStatus.EXPIRED or card.expires_at <= at:
        raise ApplicationError(_("这张保底卡已过期。"), code="card_expired")
    raise ApplicationError(_("这张保底卡不可用。"), code="card_unavailable")


def card_revoke(*, card_id: UUID | str, reason: str, actor, request_id: str, at: datetime) -> GuaranteeCard:
    """An operator withdraws an active, unexpired card, with a reason (docs/program.md §3 "Manual cards"):
    it becomes ``revoked``, one audit row (``card.revoke``, status before and after) and a message to
    the creator. A card that is used, settled, expired or already revoked is refused with the reason,
    and nothing is written; the same ``request_id`` twice acts once."""
    reason = reason.strip()
    if not reason:
        raise ApplicationError(_("请填写撤销原因。"), code="reason_required")
    try:
        card_pk = UUID(str(card_id))
    except ValueError:
        raise ApplicationError(_("找不到这张保底卡。"), code="card_not_found") from None
    with audit_action(actor=actor, action="card.revoke", reason=reason, request_id=request_id) as row:
        # Conditional UPDATE: of two operators revoking (or a creator attaching) at once, one moves it.
        moved = GuaranteeCard.objects.filter(pk=card_pk, status=CardStatus.ACTIVE, expires_at__gt=at).update(
            status=CardStatus.REVOKED, revoked_at=at, revoked_reason=reason[:200]
        )
        card = GuaranteeCard.objects.filter(pk=card_pk).first()
        if card is None:
            raise ApplicationError(_("找不到这张保底卡。"), code="card_not_found")
        if moved != 1:
            raise ApplicationError(_unrevocable(card), code="card_not_active")
        audit_target(row, card, creator_id=card.creator_id)
        row.before, row.after = {"status": CardStatus.ACTIVE}, {"status": card.status, "revoked_reason": reason}
        messages_send_for_each(
            creators=GuaranteeCard.objects.filter(pk=card_pk).values("creator_id"),
            text="card_revoked",
            params={"card": str(card_pk), "amount": str(card.amount), "reason": reason},
            link=WALLET,
            at=at,
            dedupe_key="card_revoked:{card}:{id}",
        )
    return card


def _unrevocable(card: GuaranteeCard) -> str:
    """Why a card that is not active (or is active past its expiry, before the daily job) stays as it is."""
    if card.status == CardStatus.USED:
        return _("这张保底卡已用于投稿任务，不能撤销。")
    if card.status == CardStatus.SETTLED:
        return _("这张保底卡已经结算，不能撤销。")
    if card.status == CardStatus.REVOKED:
        return _("这张保底卡已经撤销过了。")
    return _("这张保底卡已过期，不能撤销。")


def task_join_with_card(
    *,
    creator: Creator,
    task: SubmissionTask,
    content: Content,
    card_id: UUID | str | None = None,
    at: datetime,
) -> SubmissionEntry:
    """Join ``task`` with ``content`` (``creators.services.task_join``) and, if ``card_id`` is given,
    attach that card to the new entry — both or neither: a refused card leaves no entry behind."""
    with transaction.atomic():
        entry = task_join(creator=creator, task=task, content=content, at=at)
        if card_id is not None:
            card_attach(creator=creator, card_id=card_id, entry=entry, at=at)
    return entry


# --- Settlement -----------------------------------------------------------------------------------


def _plays() -> Coalesce:
    """An entry's effective plays: the platform's figure for the entry, else its content item's."""
    content_plays = Content.objects.filter(pk=OuterRef("content_id")).values("effective_plays")[:1]
    return Coalesce(F("effective_plays"), Subquery(content_plays), Value(0))


def _payout() -> Case:
    """docs/program.md §3: plays ≥ the task's threshold → max(earnings, card amount); otherwise earnings."""
    money_field = DecimalField(max_digits=12, decimal_places=2)
    amount = Subquery(GuaranteeCard.objects.filter(entry=OuterRef("pk")).values("amount")[:1], output_field=money_field)
    threshold = Subquery(SubmissionTask.objects.filter(pk=OuterRef("task_id")).values("guarantee_threshold")[:1])
    return Case(
        When(GreaterThanOrEqual(_plays(), threshold), then=Greatest(F("earnings"), amount, output_field=money_field)),
        default=F("earnings"),
        output_field=money_field,
    )


def _due(at: datetime) -> QuerySet[SubmissionEntry]:
    """Entries ready to settle at ``at``: of a guarantee task closed by then, earnings known, a used card."""
    return SubmissionEntry.objects.filter(
        settled_at__isnull=True,
        earnings__isnull=False,
        task__is_guarantee=True,
        task__closes_at__lte=at,
        guarantee_card__status=CardStatus.USED,
    )


def _settle(entry_ids: Iterable[int], at: datetime) -> int:
    """Settle these entries and spend their cards; one message per card settled here. Returns how many
    entries this call settled (0 for those another run settled first)."""
    settled = 0
    ids = list(entry_ids)
    for i in range(0, len(ids), SETTLE_BATCH):
        batch = ids[i : i + SETTLE_BATCH]
        with transaction.atomic():
            # Conditions on the entry's own columns only, so a concurrent run's UPDATE re-checks
            # ``settled_at IS NULL`` on the row it waited for and skips it.
            settled += SubmissionEntry.objects.filter(pk__in=batch, settled_at__isnull=True).update(
                payout=_payout(), settled_at=at
            )
            GuaranteeCard.objects.filter(entry_id__in=batch, status=CardStatus.USED).update(
                status=CardStatus.SETTLED, settled_at=at
            )
            _notify_settled(batch, at)
    return settled


def _notify_settled(entry_ids: list[int], at: datetime) -> None:
    settled_here = GuaranteeCard.objects.filter(entry_id__in=entry_ids, status=CardStatus.SETTLED, settled_at=at)
    rows = settled_here.annotate(plays=_card_plays()).values_list(
        "pk", "creator_id", "amount", "plays", "entry__payout", "entry__task__title", "entry__task__code",
        "entry__task__guarantee_threshold",
    )  # fmt: skip
    messages_send_for_each(
        creators=settled_here.values("creator_id"),
        text="card_settled",
        each=(
            (
                creator_id,
                {
                    "card": str(pk),
                    "amount": amount,
                    "payout": payout,
                    "reached": plays >= (threshold or 0),
                    "task": title or code,
                    "code": code,
                },
            )
            for pk, creator_id, amount, plays, payout, title, code, threshold in rows
        ),
        link=Link("task", args=("{code}",)),
        at=at,
        dedupe_key="card_settled:{card}",
    )


def _card_plays() -> Coalesce:
    content_plays = Content.objects.filter(pk=OuterRef("entry__content_id")).values("effective_plays")[:1]
    return Coalesce(F("entry__effective_plays"), Subquery(content_plays), Value(0))


def entry_settle(*, entry: SubmissionEntry, at: datetime) -> bool:
    """Settle one entry now (e.g. an operator re-running one). True if this call settled it, False if it
    was settled already; ``ApplicationError`` if it is not ready (no used card, earnings unknown, task
    still open)."""
    if entry.settled_at is not None:
        return False
    if not _due(at).filter(pk=entry.pk).exists():
        card = GuaranteeCard.objects.filter(entry=entry).first()
        if card is None or card.status != CardStatus.USED:
            raise ApplicationError(_("这条投稿没有使用保底卡。"), code="no_card")
        if entry.earnings is None:
            raise ApplicationError(_("收益尚未回传，暂不能结算。"), code="earnings_unknown")
        raise ApplicationError(_("任务尚未结束，暂不能结算。"), code="task_open")
    return _settle([entry.pk], at) == 1


def entries_settle(*, at: datetime) -> int:
    """The daily job: settle every entry that is due at ``at`` (see ``_due``). Safe to re-run: a settled
    entry is never due again, and message dedupe keys drop repeats. Returns how many were settled."""
    return _settle(_due(at).order_by("pk").values_list("pk", flat=True), at)
