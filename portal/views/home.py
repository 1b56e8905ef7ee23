"""首页: the level card (answer first), unread 星图小助手 messages, shortcuts."""

from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from portal import clock, selectors
from portal.access import CreatorRequest, creator_required


@creator_required
@require_safe
def home(request: CreatorRequest) -> HttpResponse:
    standing = selectors.standing_of(creator=request.creator, at=clock.now())
    context = {
        "creator": request.creator,
        "standing": standing,
        "gaps": selectors.top_gaps(standing),
        "unread": selectors.latest_unread(creator=request.creator),
    }
    return render(request, "portal/home.html", context)
