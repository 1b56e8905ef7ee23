"""Caching headers every response needs (docs/interfaces.md §4).

* ``HtmxVaryMiddleware`` stands in for django-htmx's middleware: ``request.htmx`` is the same object, but
  it notes each ``HX-*`` header a view (or its template) read. A view that answers a fragment to an HTMX
  request and the whole page otherwise reads ``HX-Request`` on both paths, so both answers say
  ``Vary: HX-Request`` (and ``HX-Target`` and so on when it looked at those): a cache in between, or the
  browser's own, then never serves the fragment for the page or the page for the fragment.
* ``PrivateCacheMiddleware`` marks every answer to a signed-in user ``Cache-Control: private, no-store``:
  those pages show one person's data and must not outlive the visit in a shared or on-disk cache.
"""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control, patch_vary_headers
from django_htmx.middleware import HtmxDetails


class TrackedHtmxDetails(HtmxDetails):
    def __init__(self, request: HttpRequest) -> None:
        super().__init__(request)
        self.headers_read: set[str] = set()

    def _get_header_value(self, name: str) -> str | None:
        self.headers_read.add(name)
        return super()._get_header_value(name)


class HtmxVaryMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        details = TrackedHtmxDetails(request)
        request.htmx = details
        response = self.get_response(request)
        if details.headers_read:
            patch_vary_headers(response, sorted(details.headers_read))
        return response


class PrivateCacheMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            patch_cache_control(response, private=True, no_store=True)
        return response
