"""Manual guarantee cards (docs/program.md §3 "Manual cards"): an operator issues cards outside the level
and reward grants, for a reason, to one creator or many (ids typed or uploaded, each with the line it
came from). ``cards_issue_preview`` says who would get how many and which lines are refused, writing
nothing; ``cards_issue_manual`` issues exactly that plan or nothing at all.

Manual cards are ordinary ledger cards: the catalogue's amount and validity, the same states, the same
expiry job and settlement; they differ only in pointing at their ``CardIssue`` instead of an
entitlement, which is how they are counted apart from the grants (``card_selectors.card_source_counts``).
"""

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from creators.models import Creator
from creators.services import audit_action, audit_target, messages_send_for_each
from lib.errors import ApplicationError

from ..models import Benefit, BenefitCode, CardIssue, GuaranteeCard
from .cards import WALLET

MAX_PER_CREATOR = 10  # cards one manual issuance may give each creator
ISSUE_ACTION = "card.issue"


@dataclass(frozen=True)
class Refusal:
    """A line of the operator's list that cannot be issued to, and why."""

    line: int
    external_id: str
    reason: str

    def __str__(self) -> str:
        return _("第 %(line)s 行 %(reason)s") % {"line": self.line, "reason": self.reason}


@dataclass(frozen=True)
class IssuePlan:
    """What a manual issuance would do: ``count`` cards to each of ``creators`` (in the order given),
    and the lines refused. Issued only when nothing is refused."""

    creators: list[Creator]
    count: int
    refusals: list[Refusal]

    @property
    def total(self) -> int:
        return len(self.creators) * self.count

    @property
    def issuable(self) -> bool:
        return bool(self.creators) and not self.refusals


def cards_issue_preview(*, lines: Sequence[tuple[int, str]], count: int) -> IssuePlan:
    """Resolve ``(line number, external id)`` pairs to creators, in one query. A blank id, an id seen on
    an earlier line and an id no creator has are refused with their line. Writes nothing."""
    if not 1 <= count <= MAX_PER_CREATOR:
        raise ApplicationError(
            _("每位达人可发放 1 到 %(max)s 张。") % {"max": MAX_PER_CREATOR}, code="count_out_of_range"
        )
    ids = [external_id.strip() for _line, external_id in lines]
    known = {c.external_id: c for c in Creator.objects.filter(external_id__in={i for i in ids if i})}
    first_line: dict[str, int] = {}
    creators, refusals = [], []
    for (line, _raw), external_id in zip(lines, ids, strict=True):
        if not external_id:
            refusals.append(Refusal(line, "", _("没有达人ID")))
        elif external_id in first_line:
            refusals.append(
                Refusal(
                    line,
                    external_id,
                    _("%(id)s 与第 %(first)s 行重复") % {"id": external_id, "first": first_line[external_id]},
                )
            )
        elif external_id not in known:
            refusals.append(Refusal(line, external_id, _("%(id)s 不存在") % {"id": external_id}))
        else:
            first_line[external_id] = line
            creators.append(known[external_id])
    return IssuePlan(creators=creators, count=count, refusals=refusals)


def cards_issue_manual(
    *,
    lines: Sequence[tuple[int, str]],
    count: int,
    reason: str,
    actor,
    request_id: str,
    at: datetime,
) -> CardIssue:
    """Issue ``count`` cards to each creator of ``lines``, all or nothing: one refused line (see
    ``cards_issue_preview``) issues nothing and names the lines. One ``CardIssue`` row, the cards
    (serials 1..count per creator), one audit row and one message per creator, in a fixed number of
    statements however many creators. The same ``request_id`` twice issues once (``duplicate_request``)."""
    reason = reason.strip()
    if not reason:
        raise ApplicationError(_("请填写发放原因。"), code="reason_required")
    plan = cards_issue_preview(lines=lines, count=count)
    if plan.refusals:
        raise ApplicationError(
            ngettext(
                "有 %(n)s 行无效，未发放任何保底卡：%(lines)s",
                "有 %(n)s 行无效，未发放任何保底卡：%(lines)s",
                len(plan.refusals),
            )
            % {"n": len(plan.refusals), "lines": ";".join(str(r) for r in plan.refusals)},
            code="lines_refused",
        )
    if not plan.creators:
        raise ApplicationError(_("请填写至少一位达人ID。"), code="no_creators")
    terms = Benefit.objects.filter(code=BenefitCode.GUARANTEE_CARD).values("unit_amount", "valid_days").first()
    if terms is None or terms["unit_amount"] is None or not terms["valid_days"]:
        raise ApplicationError(_("权益目录里没有保底卡的金额和有效期，无法发放。"), code="no_card_terms")
    amount, valid_days = terms["unit_amount"], terms["valid_days"]
    with audit_action(actor=actor, action=ISSUE_ACTION, reason=reason, request_id=request_id) as row:
        issue = CardIssue.objects.create(reason=reason, per_creator=count, issued_by=actor, issued_at=at)
        cards = [
            GuaranteeCard.mint(
                id=uuid.uuid4(),
                creator_id=creator.pk,
                issue=issue,
                serial=serial,
                amount=amount,
                valid_days=valid_days,
                at=at,
            )
            for creator in plan.creators
            for serial in range(1, count + 1)
        ]
        GuaranteeCard.objects.bulk_create(cards, batch_size=1000)
        audit_target(row, issue, creator_id=plan.creators[0].pk if len(plan.creators) == 1 else None)
        row.detail = {
            "creators": [c.external_id for c in plan.creators],
            "count": count,
            "cards": [str(c.pk) for c in cards],
        }
        messages_send_for_each(
            creators=GuaranteeCard.objects.filter(issue=issue, serial=1).values("creator_id"),
            text="cards_issued_manual",
            params={"issue": issue.pk, "count": count, "reason": reason, "amount": str(amount),
                    "valid_days": valid_days},
            link=WALLET,
            at=at,
            dedupe_key="cards_manual:{issue}:{id}",
        )  # fmt: skip
    return issue
