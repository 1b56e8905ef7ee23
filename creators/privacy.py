"""Personal-data rights (PIPL) at the ground floor: the pseudonym an erased creator keeps, the key that
recognises their platform id when the feed sends it again, and the erasure of what this app holds about
them. The whole erasure (every app's rows, the login, the audit row) is ``levels.erasure.creator_erase``;
what is removed and what is kept, field by field, is in docs/privacy.md."""

from collections.abc import Iterable
from datetime import datetime

from django.contrib.auth import get_user_model
from django.dispatch import Signal
from django.utils.crypto import salted_hmac

from .models import (
    AssistantMessage,
    Content,
    Creator,
    CreditDaily,
    FansDaily,
    PortalEvent,
    Quote,
    SubmissionEntry,
)

# What an erased creator is called wherever a ledger row still names them (stored: it is data, not UI text).
ERASED_NICKNAME = "已注销达人"
ERASED_ID_PREFIX = "erased-"

# The creator's fields that say who they are or that they wrote: an audit row names them when they change,
# never their values (``creators.admin_audit``).
PERSONAL_FIELDS = frozenset({"external_id", "nickname", "intro", "region", "industries", "erased_key"})
REDACTED = "<personal>"

# Sent inside the erasure's transaction with ``creator_id``: apps above ``levels`` (the square) drop their
# own copies of the creator's figures.
creator_erased = Signal()

# The rows of this app that are the creator's own activity, removed whole (not needed for accounting).
REMOVED = (Quote, Content, FansDaily, CreditDaily, PortalEvent, AssistantMessage)


def erasure_key(external_id: str) -> str:
    """A keyed hash (HMAC-SHA256 under ``SECRET_KEY``) of a platform id: it recognises the id again without
    storing it, and, unlike a plain hash, cannot be reversed by hashing every likely id."""
    return salted_hmac("creators.privacy.erasure_key", external_id, algorithm="sha256").hexdigest()


def erased_ids(external_ids: Iterable[str]) -> set[str]:
    """Those of ``external_ids`` that belonged to an erased creator. One indexed query, none at all while
    nobody has been erased."""
    ids = set(external_ids)
    if not ids or not Creator.everyone.filter(erased_key__isnull=False).exists():
        return set()
    keys = {erasure_key(external_id): external_id for external_id in ids}
    found = Creator.everyone.filter(erased_key__in=list(keys)).values_list("erased_key", flat=True)
    return {keys[key] for key in found}


def erased_reason(external_id: str) -> str:
    """The ingest's reject reason for a line about an erased creator (English, as every reject reason)."""
    return (
        f'creator "{external_id}" was erased at the person\'s request (personal-data law); '
        "the portal no longer takes data about them"
    )


def creator_rows_erase(*, creator: Creator, at: datetime) -> dict[str, int]:
    """Erase what this app holds about ``creator``: their activity rows go, submission entries stay (their
    cards and payouts are accounting) without the content they named, the profile becomes the pseudonym,
    the login is disabled and anonymised. Returns the rows removed per model. Call it inside a transaction
    (``levels.erasure.creator_erase`` does)."""
    removed = {}
    SubmissionEntry.objects.filter(creator=creator).update(content=None, content_ref="")
    for model in REMOVED:
        # One DELETE each, without loading the rows (a creator may have tens of thousands of items); nothing
        # else points at these rows once the entries no longer name the content.
        rows = model.objects.filter(creator=creator)
        removed[model._meta.model_name] = rows._raw_delete(rows.db)
    external_id = f"{ERASED_ID_PREFIX}{creator.pk}"
    Creator.everyone.filter(pk=creator.pk).update(
        external_id=external_id, erased_key=erasure_key(creator.external_id), erased_at=at, updated_at=at,
        nickname=ERASED_NICKNAME, intro="", region="", industries=[], fans=0, credit_score=0, douyin_bound=False,
        submission_enabled=False, spread_enabled=False, joined_at=None, user=None,
    )  # fmt: skip
    if creator.user_id is not None:
        _login_anonymise(creator.user_id)
    return removed


def _login_anonymise(user_id: int) -> None:
    """The creator's login can no longer sign in (an open session stops working: Django refuses inactive
    users) and says nothing about the person. The row stays: audit rows name it as their actor."""
    User = get_user_model()
    user = User.objects.get(pk=user_id)
    user.username = f"{ERASED_ID_PREFIX}user-{user.pk}"
    user.first_name = user.last_name = user.email = ""
    user.is_active = user.is_staff = user.is_superuser = False
    user.set_unusable_password()
    user.save()
    user.groups.clear()
    user.user_permissions.clear()
