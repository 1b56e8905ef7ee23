"""``/metrics``: the Prometheus exposition (django-prometheus' request metrics and ``levels.job_metrics``), for
the scraper only: a client whose address (``config.client_ip``, so behind ``TRUSTED_PROXY_COUNT`` proxies
the address our own proxy saw) is outside ``METRICS_ALLOWED_IPS`` gets 403 and no figure. Addresses or
networks (``10.0.0.0/8``); the default lets only the host itself (127.0.0.1, ::1) read them."""

import ipaddress
from functools import cache

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from django_prometheus.exports import ExportToDjangoView

from config.client_ip import client_ip

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@cache
def _networks(allowed: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(entry.strip(), strict=False) for entry in allowed if entry.strip())


def metrics_allowed(address: str | None) -> bool:
    try:
        ip = ipaddress.ip_address(address or "")
    except ValueError:
        return False
    return any(ip in network for network in _networks(tuple(settings.METRICS_ALLOWED_IPS)))


@never_cache
@require_safe
def metrics(request: HttpRequest) -> HttpResponse:
    if not metrics_allowed(client_ip(request)):
        return HttpResponseForbidden("metrics are not public\n", content_type="text/plain")
    return ExportToDjangoView(request)
