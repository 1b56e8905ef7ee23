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
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django_htmx.middleware import HtmxDetails

from creators.models import Creator
from creators.selectors import VIEW_CREATORS
from lib import kept
from lib.instances import column_count, instances
from lib.perms import granted_params, granted_sql
from lib.sql import column, execute_prepared, table

from .kept import Shown, fingerprint_params, fingerprint_sql


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
def _viewer_sql(also: str) -> str:
    """``viewer``'s one query, written once per process (and ``also``, the fingerprint's expression or
    nothing): the user's creator row (every column, all null when the user is not a creator) and whether
    the user is in ``audience_groups``, and in the clients group."""
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
        f", {granted_sql()} AS console_view{also}"
        # As ``Creator.objects``: an erased creator is on no page (erasure also unlinks the user).
        f" FROM (SELECT 1 AS one) v LEFT JOIN {table(Creator)} c ON c.{column(Creator, 'user')} = %s"
        f" AND c.{column(Creator, 'erased_at')} IS NULL"
    )


def viewer(user, *, shown: Shown | None = None) -> tuple[Viewer, bool, bool, str | None]:
    """Who ``user`` is to the square, whether they are in one of ``audience_groups``, whether they were
    given the console's view permission (the header's 运营后台 link; ``lib.perms.holds(..., granted=)``),
    and with ``shown`` (the cards a kept page showed) the page's fingerprint (``square.kept``), else None.
    One query (the creator, the groups, the permission and the fingerprint together: the Django way reads
    the first three in four), prepared once per connection."""
    groups = audience_groups()
    params = [user.pk, *groups, user.pk, settings.CLIENTS_GROUP, *granted_params(user, VIEW_CREATORS)]
    also = ""
    if shown is not None:
        also, params = f", {fingerprint_sql()} AS page_fingerprint", [*params, *fingerprint_params(shown)]
    with connection.cursor() as cursor:
        execute_prepared(cursor, _viewer_sql(also), [*params, user.pk])
        row = cursor.fetchone()
    n = column_count(Creator)
    (creator,) = instances(row[:n], Creator)
    audience, client, console_view = (bool(value) for value in row[n : n + 3])
    # A creator's own views never count as impressions, even in the clients group.
    seen = Viewer(creator=creator, is_client=creator is None and client)
    return seen, audience, console_view, (row[n + 3] or "") if shown is not None else None


def square_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Anonymous → the login page; a creator, a superuser or a member of ``audience_groups`` → the view with
    ``request.viewer`` set; anyone else → 403 with a way out. One query (``viewer``)."""

    @login_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        user = request.user
        # ``console_view``: the header's 运营后台 link (``config.context_processors.navigation``), read already;
        # a kept page's fingerprint for the cards it showed (``square.kept``), read with the viewer
        shown = kept.noted(request, view)
        request.viewer, audience, request.console_view, request.square_fingerprint = viewer(user, shown=shown)
        if request.viewer.creator is None and not audience and not user.is_superuser:
            return render(request, "square/forbidden.html", status=403)
        return view(request, *args, **kwargs)

    return wrapped
