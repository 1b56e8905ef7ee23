"""星图小助手消息: the creator's messages, newest first, and marking them read."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from creators.selectors import messages_named, messages_of, unread_count
from creators.services import messages_mark_read
from portal import clock
from portal.access import CreatorRequest, creator_required

PER_PAGE = 20


def _page(request: CreatorRequest, number) -> dict:
    page = Paginator(messages_of(creator=request.creator), PER_PAGE).get_page(number)
    page.object_list = messages_named(page.object_list)
    return {"page": page, "unread_total": unread_count(creator=request.creator)}


@creator_required
@require_safe
def inbox(request: CreatorRequest) -> HttpResponse:
    return render(request, "portal/inbox.html", _page(request, request.GET.get("page")))


@creator_required
@require_POST
def mark_read(request: CreatorRequest) -> HttpResponse:
    """Mark all unread messages read, or only ``ids``; another creator's ids match nothing."""
    ids = [int(i) for i in request.POST.getlist("ids") if i.isdigit()]
    count = messages_mark_read(creator=request.creator, message_ids=ids or None, at=clock.now())
    text = _("已将 %(n)s 条消息标为已读") % {"n": count} if count else _("没有未读消息")
    number = request.POST.get("page") or 1
    if request.htmx:
        context = {**_page(request, number), "toast": {"text": text, "level": "success"}}
        return render(request, "portal/inbox.html#read-result", context)
    messages.success(request, text)
    url = reverse("messages")
    return redirect(f"{url}?page={number}" if str(number) != "1" else url)
