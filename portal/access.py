"""Who may see creator pages: a signed-in user linked to a creator, only ever their own data."""

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django_htmx.middleware import HtmxDetails

from creators.models import Creator
from creators.selectors import page_creator
from lib import kept as kept_pages
from portal.kept import fingerprint_sql

# A page that only reads: its messages cannot change between reading the creator and drawing the header.
# A write (marking messages read) counts them afresh after it.
READS = ("GET", "HEAD")


class CreatorRequest(HttpRequest):
    htmx: HtmxDetails
    creator: Creator


def creator_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Anonymous → the login page; a user who is not a creator (an operator) → 403 with a way out;
    a creator → the view, with ``request.creator`` set. Views look objects up through
    ``request.creator`` so another creator's object is simply not found (404)."""

    @login_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if request.method in READS:  # the header's badge and console link read with the creator
            sources = getattr(view, "kept", None) if kept_pages.supported() else None
            also = {"page_fingerprint": fingerprint_sql(sources)} if sources else {}
            creator = page_creator(request.user, **also)
        else:  # one creator per user (a one-to-one link); by the id the session already gave
            creator = Creator.objects.filter(user_id=request.user.pk).first()
        if creator is None:
            return render(request, "portal/not_a_creator.html", status=403)
        request.creator = creator
        # ``config.context_processors.navigation``: whether the header links to the console, known already
        request.console_view = getattr(creator, "console_view", None)
        return view(request, *args, **kwargs)

    return wrapped
