"""Who may use the console (interfaces §4.1): anonymous users go to the login page; signed-in users
without the console's view permission get 403; each action also checks its own permission
(``console.permissions``), so a view-only operator sees every page but can change nothing."""

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django_htmx.middleware import HtmxDetails

from lib import kept

from . import permissions
from .backends import permissions_load


class ConsoleRequest(HttpRequest):
    htmx: HtmxDetails


def _forbidden(request: HttpRequest) -> HttpResponse:
    return render(request, "console/forbidden.html", status=403)


def permission_required(permission: str, *, reading: Callable[[], tuple[str, list]] | None = None) -> Callable:
    """Signed in (else the login page) and holding ``permission`` (else 403). ``reading``: an SQL expression
    and its parameters read with the user's permissions (``console.backends.permissions_load``), its
    value at ``request.read_with_permissions`` (a kept page's fingerprint, ``lib.kept``)."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @login_required
        @wraps(view)
        def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if reading is not None and kept.supported():  # a fingerprint is read where pages are kept
                request.read_with_permissions = permissions_load(request.user, *reading())
            if not request.user.has_perm(permission):
                return _forbidden(request)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


console_required = permission_required(permissions.VIEW)


def abilities(user) -> dict[str, bool]:
    """What the templates may offer this user: ``can.issue_cards`` and so on (one permission query,
    cached on the user by Django)."""
    return {name: user.has_perm(permission) for name, permission in permissions.ACTIONS.items()}
