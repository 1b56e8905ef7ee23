"""手动等级 on the creator page (issue 9, interfaces §4.1): set a creator's level with a reason until a
month, or end the open override early with a reason. The rules are ``levels.overrides``'; these views
parse the form, call the service and answer: HTMX gets the panel back in place with a toast, a full
page goes back to the creator page with a message."""

from dataclasses import dataclass

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from console import permissions
from console.access import ConsoleRequest, permission_required
from console.forms import is_duplicate, refusal_level
from console.forms_overrides import OverrideEndForm, OverrideSetForm
from creators import selectors as creator_selectors
from creators.models import Creator
from levels import overrides
from levels.models import LevelOverride
from levels.selectors import override_open
from lib.errors import ApplicationError

LEVELS = {"success": messages.SUCCESS, "info": messages.INFO, "error": messages.ERROR}


@dataclass(frozen=True)
class OverridePanel:
    """The creator page's override panel: the open override (if any) and, for whoever may override
    levels, the form that fits — end the open one, or set one."""

    creator: Creator
    override: LevelOverride | None
    set_form: OverrideSetForm | None = None
    end_form: OverrideEndForm | None = None


def override_panel(
    request: ConsoleRequest,
    *,
    creator: Creator,
    override: LevelOverride | None,
    form: OverrideSetForm | OverrideEndForm | None = None,
) -> OverridePanel:
    """The panel for ``creator``; ``form``: a posted form to show again with its errors."""
    if not request.user.has_perm(permissions.OVERRIDE_LEVEL):
        return OverridePanel(creator, override)
    if override is not None:
        end_form = form if isinstance(form, OverrideEndForm) else OverrideEndForm(auto_id="override-end-%s")
        return OverridePanel(creator, override, end_form=end_form)
    set_form = form if isinstance(form, OverrideSetForm) else OverrideSetForm(auto_id="override-%s")
    return OverridePanel(creator, override, set_form=set_form)


def _answer(request: ConsoleRequest, creator: Creator, form, text: str, level: str, acted: bool) -> HttpResponse:
    if not request.htmx:
        messages.add_message(request, LEVELS[level], text)
        return redirect("console:creator", creator.external_id)
    panel = override_panel(request, creator=creator, override=override_open(creator=creator),
                           form=None if acted else form)  # fmt: skip
    return render(
        request, "console/creator.html#override-panel", {"panel": panel, "toast": {"text": text, "level": level}}
    )


def _first_error(form) -> str:
    """The first problem with the form, named by its field, for the toast."""
    field, errors = next(iter(form.errors.items()))
    return errors[0] if field == "__all__" else f"{form[field].label}: {errors[0]}"


@permission_required(permissions.OVERRIDE_LEVEL)
@require_POST
def override_set(request: ConsoleRequest, external_id: str) -> HttpResponse:
    creator = creator_selectors.creator_get(external_id=external_id)
    form = OverrideSetForm(request.POST, auto_id="override-%s")
    if not form.is_valid():
        return _answer(request, creator, form, _first_error(form), "error", acted=False)
    data = form.cleaned_data
    try:
        override = overrides.override_set(
            creator=creator, level=data["level"], reason=data["reason"], until=data["until"], actor=request.user,
            request_id=data["request_id"], at=timezone.now(),
        )  # fmt: skip
    except ApplicationError as error:
        return _answer(request, creator, form, error.message, refusal_level(error),
                       acted=is_duplicate(error))  # fmt: skip
    text = _("已将等级设为 LV%(level)s，保持到 %(until)s，已通知达人。") % {
        "level": override.level,
        "until": override.until,
    }
    return _answer(request, creator, form, text, "success", acted=True)


@permission_required(permissions.OVERRIDE_LEVEL)
@require_POST
def override_end(request: ConsoleRequest, external_id: str) -> HttpResponse:
    creator = creator_selectors.creator_get(external_id=external_id)
    form = OverrideEndForm(request.POST, auto_id="override-end-%s")
    if not form.is_valid():
        return _answer(request, creator, form, _first_error(form), "error", acted=False)
    try:
        overrides.override_end(creator=creator, reason=form.cleaned_data["reason"], actor=request.user,
                               request_id=form.cleaned_data["request_id"], at=timezone.now())  # fmt: skip
    except ApplicationError as error:
        return _answer(request, creator, form, error.message, refusal_level(error),
                       acted=is_duplicate(error))  # fmt: skip
    return _answer(request, creator, form, _("手动等级已结束，下次评估按规则评定。已通知达人。"), "success", acted=True)
