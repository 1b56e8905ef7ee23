"""Who may see the square and the leaderboards (interfaces §4, §5): advertisers (the ``clients`` group),
operators (``operators``, ``ops_viewers``) and creators (who see their own card marked and its rank).
Anonymous users go to the login page; any other signed-in user gets 403."""

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django_htmx.middleware import HtmxDetails

from creators.models import Creator


def audience_groups() -> tuple[str, ...]:
    """The groups whose members see the square besides creators."""
    return (settings.OPERATORS_GROUP, settings.VIEWERS_GROUP, settings.CLIENTS_GROUP)


@dataclass(frozen=True)
class Viewer:
    """Who is looking: ``creator`` when the user is a creator (their card is marked and ranked);
    ``is_client`` when the user is an advertiser (and not a creator), whose views count as impressions
    (docs/program.md §5)."""

    creator: Creator | None
    is_client: bool


class SquareRequest(HttpRequest):
    htmx: HtmxDetails
    viewer: Viewer


def square_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Anonymous → the login page; a creator, a superuser or a member of ``audience_groups`` → the view with
    ``request.viewer`` set; anyone else → 403 with a way out. Two queries (the creator, the groups)."""

    @login_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        user = request.user
        creator = Creator.objects.filter(user=user).first()
        groups = set(user.groups.filter(name__in=audience_groups()).values_list("name", flat=True))
        if creator is None and not groups and not user.is_superuser:
            return render(request, "square/forbidden.html", status=403)
        # A creator's own views never count as impressions, even in the clients group.
        request.viewer = Viewer(creator=creator, is_client=creator is None and settings.CLIENTS_GROUP in groups)
        return view(request, *args, **kwargs)

    return wrapped
