import uuid
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from datetime import datetime
from decimal import Decimal

from django.db import IntegrityError, connection, transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from lib.errors import ApplicationError
from lib.periods import at_local, local_date
from lib.sql import insert_for_each

from . import selectors
from .ingest.writing import upsert_rows
from .messages import TEXTS, Link, Params
from .models import (
    AssistantMessage,
    AuditLog,
    Content,
    Creator,
    PortalEvent,
    Quote,
    SubmissionEntry,
    SubmissionTask,
)


def messages_send_for_each(
    *,
    creators: QuerySet,
    text: str,
    params: Params | None = None,
    each: Iterable[tuple[int, Params]] | None = None,
    link: Link | None = None,
    at: datetime,
    dedupe_key: str,
) -> None:
    """Send the message ``text`` (a key of ``creators.messages.TEXTS``) to every creator in
    ``creators`` (a queryset of one column, ``creator_id``), in a fixed number of statements.

    ``params`` are the parameters every recipient shares. When they differ, ``each`` gives
    ``(creator_id, params)`` rows, merged over ``params``: one message per row (a creator may get
    several), for the creators of ``creators`` only. ``dedupe_key`` is a template: ``{id}`` is the
    creator id and ``{name}`` the parameter ``name`` (without ``each`` it must hold ``{id}``, one key
    per creator); a key sent before is dropped silently, so a job that runs again sends nothing twice.
    ``link`` arguments may name parameters the same way; no ``link``, no link."""
    if text not in TEXTS:
        raise ValueError(f"unknown message text {text!r}")
    shared = dict(params or {})
    link = link or Link("")
    if each is None:
        _send_shared(creators=creators, text=text, params=shared, link=link, at=at, dedupe_key=dedupe_key)
        return
    recipients = set(Creator.objects.filter(pk__in=creators).values_list("pk", flat=True))
    kind = TEXTS[text].kind
    rows = []
    for creator_id, own in each:
        if creator_id not in recipients:
            continue
        merged = {**shared, **own}
        key = dedupe_key.format(id=creator_id, **merged)
        rows.append((creator_id, kind, text, merged, link.name, link.resolve_args(merged), link.anchor, at, key))
    # Plain tuples in one statement: model instances and Django's per-value SQL compiler cost several
    # times the insert itself (bench/README.md, "Monthly assessment").
    upsert_rows(AssistantMessage, EACH_FIELDS, rows, unique_fields=["dedupe_key"])


# The columns of a message sent with ``each``; the others take their defaults (no title, body or free link).
EACH_FIELDS = ["creator_id", "kind", "template", "params", "url_name", "url_args", "url_anchor", "created_at",
               "dedupe_key"]  # fmt: skip


def _message(
    *, creator_id: int, text: str, params: Params, link: Link, at: datetime, dedupe_key: str
) -> AssistantMessage:
    return AssistantMessage(
        creator_id=creator_id,
        kind=TEXTS[text].kind,
        template=text,
        params=params,
        url_name=link.name,
        url_args=link.resolve_args(params),
        url_anchor=link.anchor,
        created_at=at,
        dedupe_key=dedupe_key,
    )


def _send_shared(*, creators: QuerySet, text: str, params: Params, link: Link, at: datetime, dedupe_key: str) -> None:
    """One INSERT … SELECT over ``creators``: the same row for each, but for its creator and key."""
    row = _message(creator_id=0, text=text, params=params, link=link, at=at, dedupe_key="")
    columns = ["kind", "template", "params", "title", "body", "link", "url_name", "url_args", "url_anchor",
               "created_at", "dedupe_key"]  # fmt: skip
    # Each value as the field itself would write it (JSON adapted for the database in use).
    values = [AssistantMessage._meta.get_field(c).get_db_prep_save(getattr(row, c), connection) for c in columns]
    key = dedupe_key.replace("{id}", "{{id}}").format(**params)  # {id} is left for the SQL to fill
    insert_for_each(
        table=AssistantMessage._meta.db_table, columns=columns, values=values, ids=creators, key_template=key
    )


def messages_mark_read(*, creator: Creator, message_ids: list[int] | None = None, at: datetime) -> int:
    """Mark the creator's unread messages (all, or those ids) read; another creator's ids match nothing."""
    unread = AssistantMessage.objects.filter(creator=creator, read_at__isnull=True)
    if message_ids is not None:
        unread = unread.filter(pk__in=message_ids)
    return unread.update(read_at=at)


# --- Audit trail ---------------------------------------------------------------------------------

# The ApplicationError code of a form posted again: the first post acted, this one does nothing.
DUPLICATE_REQUEST = "duplicate_request"


def audit_record(
    *,
    actor,
    action: str,
    target=None,
    creator_id: int | None = None,
    reason: str = "",
    before: dict | None = None,
    after: dict | None = None,
    detail: dict | None = None,
    request_id: str | None = None,
) -> AuditLog:
    """Append one audit row: who (``actor``, a user or None for the system) did ``action`` to
    ``target`` (a model instance), about which creator, why, and the object before and after."""
    return AuditLog.objects.create(
        actor=actor,
        action=action,
        target_type=target._meta.label if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        creator_id=creator_id,
        reason=reason[:300],
        before=before,
        after=after,
        detail=detail or {},
        request_id=request_id or None,
    )


@contextmanager
def audit_action(*, actor, action: str, reason: str = "", request_id: str | None = None) -> Iterator[AuditLog]:
    """Run one operator action and its one audit row in one transaction.

    The row is inserted first, keyed by the form's ``request_id``: a second post of the same form (a
    double click, a retry, a concurrent tab) finds the key taken — or waits for the first post and then
    finds it — and raises ``ApplicationError(code=DUPLICATE_REQUEST)`` before anything is written.
    The action fills in the yielded row (target, creator, before/after); it is saved at the end."""
    with transaction.atomic():
        try:
            with transaction.atomic():
                row = audit_record(actor=actor, action=action, reason=reason, request_id=request_id)
        except IntegrityError:
            raise ApplicationError(_("这次提交已经处理过了。"), code=DUPLICATE_REQUEST) from None
        yield row
        row.save()


def audit_target(row: AuditLog, target, *, creator_id: int | None = None) -> None:
    """Name the object (and its creator) an ``audit_action`` acted on."""
    row.target_type, row.target_id = target._meta.label, str(target.pk)
    if creator_id is not None:
        row.creator_id = creator_id


# --- Portal events -------------------------------------------------------------------------------


def event_record(*, creator: Creator, name: str, at: datetime) -> bool:
    """Record that ``creator`` did ``name`` (a ``PortalEvent.Name``) at ``at``; True if a row was written.

    The rules only ask whether it happened before an instant (docs/program.md §1), so one event per creator,
    name and local day is enough: a visit is skipped when one at or before ``at`` is already stored for
    that day (one query), and an identical instant is ignored by the unique constraint."""
    if name not in PortalEvent.Name.values:
        raise ValueError(f"unknown portal event {name!r}")
    day_start = at_local(local_date(at))
    if PortalEvent.objects.filter(creator=creator, name=name, at__gte=day_start, at__lte=at).exists():
        return False
    created = PortalEvent.objects.bulk_create([PortalEvent(creator=creator, name=name, at=at)], ignore_conflicts=True)
    return bool(created)


# --- Submission tasks ----------------------------------------------------------------------------

# Entries made in the portal get an id derived from (task, content): the unique external_id then
# refuses a second entry of the same item in the same task even when two requests race.
_ENTRY_NAMESPACE = uuid.UUID("6f1c2a8e-4b7d-5e90-a1c3-9d2e7f40b815")


def _entry_external_id(task: SubmissionTask, content: Content) -> str:
    return f"portal-{uuid.uuid5(_ENTRY_NAMESPACE, f'{task.pk}:{content.pk}')}"


def task_join(*, creator: Creator, task: SubmissionTask, content: Content, at: datetime) -> SubmissionEntry:
    """Enter one of the creator's own items in an open submission task (投稿).

    Refuses (``ApplicationError``) a task that is not open at ``at``, an item the task does not take
    (``selectors.entry_refusal``: another creator's, published outside the task's window, of another
    kind — docs/program.md §3) and an item already entered in this task. A guarantee card is attached
    one level up, by ``benefits.services.cards.task_join_with_card`` (creators never imports benefits),
    so it can only ride on an entry this function accepted."""
    if not selectors.task_is_open(task=task, at=at):
        raise ApplicationError(_("该任务当前不在投稿时间内。"), code="task_closed")
    if (refusal := selectors.entry_refusal(creator=creator, task=task, content=content)) is not None:
        raise refusal
    entered = SubmissionEntry.objects.filter(creator=creator, task=task)
    if entered.filter(content=content).exists() or entered.filter(content_ref=content.external_id).exists():
        raise ApplicationError(_("这个作品已经提交到该任务了。"), code="already_entered")
    try:
        with transaction.atomic():
            return SubmissionEntry.objects.create(
                external_id=_entry_external_id(task, content),
                creator=creator,
                task=task,
                submitted_at=at,
                content=content,
                content_ref=content.external_id,
            )
    except IntegrityError:  # the same item entered by a concurrent request
        raise ApplicationError(_("这个作品已经提交到该任务了。"), code="already_entered") from None


# --- Profile and settings ------------------------------------------------------------------------


def profile_update(
    *,
    creator: Creator,
    intro: str,
    region: str,
    industries: list[str],
    submission_enabled: bool,
    spread_enabled: bool,
    quotes: Mapping[str, Decimal],
    at: datetime,
) -> Creator:
    """Save the creator's profile, enabled task types and quotes.

    ``quotes`` is the creator's complete quote set after the edit (kind → yuan): kinds not in it are
    removed. Who may enable which task type and whether a quote is required depend on the rule set,
    which lives above this app; the portal's form checks them before calling this."""
    if any(amount is None or amount < 0 for amount in quotes.values()):
        raise ApplicationError(_("报价不能为负数。"), code="negative_quote")
    creator.intro = intro.strip()
    creator.region = region.strip()
    creator.industries = list(dict.fromkeys(i.strip() for i in industries if i and i.strip()))
    creator.submission_enabled = submission_enabled
    creator.spread_enabled = spread_enabled
    with transaction.atomic():
        creator.save(
            update_fields=["intro", "region", "industries", "submission_enabled", "spread_enabled", "updated_at"]
        )
        Quote.objects.filter(creator=creator).exclude(kind__in=list(quotes)).delete()
        for kind, amount in quotes.items():
            Quote.objects.update_or_create(creator=creator, kind=kind, defaults={"amount": amount})
    return creator
