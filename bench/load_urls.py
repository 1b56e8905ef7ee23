"""bench/load.py's URLconf: the product's routes plus ``/bench/floor``, the framework's floor — a signed-in
request through the whole middleware stack (session, user, CSRF, messages, HTMX) that does no page work
and renders no template."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.urls import path
from django.views.decorators.http import require_safe

from config.urls import urlpatterns as product

FLOOR_PATH = "/bench/floor"


@login_required
@require_safe
def floor(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [path(FLOOR_PATH.lstrip("/"), floor), *product]
