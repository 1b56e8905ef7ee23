"""The ``Permissions-Policy`` header: the browser features settings.PERMISSIONS_POLICY lists, each with the
origins that may use it (an empty list: nobody, the page itself included)."""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

HEADER = "Permissions-Policy"


def header_value(policy: dict[str, list[str]]) -> str:
    """``{"camera": [], "fullscreen": ["self", "https://a.example"], "sync-xhr": ["*"]}`` →
    ``camera=(), fullscreen=(self "https://a.example"), sync-xhr=*``: ``self`` as it is, an origin quoted."""

    def allowlist(origins: list[str]) -> str:
        if origins == ["*"]:
            return "*"
        return "(" + " ".join(o if o == "self" else f'"{o}"' for o in origins) + ")"

    return ", ".join(f"{feature}={allowlist(origins)}" for feature, origins in policy.items())


class PermissionsPolicyMiddleware:
    """Adds the header to every response that has none yet (a view may set its own)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.value = header_value(settings.PERMISSIONS_POLICY)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if self.value:
            response.headers.setdefault(HEADER, self.value)
        return response
