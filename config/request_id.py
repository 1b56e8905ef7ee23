"""The request's trace id: taken from a sane incoming ``X-Request-ID`` (a proxy's, a caller's) or made up,
kept on ``request.trace_id`` and in ``lib.logs.trace_id_var`` for the log records of the request, and
returned in the answer's ``X-Request-ID``. Not the console forms' ``request_id`` idempotency key."""

from django.http import HttpRequest, HttpResponse

from lib.logs import trace_id_clean, trace_id_var

HEADER = "X-Request-ID"


class TraceIdMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.trace_id = trace_id_clean(request.headers.get(HEADER))
        token = trace_id_var.set(request.trace_id)
        try:
            response = self.get_response(request)
        finally:
            trace_id_var.reset(token)
        response[HEADER] = request.trace_id
        return response
