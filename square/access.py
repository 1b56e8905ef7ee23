"""Who may see the square and the leaderboards (interfaces §4, §5): advertisers (the ``clients`` group),
operators (``operators``, ``ops_viewers``) and creators (who see their own card marked and its rank).
Anonymous users go to the login page; any other signed-in user gets 403."""

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache, wraps

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import Group
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django_htmx.middleware import HtmxDetails

from creators.models import Creator
from creators.selectors import VIEW_CREATORS
from lib.perms import granted_params, granted_sql
from lib.sql import column, table


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


@cache
def _viewer_sql() -> str:
    """``viewer``'s one query, written once per process: the user's creator row (every column, all null when
    the user is not a creator) and whether the user is in ``audience_groups``, and in the clients group."""
    member = get_user_model().groups.through
    creator = ", ".join(f"c.{column(Creator, f.name)}" for f in Creator._meta.concrete_fields)
    in_groups = (
        f"SELECT 1 FROM {table(member)} m INNER JOIN {table(Group)} g"
        f" ON g.{column(Group, 'id')} = m.{column(member, 'group')}"
        f" WHERE m.{column(member, 'user')} = %s AND g.{column(Group, 'name')} IN"
    )
    return (
        f"SELECT {creator}, EXISTS ({in_groups} ({', '.join(['%s'] * len(audience_groups()))})) AS viewer_audience,"
        f" EXISTS ({in_groups} (%s)) AS viewer_client"
        f", {granted_sql()} AS console_view"
        # As ``Creator.objects``: an erased creator is on no page (erasure also unlinks the user).
        f" FROM (SELECT 1 AS one) v LEFT JOIN {table(Creator)} c ON c.{column(Creator, 'user')} = %s"
        f" AND c.{column(Creator, 'erased_at')} IS NULL"
    )


def viewer(user) -> tuple[Viewer, bool, bool]:
    """Who ``user`` is to the square, whether they are in one of ``audience_groups``, and whether they were
    given the console's view permission (the header's 运营后台 link; ``lib.perms.holds(..., granted=)``).
    One query (the creator, the groups and the permission together: the Django way reads them in four)."""
    groups = audience_groups()
    params = [user.pk, *groups, user.pk, settings.CLIENTS_GROUP, *granted_params(user, VIEW_CREATORS), user.pk]
    row = next(iter(Creator.objects.raw(_viewer_sql(), params)))
    creator = row if row.pk is not None else None
    # A creator's own views never count as impressions, even in the clients group.
    seen = Viewer(creator=creator, is_client=creator is None and bool(row.viewer_client))
    return seen, bool(row.viewer_audience), bool(row.console_view)


def square_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Anonymous → the login page; a creator, a superuser or a member of ``audience_groups`` → the view with
    ``request.viewer`` set; anyone else → 403 with a way out. One query (``viewer``)."""

    @login_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        user = request.user
        # ``console_view``: the header's 运营后台 link (``config.context_processors.navigation``), read already
        request.viewer, audience, request.console_view = viewer(user)
        if request.viewer.creator is None and not audience and not user.is_superuser:
            return render(request, "square/forbidden.html", status=403)
        return view(request, *args, **kwargs)

    return wrapped
