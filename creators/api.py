"""The machine-to-machine API: ``POST /api/v1/ingest`` (docs/interfaces.md §1)."""

from django.conf import settings
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from .ingest import ingest_lines
from .models import IngestToken

TRUE_VALUES = {"1", "true", "yes", "on"}
EMPTY_BODY = "the body is empty: send JSON Lines, one object per line"
MIB = 1024 * 1024


def _too_large(limit: int) -> JsonResponse:
    reason = (
        f"the body is larger than {limit} bytes (INGEST_MAX_BODY_MB={settings.INGEST_MAX_BODY_MB}): split the feed "
        "into several requests, or load it with manage.py ingest"
    )
    return JsonResponse({"error": reason, "max_bytes": limit}, status=413)


# The only csrf_exempt view in the project, on purpose: its callers are integrations, not browsers with
# a session, so there is no cookie for CSRF to protect. The bearer token below is what guards it.
@csrf_exempt
@require_POST
def ingest(request: HttpRequest) -> JsonResponse:
    """Load a JSON Lines body with the same rules as ``manage.py ingest``.

    200 with the summary; 400 with the summary and the first 100 rejects when the file was refused
    (all or nothing), or with an ``error`` when the body holds no line. ``?skip_invalid=1`` stores the
    valid lines and answers 200 with the rejects. 413 when the body is declared larger than
    ``INGEST_MAX_BODY_MB``, before any of it is read. The body is read line by line from the request
    stream, never whole.
    """
    token = _authenticated_token(request)
    if token is None:
        response = JsonResponse({"error": "a valid token is required: Authorization: Bearer <token>"}, status=401)
        response["WWW-Authenticate"] = "Bearer"
        return response
    IngestToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())

    # Django reads a body only up to its declared Content-Length (none declared: nothing is read), so a
    # declared length over the limit is refused here, before a byte of the body is read.
    limit = settings.INGEST_MAX_BODY_MB * MIB
    if _declared_length(request) > limit:
        return _too_large(limit)
    skip_invalid = request.GET.get("skip_invalid", "").lower() in TRUE_VALUES
    result = ingest_lines(request, skip_invalid=skip_invalid)
    body = result.summary()
    if result.empty:
        # Nothing to load is not a success: most likely the integration sent the wrong body.
        body["error"] = EMPTY_BODY
        return JsonResponse(body, status=400)
    if result.rejected:
        body["rejects"] = [{"line": reject.line, "reason": reject.reason} for reject in result.rejects_sample]
    return JsonResponse(body, status=200 if result.stored else 400, json_dumps_params={"ensure_ascii": False})


def _declared_length(request: HttpRequest) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0


def _authenticated_token(request: HttpRequest) -> IngestToken | None:
    """The live (not revoked) token named by the Authorization header, or None."""
    scheme, _, raw = request.headers.get("Authorization", "").partition(" ")
    raw = raw.strip()
    if scheme.lower() != "bearer" or not raw:
        return None
    return IngestToken.objects.matching(raw).first()
