"""Sign-in locks (django-axes, settings "Sign-in throttling"): which username+IP pairs are locked now, and
lifting one. Operators do it in the console (登录锁定) or the admin, both through ``lockout_release``,
which writes one audit row."""

from datetime import datetime

from axes.helpers import get_cool_off
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from lib.errors import ApplicationError

from .models import Creator
from .services import audit_action, audit_target


def lockouts_current(*, at: datetime, username: str | None = None) -> QuerySet[AccessAttempt]:
    """The username+IP pairs refused at ``at`` (only ``username``'s, if given): as many failures as the
    limit, the last one within the cool-off (axes forgets older ones). Newest first."""
    locked = AccessAttempt.objects.filter(
        failures_since_start__gte=settings.AXES_FAILURE_LIMIT, attempt_time__gt=at - get_cool_off()
    )
    if username is not None:
        locked = locked.filter(username=username)
    return locked.order_by("-attempt_time", "-pk")


def lockout_until(attempt: AccessAttempt) -> datetime:
    """When the lock on ``attempt``'s username and IP lifts by itself (unless it fails again)."""
    return attempt.attempt_time + get_cool_off()


def lockout_release(*, attempt_id: int, actor, request_id: str | None) -> AccessAttempt:
    """Forget the failures of one username+IP pair, so its next sign-in is checked as usual. The audit
    row keeps who, whom, from where and how many failures there were (and the creator, when the username
    is a creator's account). An unknown or already released pair is refused and nothing is written."""
    with audit_action(actor=actor, action="signin.unlock", request_id=request_id) as row:
        attempt = AccessAttempt.objects.select_for_update().filter(pk=attempt_id).first()
        if attempt is None:
            raise ApplicationError(_("这条登录锁定已经解除或已过期。"), code="not_found")
        creator_id = Creator.objects.filter(user__username=attempt.username).values_list("pk", flat=True).first()
        audit_target(row, attempt, creator_id=creator_id)
        row.before = {
            "username": attempt.username,
            "ip_address": attempt.ip_address,
            "failures": attempt.failures_since_start,
            "last_failure_at": attempt.attempt_time,
        }
        row.after = None
        attempt.delete()
        attempt.pk = attempt_id  # the caller may still name it
    return attempt
