"""Extra dispatches (额外派发, FAQ Q9): an operator sends a quality submission task to an LV1/LV2 creator
outside the client's targeted set, against the creator's quota for the benefit period. Each dispatch
delivers one unit of the period's extra-dispatch entitlement; what is left undelivered when the period
closes becomes DOU+ (``recommendations.period_close``)."""

from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils.translation import gettext

from creators.messages import Link
from creators.models import Creator, SubmissionTask
from creators.selectors import task_is_open
from creators.services import audit_action, audit_target, messages_send_for_each
from lib.errors import ApplicationError
from lib.periods import Month

from ..models import BenefitCode, Entitlement, EntitlementStatus, ExtraDispatch


def dispatch_record(
    *, creator_external_id: str, task_code: str, actor, request_id: str | None, at: datetime
) -> ExtraDispatch:
    """Record that ``task_code`` was dispatched to the creator at ``at``, against the creator's
    extra-dispatch entitlement of the benefit period of ``at``.

    Refused (``ApplicationError``, nothing written): an unknown creator or task, no open entitlement for
    the period (none granted, lapsed with the level, or the period already closed), a quota already
    used up, a task not open at ``at``, and the same task twice in the period. The entitlement row is
    locked, so two operators dispatching at once cannot exceed the quota. One audit row
    (``dispatch.record``, keyed by ``request_id``) and a message to the creator linking to the task."""
    creator = Creator.objects.filter(external_id=creator_external_id.strip()).first()
    if creator is None:
        raise ApplicationError(gettext("找不到达人 %(id)s。") % {"id": creator_external_id}, code="unknown_creator")
    task = SubmissionTask.objects.filter(code=task_code.strip()).first()
    if task is None:
        raise ApplicationError(gettext("找不到任务 %(code)s。") % {"code": task_code}, code="unknown_task")
    if not task_is_open(task=task, at=at):
        raise ApplicationError(
            gettext("任务“%(task)s”当前不在投稿时间内，不能派发。") % {"task": task}, code="task_closed"
        )
    month = Month.of(at)
    with audit_action(actor=actor, action="dispatch.record", request_id=request_id) as row:
        # Only the entitlement row is locked (the benefit row is shared by every creator).
        entitlement = (
            Entitlement.objects.select_for_update(of=("self",))
            .filter(creator=creator, benefit__code=BenefitCode.EXTRA_DISPATCH, period=month.key,
                    closed_at__isnull=True)
            .exclude(status=EntitlementStatus.LAPSED)
            .first()
        )  # fmt: skip
        if entitlement is None:
            raise ApplicationError(gettext("该达人本期没有额外派发名额。"), code="no_quota")
        if entitlement.delivered >= entitlement.quantity:
            message = gettext("本期 %(quantity)s 次已派满。") % {"quantity": entitlement.quantity}
            raise ApplicationError(message, code="quota_full")
        try:
            with transaction.atomic():
                dispatch = ExtraDispatch.objects.create(
                    entitlement=entitlement, creator=creator, task=task, dispatched_at=at, operator=actor
                )
        except IntegrityError:  # unique (entitlement, task): this task was already sent this period
            raise ApplicationError(gettext("这个任务本期已派发给该达人。"), code="already_dispatched") from None
        audit_target(row, dispatch, creator_id=creator.pk)
        row.before = {"delivered": entitlement.delivered, "status": entitlement.status}
        entitlement.delivered += 1
        if entitlement.delivered == entitlement.quantity:
            # Complete: period_close will still close it, crediting nothing for it.
            entitlement.status = EntitlementStatus.DELIVERED
        entitlement.save(update_fields=["delivered", "status"])
        row.after = {"delivered": entitlement.delivered, "status": entitlement.status}
        row.detail = {"task": task.code, "period": month.key, "entitlement": entitlement.pk}
        messages_send_for_each(
            creators=Entitlement.objects.filter(pk=entitlement.pk).values("creator_id"),
            text="task_dispatched",
            params={
                "task": task.title or task.code,
                "code": task.code,
                "delivered": entitlement.delivered,
                "quantity": entitlement.quantity,
            },
            link=Link("task", args=(task.code,)),
            at=at,
            dedupe_key=f"dispatch:{dispatch.pk}:{{id}}",
        )
    return dispatch
