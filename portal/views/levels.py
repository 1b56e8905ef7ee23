"""权益中心: the next level's checklist, the held level's margins, the reward cycle, level history."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from lib.kept import keep_until
from portal import clock, kept
from portal.access import CreatorRequest, creator_required
from portal.presenters.levels import history_of, level_center


@creator_required
@kept.kept(kept.STANDING)
@require_safe
def center(request: CreatorRequest) -> HttpResponse:
    center = level_center(creator=request.creator, at=clock.now())
    keep_until(center.standing.until)
    context = {"center": center, "measured_at": kept.instant(center.standing.at),
               "history": history_of(creator=request.creator)}  # fmt: skip
    return render(request, "portal/levels.html", context)


@creator_required
@require_POST
def refresh(request: CreatorRequest) -> HttpResponse:
    """刷新进度: measure this creator now (the engine's single-creator path) and show the result. It
    changes no level: upgrades happen in the daily check, downgrades in the monthly assessment."""
    center = level_center(creator=request.creator, at=clock.now())
    text = _("进度已刷新")
    if request.htmx:
        context = {"center": center, "measured_at": kept.instant(center.standing.at), "refreshed": True,
                   "toast": {"text": text, "level": "success"}}  # fmt: skip
        return render(request, "portal/levels.html#refresh-result", context)
    messages.success(request, text)
    return redirect("levels")
