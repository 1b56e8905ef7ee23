"""Featured cases (学院精选案例, FAQ Q10): a creator submits one under a claimed entitlement, an
operator approves or rejects it, and the creator hears the outcome through 星图小助手."""

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext, gettext_lazy

from creators.messages import Link
from creators.models import Creator
from creators.services import audit_action, audit_target, messages_send_for_each
from lib.errors import ApplicationError

from ..models import BenefitCode, CaseStatus, Entitlement, EntitlementStatus, FeaturedCase, validate_case_link

ONE_APPROVED_CASE = gettext_lazy("每位达人只能上线1条精选案例")


def case_submit(
    *, creator: Creator, entitlement_id: int, title: str, link: str, recommendation: str, at: datetime
) -> FeaturedCase:
    """Submit 案例推荐内容 under a claimed 学院精选案例优先上线权; it waits for an operator's review.

    Another creator's entitlement (or one that is not the featured-case benefit) does not exist for this
    creator. A rejected case may be resubmitted as a new row; a pending or approved one may not. The
    entitlement row is locked so two tabs submitting at once give one pending case. The link must be
    a web address (``validate_case_link``: http or https)."""
    try:
        validate_case_link(link)
    except ValidationError as error:
        raise ApplicationError(error.messages[0], code="bad_link") from None
    with transaction.atomic():
        # Only the entitlement row is locked (the benefit row is shared by every creator).
        entitlement = Entitlement.objects.select_for_update(of=("self",)).get(
            pk=entitlement_id, creator=creator, benefit__code=BenefitCode.FEATURED_CASE
        )
        if entitlement.status != EntitlementStatus.CLAIMED:
            message_text = gettext("请先在“我的权益”领取学院精选案例优先上线权，再提交案例。")
            raise ApplicationError(message_text, code="not_claimed")
        statuses = set(FeaturedCase.objects.filter(creator=creator).values_list("status", flat=True))
        if CaseStatus.APPROVED in statuses:
            raise ApplicationError(str(ONE_APPROVED_CASE), code="already_approved")
        if CaseStatus.PENDING in statuses:
            raise ApplicationError(gettext("你已有一条案例在审核中，审核结果会通过星图小助手通知你。"), code="pending")
        return FeaturedCase.objects.create(
            creator=creator,
            entitlement=entitlement,
            title=title,
            link=link,
            recommendation=recommendation,
            status=CaseStatus.PENDING,
            submitted_at=at,
        )


def case_review(
    *, case_id: int, actor, approve: bool, reason: str, request_id: str | None, at: datetime
) -> FeaturedCase:
    """An operator approves a pending case (it appears in the 精选案例 gallery) or rejects it with a
    reason the creator sees. One audit row (``case.approve`` / ``case.reject``, keyed by the form's
    ``request_id``: the same form posted twice acts once) and a message to the creator through 星图小助手.

    At most one approved case per creator (FAQ Q10): checked here, and backed by the partial unique
    constraint, whose violation under a race becomes the same ApplicationError. A refusal writes nothing."""
    reason = (reason or "").strip()
    if not approve and not reason:
        raise ApplicationError(gettext("请填写未通过的原因，达人会看到它并据此修改。"), code="reason_required")
    with audit_action(actor=actor, action="case.approve" if approve else "case.reject", reason=reason,
                      request_id=request_id) as row:  # fmt: skip
        case = FeaturedCase.objects.select_for_update().get(pk=case_id)
        if case.status != CaseStatus.PENDING:
            raise ApplicationError(gettext("该案例已审核过。"), code="already_reviewed")
        if approve and FeaturedCase.objects.filter(creator_id=case.creator_id, status=CaseStatus.APPROVED).exists():
            raise ApplicationError(str(ONE_APPROVED_CASE), code="already_approved")
        audit_target(row, case, creator_id=case.creator_id)
        row.before = {"status": case.status}
        case.status = CaseStatus.APPROVED if approve else CaseStatus.REJECTED
        case.reviewed_by = actor
        case.reviewed_at = at
        case.review_note = reason[:300]
        try:
            with transaction.atomic():
                case.save(update_fields=["status", "reviewed_by", "reviewed_at", "review_note"])
        except IntegrityError:
            raise ApplicationError(str(ONE_APPROVED_CASE), code="already_approved") from None
        row.after = {"status": case.status}
        row.detail = {"title": case.title}
        messages_send_for_each(
            creators=FeaturedCase.objects.filter(pk=case.pk).values("creator_id"),
            text="case_approved" if approve else "case_rejected",
            each=[(case.creator_id, {"title": case.title, "reason": case.review_note})],
            # Approved: the gallery it is now in; rejected: the form to resubmit.
            link=Link("cases") if approve else Link("case-form", args=(case.entitlement_id,)),
            at=at,
            dedupe_key=f"case:{case.pk}:{case.status}",
        )
    return case
