"""首页: the level card (answer first), unread 星图小助手 messages, shortcuts."""

from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from creators.selectors import latest_unread
from lib.kept import keep_until
from portal import clock, kept
from portal.access import CreatorRequest, creator_required
from portal.presenters.home import level_card


@creator_required
@kept.kept(kept.STANDING)
@require_safe
def home(request: CreatorRequest) -> HttpResponse:
    card = level_card(creator=request.creator, at=clock.now())
    unread, unread_count = latest_unread(creator=request.creator)
    context = {
        "creator": request.creator,
        "standing": card.standing,
        "gaps": card.gaps,
        "unread": unread,
        "unread_count": unread_count,  # the header's badge too: the context processor's query spared
    }
    keep_until(card.standing.until)
    return render(request, "portal/home.html", context)
