"""Guarantee cards at work (program.md §3, FAQ Q14): attaching a card to an entry of a guarantee
submission task, and settling it once the task has closed and the platform has reported earnings.

States: active → used (``card_attach``) → settled (``entry_settle`` / ``entries_settle_due``). Every
state move is a conditional UPDATE whose row count says whether this call made it, so a double click,
two tabs or two job runs move a card once.
"""

from collections.abc import Iterable
from datetime import datetime
from uuid import UUID

from django.db import IntegrityError, transaction
from django.db.models import Case, DecimalField, F, OuterRef, QuerySet, Subquery, Value, When
from django.db.models.functions import Coalesce, Greatest
from django.db.models.lookups import GreaterThanOrEqual
from django.utils.translation import gettext as _

from creators.models import AssistantMessage, Content, Creator, SubmissionEntry, SubmissionTask
from creators.services import message, message_send_many, task_join
from lib.errors import ApplicationError
from lib.format import money

from .card_selectors import settlement_text
from .models import CardStatus, GuaranteeCard

SETTLE_BATCH = 500  # entries per UPDATE: bounded statements however many are due


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
    """program.md §3: plays ≥ the task's threshold → max(earnings, card amount); otherwise earnings."""
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
            _notify(batch, at)
    return settled


def _notify(entry_ids: list[int], at: datetime) -> None:
    rows = (
        GuaranteeCard.objects.filter(entry_id__in=entry_ids, status=CardStatus.SETTLED, settled_at=at)
        .annotate(plays=_card_plays())
        .values_list(
            "pk", "creator_id", "amount", "plays", "entry__payout", "entry__task__title", "entry__task__code",
            "entry__task__guarantee_threshold",
        )
    )  # fmt: skip
    message_send_many(
        messages=(
            message(
                creator_id=creator_id,
                kind=AssistantMessage.Kind.CARD,
                title=_("保底卡已结算 · 实得 %(payout)s") % {"payout": money(payout)},
                body=_("「%(task)s」%(result)s")
                % {
                    "task": title or code,
                    "result": settlement_text(amount=amount, payout=payout, reached=plays >= (threshold or 0)),
                },
                link=f"/tasks/{code}/",
                at=at,
                dedupe_key=f"card_settled:{pk}",
            )
            for pk, creator_id, amount, plays, payout, title, code, threshold in rows
        )
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
            raise ApplicationError(_("收益尚未回传,暂不能结算。"), code="earnings_unknown")
        raise ApplicationError(_("任务尚未结束,暂不能结算。"), code="task_open")
    return _settle([entry.pk], at) == 1


def entries_settle_due(*, at: datetime) -> int:
    """The daily job: settle every entry that is due at ``at`` (see ``_due``). Safe to re-run: a settled
    entry is never due again, and message dedupe keys drop repeats. Returns how many were settled."""
    return _settle(_due(at).order_by("pk").values_list("pk", flat=True), at)
