"""登录锁定: the username+IP pairs that django-axes refuses right now (too many failed sign-ins), and
lifting one early (``creators.signin.lockout_release``, audited as ``signin.unlock``)."""

from django.conf import settings
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from console import permissions
from console.access import ConsoleRequest, console_required, permission_required
from console.forms import ActionForm, refusal_level
from creators.signin import lockout_release, lockout_until, lockouts_current
from lib.errors import ApplicationError


@console_required
@require_safe
def lockout_list(request: ConsoleRequest) -> HttpResponse:
    """``GET /console/lockouts/?username=``: every pair locked now (or one account's), newest first, with
    when it lifts by itself."""
    username = request.GET.get("username", "").strip()[:150] or None
    locked = lockouts_current(at=timezone.now(), username=username)
    rows = [(attempt, lockout_until(attempt), ActionForm()) for attempt in locked]
    context = {"rows": rows, "username": username, "failure_limit": settings.AXES_FAILURE_LIMIT}
    return render(request, "console/lockouts.html", context)


@permission_required(permissions.UNLOCK_SIGNIN)
@require_POST
def release(request: ConsoleRequest, attempt_id: int) -> HttpResponse:
    """``POST /console/lockouts/<id>/unlock/`` (``request_id``): that username may sign in from that IP
    address again at once."""
    form = ActionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("表单已失效，请刷新页面后重试。"))
        return redirect("console:lockouts")
    try:
        attempt = lockout_release(attempt_id=attempt_id, actor=request.user, request_id=form.cleaned_data["request_id"])
    except ApplicationError as error:
        level = refusal_level(error)
        messages.add_message(request, messages.INFO if level == "info" else messages.ERROR, error.message)
    else:
        text = _("已解除 %(username)s 在 %(ip)s 的登录锁定") % {"username": attempt.username, "ip": attempt.ip_address}
        messages.success(request, text)
    return redirect("console:lockouts")
