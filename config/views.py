"""Project-level views: sign-in, the sign-in lockout page and the liveness probe."""

import os

from django.conf import settings
from django.contrib.auth.views import LoginView
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from console import permissions as console_permissions


class SignInView(LoginView):
    """Django's sign-in, landing operators on the console, advertisers (the ``clients`` group) on the
    creator square and everyone else on the creator home (an explicit ``?next=`` still wins)."""

    def get_default_redirect_url(self) -> str:
        user = self.request.user
        if user.has_perm(console_permissions.VIEW):
            return reverse("console:dashboard")
        if user.groups.filter(name=settings.CLIENTS_GROUP).exists():
            return reverse("square")
        return super().get_default_redirect_url()


def signin_locked(request: HttpRequest, original_response=None, credentials=None) -> HttpResponse:
    """What django-axes answers (``AXES_LOCKOUT_CALLABLE``) to a sign-in, on the portal or the admin,
    from a username and IP address that failed too often: 429 with the page that says why and until
    when, whatever the password was."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    admin = request.path.startswith(reverse("admin:index"))
    context = {"minutes": minutes, "login_url": reverse("admin:login") if admin else reverse("login")}
    return render(request, "registration/locked.html", context, status=settings.AXES_HTTP_RESPONSE_CODE)


def _database_status() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any driver error means "down"; the text goes to the operator
        return f"error: {exc.__class__.__name__}: {exc}".strip()
    return "ok"


def _broker_status() -> str:
    """The broker as /healthz reports it: `ok` when Redis answers a ping within a second,
    `filesystem` when the broker-less transport's queue folder is writable (the default run),
    otherwise `error: ...`."""
    if settings.REDIS_URL:
        import redis

        try:
            redis.Redis.from_url(settings.REDIS_URL, socket_timeout=1, socket_connect_timeout=1).ping()
        except Exception as exc:
            return f"error: {exc.__class__.__name__}: {exc}"
        return "ok"
    queue = settings.CELERY_BROKER_TRANSPORT_OPTIONS["data_folder_in"]
    if os.path.isdir(queue) and os.access(queue, os.W_OK):
        return "filesystem"
    return f"error: queue folder {queue} is not writable"


def _state(status: str) -> str:
    """The part of a status anyone may see: ``ok``, ``filesystem`` (the broker-less default run) or
    ``down``; the error text (hosts, ports, driver messages) is for operators only."""
    return status if status in ("ok", "filesystem") else "down"


def _may_see_details(request: HttpRequest) -> bool:
    user = request.user
    return user.is_authenticated and (user.is_staff or user.has_perm(console_permissions.VIEW))


@never_cache
@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness for load balancers and `make run`: 503 only when the database is unreachable, since
    pages still render without a broker (jobs wait). Anonymous callers get states only; staff and
    console users also get each error's text under ``detail``."""
    database, broker = _database_status(), _broker_status()
    body = {"status": "ok" if database == "ok" else "error", "database": _state(database), "broker": _state(broker)}
    if _may_see_details(request):
        body["detail"] = {"database": database, "broker": broker}
    return JsonResponse(body, status=200 if database == "ok" else 503)
