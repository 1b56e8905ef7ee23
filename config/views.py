"""Project-level views: sign-in and the liveness probe."""

import os

from django.conf import settings
from django.contrib.auth.views import LoginView
from django.db import connection
from django.http import HttpRequest, JsonResponse
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


@never_cache
@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness for load balancers and `make run`: 503 only when the database is unreachable, since
    pages still render without a broker (jobs wait)."""
    database = _database_status()
    body = {"status": "ok" if database == "ok" else "error", "database": database, "broker": _broker_status()}
    return JsonResponse(body, status=200 if database == "ok" else 503)
