"""Ingest tokens for integrations (docs/interfaces.md §1): created and revoked by operators in the console,
the admin or ``manage.py ingest_token``, all through these two services, each writing one audit row."""

from datetime import datetime

from django.utils.translation import gettext as _

from lib.errors import ApplicationError

from .models import IngestToken
from .services import audit_action, audit_target


def token_create(*, name: str, actor, request_id: str | None) -> tuple[IngestToken, str]:
    """A new token named ``name``; returns it with its raw value, which exists only in this return value
    (the database keeps its SHA-256). A second call with the same ``request_id`` creates nothing and
    raises ``ApplicationError(code="duplicate_request")``."""
    name = name.strip()
    if not name:
        raise ApplicationError(_("请填写令牌名称。"), code="name_required")
    with audit_action(actor=actor, action="token.create", request_id=request_id) as row:
        token = IngestToken(name=name, created_by=actor)
        raw = token.set_new_token()
        token.save()
        audit_target(row, token)
        row.after = {"name": token.name, "prefix": token.prefix}
    return token, raw


def token_revoke(*, token_id: int, actor, request_id: str | None, at: datetime) -> IngestToken:
    """Revoke the token: ``POST /api/v1/ingest`` refuses it from ``at`` on. A token already revoked
    (or unknown) is refused with a reason and nothing is written."""
    with audit_action(actor=actor, action="token.revoke", request_id=request_id) as row:
        token = IngestToken.objects.select_for_update().filter(pk=token_id).first()
        if token is None:
            raise ApplicationError(_("没有这个令牌。"), code="not_found")
        if token.revoked_at is not None:
            raise ApplicationError(_("这个令牌已经吊销过了。"), code="already_revoked")
        token.revoked_at = at
        token.save(update_fields=["revoked_at"])
        audit_target(row, token)
        row.before, row.after = {"revoked_at": None}, {"revoked_at": at}
    return token
