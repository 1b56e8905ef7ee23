"""The client's IP address as the sign-in throttle (django-axes) sees it.

Behind ``TRUSTED_PROXY_COUNT`` reverse proxies, each of which appends the address it received the request
from to ``X-Forwarded-For``, the client is the entry that many places from the right: that entry was
written by our own outermost proxy. Entries further left were sent by the client and could be anything,
so they are never used. Without trusted proxies (the default) the socket's address is the client."""

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str | None:
    count = settings.TRUSTED_PROXY_COUNT
    remote = request.META.get("REMOTE_ADDR") or None
    if count <= 0:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    if len(forwarded) < count:
        # The request did not come through every trusted proxy (a direct hit on the web host): the
        # socket's address is the only one we know.
        return remote
    return forwarded[-count]
