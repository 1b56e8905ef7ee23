"""Erasing a creator at their request (PIPL right of deletion; docs/privacy.md), one operator action.

Not a delete: the ledger (entitlements, cards, DOU+ credits, dispatches, recommendations, orders, submission
entries with their payouts) is kept for accounting, and the audit log is append-only, so the creator's row
stays as a pseudonym (``creators.privacy.ERASED_NICKNAME``, platform id ``erased-<pk>``) that every list,
search, job and page leaves out (``Creator.objects``). What identifies the person, what they wrote and
their activity go; what they were still owed lapses. It lives in ``levels``, the highest floor of the
program's data; the square drops its copies on the ``creator_erased`` signal."""

from datetime import datetime

from django.utils.translation import gettext as _

from academy.models import CourseProgress, LessonView
from benefits.models import (
    CardStatus,
    ClientRecommendation,
    Entitlement,
    EntitlementStatus,
    FeaturedCase,
    GuaranteeCard,
)
from creators.models import Creator
from creators.privacy import creator_erased, creator_rows_erase
from creators.services import audit_action, audit_target
from insights.models import DailyIndex
from lib.errors import ApplicationError

from .models import CreatorLevel, LevelOverride

ACTION = "creator.erase"
EXPORT_ACTION = "creator.export"
# Stored on the cards the erasure revokes (ledger data, like every revoke reason).
CARD_REVOKED_REASON = "达人个人信息已按本人申请删除"
OVERRIDE_END_REASON = "个人信息已删除"  # stored on an override still open, as the monthly run stores "到期"
OPEN_ENTITLEMENTS = (EntitlementStatus.AVAILABLE, EntitlementStatus.CLAIMED, EntitlementStatus.PENDING)


def erasure_preview(*, creator: Creator) -> dict[str, int]:
    """What ``creator_erase`` would do to ``creator``, counted: the confirmation step shows it."""
    return {
        "open_entitlements": Entitlement.objects.filter(creator=creator, status__in=OPEN_ENTITLEMENTS).count(),
        "active_cards": GuaranteeCard.objects.filter(creator=creator, status=CardStatus.ACTIVE).count(),
        "featured_cases": FeaturedCase.objects.filter(creator=creator).count(),
        "has_login": int(creator.user_id is not None),
    }


def creator_erase(*, creator: Creator, actor, reason: str, request_id: str | None, at: datetime) -> dict[str, int]:
    """Erase ``creator`` (see the module's docstring; field by field in docs/privacy.md), with one audit row
    ``creator.erase`` naming the pseudonymised creator, the operator's ``reason`` and the rows removed per
    kind — never a name or a platform id. All in one transaction; the same form posted twice acts once, and
    a creator erased already is refused. Returns the rows removed per kind."""
    reason = reason.strip()
    if not reason:
        raise ApplicationError(_("请填写删除原因（如用户申请的工单号）。"), code="reason_required")
    with audit_action(actor=actor, action=ACTION, reason=reason, request_id=request_id) as row:
        locked = Creator.objects.select_for_update().filter(pk=creator.pk).first()
        if locked is None:
            raise ApplicationError(_("该达人的个人信息已经删除。"), code="already_erased")
        removed = {
            "lapsed_entitlements": Entitlement.objects.filter(creator=locked, status__in=OPEN_ENTITLEMENTS).update(
                status=EntitlementStatus.LAPSED, lapsed_at=at
            ),
            "revoked_cards": GuaranteeCard.objects.filter(creator=locked, status=CardStatus.ACTIVE).update(
                status=CardStatus.REVOKED, revoked_at=at, revoked_reason=CARD_REVOKED_REASON
            ),
        }
        # Notes an operator wrote about the person; the recommendation itself is the ledger's.
        ClientRecommendation.objects.filter(creator=locked).update(note="")
        LevelOverride.objects.filter(creator=locked, ended_at__isnull=True).update(
            ended_at=at, ended_by=actor, end_reason=OVERRIDE_END_REASON
        )
        for model in (FeaturedCase, CourseProgress, LessonView, DailyIndex, CreatorLevel):
            removed[model._meta.model_name] = model.objects.filter(creator=locked).delete()[0]
        removed |= creator_rows_erase(creator=locked, at=at)
        creator_erased.send(sender=Creator, creator_id=locked.pk)
        audit_target(row, locked, creator_id=locked.pk)
        row.detail = {"removed": removed}
    return removed
