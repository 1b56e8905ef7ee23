"""Reads of the creators app for the portal and the console: submission tasks, the creator's own content, the
follower figure the rules read, the business assistant's window statistics, and the creator's
星图小助手 messages."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cache

from django.db import connection
from django.db.models import (
    BooleanField,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Sum,
    Window,
)
from django.db.models.expressions import RawSQL
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from lib.errors import ApplicationError
from lib.instances import column_count, columns, instances
from lib.periods import day_slices, local, local_date
from lib.perms import granted_params, granted_sql
from lib.sql import column, distinct_values, execute_prepared, table

from .models import (
    AssistantMessage,
    AuditLog,
    Content,
    Creator,
    FansDaily,
    IngestToken,
    Order,
    SubmissionEntry,
    SubmissionTask,
)


def _open_at(at: datetime) -> Q:
    """A task is open on ``[opens_at, closes_at)``; a missing date leaves that side unbounded."""
    return (Q(opens_at__isnull=True) | Q(opens_at__lte=at)) & (Q(closes_at__isnull=True) | Q(closes_at__gt=at))


def tasks_open(*, at: datetime, creator: Creator | None = None) -> QuerySet[SubmissionTask]:
    """Tasks open at ``at``, closing soonest first. With ``creator``, each is annotated ``joined``."""
    tasks = SubmissionTask.objects.filter(_open_at(at))
    if creator is not None:
        tasks = tasks.annotate(joined=Exists(SubmissionEntry.objects.filter(creator=creator, task=OuterRef("pk"))))
    return tasks.order_by("closes_at", "code")


def task_get(*, code: str) -> SubmissionTask:
    """Any task by code — closed ones too, so a creator can follow the settlement of their entries."""
    return get_object_or_404(SubmissionTask, code=code)


def task_is_open(*, task: SubmissionTask, at: datetime) -> bool:
    return (task.opens_at is None or task.opens_at <= at) and (task.closes_at is None or at < task.closes_at)


def contents_of(*, creator: Creator) -> QuerySet[Content]:
    """The creator's own content, newest first."""
    return Content.objects.filter(creator=creator).order_by("-published_at", "-pk")


# --- Which content may enter a task (docs/program.md §3, submission entries) ---------------------------


def _stamp(at: datetime) -> str:
    return local(at).strftime("%Y-%m-%d %H:%M")


def entry_conditions(*, creator: Creator, task: SubmissionTask) -> list[tuple[Q, ApplicationError]]:
    """The rule for an entry joined in the portal, one condition on ``Content`` each, with the refusal
    when an item fails it: the creator's own item, published inside the task's window
    ``[entries_from, closes_at)`` and, when the task names a kind, of that kind. The picker lists the
    items that meet them all (``contents_to_submit``); the write path refuses an item by the first one
    it fails (``entry_refusal``) — one rule for both."""
    conditions = [(Q(creator=creator), ApplicationError(_("只能提交你自己的作品。"), code="not_own_content"))]
    start = task.entries_from
    if start is not None:
        refusal = _("只能提交任务开放后（%(start)s 起）发布的作品，这个作品发布得更早。") % {"start": _stamp(start)}
        conditions.append((Q(published_at__gte=start), ApplicationError(refusal, code="published_before_task")))
    if task.closes_at is not None:
        refusal = _("只能提交任务截止前（%(end)s 前）发布的作品。") % {"end": _stamp(task.closes_at)}
        conditions.append((Q(published_at__lt=task.closes_at), ApplicationError(refusal, code="published_after_task")))
    if task.content_kind:
        refusal = _("该任务只接受%(kind)s作品。") % {"kind": task.get_content_kind_display()}
        conditions.append((Q(kind=task.content_kind), ApplicationError(refusal, code="wrong_kind")))
    return conditions


def entry_refusal(*, creator: Creator, task: SubmissionTask, content: Content) -> ApplicationError | None:
    """Why ``content`` may not enter ``task`` for ``creator`` (the first condition it fails), or None.
    One query: each condition is read as a flag on the item's row."""
    conditions = entry_conditions(creator=creator, task=task)
    flags = {
        f"ok{i}": ExpressionWrapper(condition, output_field=BooleanField())
        for i, (condition, _r) in enumerate(conditions)
    }
    met = Content.objects.filter(pk=content.pk).annotate(**flags).values_list(*flags).first()
    for ok, (_condition, refusal) in zip(met or (False,) * len(conditions), conditions, strict=True):
        if not ok:
            return refusal
    return None


def contents_to_submit(*, creator: Creator, task: SubmissionTask, limit: int = 50) -> list[Content]:
    """The creator's latest items that may enter ``task`` (``entry_conditions``) and are not entered in it
    yet, for the join form. One query."""
    entered = SubmissionEntry.objects.filter(creator=creator, task=task).filter(
        Q(content=OuterRef("pk")) | Q(content_ref=OuterRef("external_id"))
    )
    eligible = Content.objects.filter(
        *(condition for condition, _refusal in entry_conditions(creator=creator, task=task))
    )
    return list(eligible.exclude(Exists(entered)).order_by("-published_at", "-pk")[:limit])


def fans_at(*, creator: Creator, at: datetime) -> int:
    """The follower count the rules read at ``at`` (docs/program.md §1 ``fans``): the latest daily figure
    dated on or before the day of ``at``, else the creator's current ``fans``. One query."""
    latest = FansDaily.objects.filter(creator=creator, date__lte=local_date(at)).order_by("-date")
    value = latest.values_list("fans", flat=True).first()
    return creator.fans if value is None else value


@dataclass(frozen=True)
class Span:
    """A slice of the window for the assistant's chart: the items published in ``[start, end)``, which
    lies within the local days ``first``–``last`` (no two spans share a day)."""

    start: datetime
    end: datetime
    first: date
    last: date
    posts: int
    plays: int


@dataclass(frozen=True)
class WindowStats:
    """The business assistant's figures over ``[start, end)``."""

    start: datetime
    end: datetime
    posts: int
    plays: int
    likes: int
    orders: int
    spans: tuple[Span, ...]

    @property
    def avg_plays(self) -> int:
        return self.plays // self.posts if self.posts else 0


def stats_window(*, creator: Creator, at: datetime, days: int, spans: int = 5) -> WindowStats:
    """Posts, effective plays and likes of the items published in ``[at − days, at)``, the same per
    slice of ``spans`` slices of whole local days (``lib.periods.day_slices``: contiguous, no day in two
    slices), and orders completed in it — mass and mini-game kinds excluded, as the rules count them
    (docs/program.md §1). Two aggregate queries."""
    start = at - timedelta(days=days)
    slices = day_slices(start, at, spans)
    published = Q(published_at__gte=start, published_at__lt=at)
    per_span = {}
    for i, piece in enumerate(slices):
        in_span = Q(published_at__gte=piece.start, published_at__lt=piece.end)
        per_span[f"n{i}"] = Count("pk", filter=in_span)
        per_span[f"p{i}"] = Sum("effective_plays", filter=in_span)
    totals = Content.objects.filter(published, creator=creator).aggregate(
        posts=Count("pk"), plays=Sum("effective_plays"), likes=Sum("likes"), **per_span
    )
    orders = Order.objects.filter(Order.COUNTED, creator=creator, completed_at__gte=start, completed_at__lt=at).count()
    return WindowStats(
        start=start,
        end=at,
        posts=totals["posts"],
        plays=totals["plays"] or 0,
        likes=totals["likes"] or 0,
        orders=orders,
        spans=tuple(
            Span(p.start, p.end, p.first, p.last, posts=totals[f"n{i}"], plays=totals[f"p{i}"] or 0)
            for i, p in enumerate(slices)
        ),
    )


# --- 星图小助手 messages ---------------------------------------------------------------------------------


@cache
def _latest_unread_sql() -> str:
    """``latest_unread``'s read when the count is known, written once per process (首页 reads it on every
    view; the ORM took longer to build it than PostgreSQL to answer)."""
    m = AssistantMessage
    return (
        f"SELECT * FROM {table(m)} WHERE {column(m, 'creator')} = %s AND {column(m, 'read_at')} IS NULL"
        f" ORDER BY {column(m, 'created_at')} DESC, {column(m, 'id')} DESC LIMIT %s"
    )


def latest_unread(*, creator: Creator, n: int = 3) -> tuple[list[AssistantMessage], int]:
    """The ``n`` latest unread messages and how many are unread, in one query at most: the count read with
    the creator (``with_unread_count``; none unread, nothing to read), else a window over every unread
    row, taken before the limit."""
    counted = getattr(creator, "unread_messages", None)
    if counted == 0:
        return [], 0
    if counted is not None:
        return messages_named(AssistantMessage.objects.raw(_latest_unread_sql(), [creator.pk, n])), counted
    unread = AssistantMessage.objects.filter(creator=creator, read_at__isnull=True).order_by("-created_at", "-id")
    rows = messages_named(unread.annotate(unread_total=Window(Count("pk")))[:n])
    return rows, rows[0].unread_total if rows else 0


def messages_named(messages: Iterable[AssistantMessage]) -> list[AssistantMessage]:
    """``messages`` with the tasks they name loaded in one query, so that each reads the task's current
    title in the reader's language (``creators.messages.with_names``)."""
    rows = list(messages)
    codes = {m.params["code"] for m in rows if isinstance(m.params, dict) and m.params.get("code")}
    if codes:
        tasks = {t.code: t for t in SubmissionTask.objects.filter(code__in=codes).only("code", "title", "title_en")}
        for message in rows:
            message.tasks = tasks
    return rows


def messages_of(*, creator: Creator):
    return AssistantMessage.objects.filter(creator=creator).order_by("-created_at", "-id")


def unread_count(*, creator: Creator) -> int:
    return AssistantMessage.objects.filter(creator=creator, read_at__isnull=True).count()


@cache
def _unread_sql() -> str:
    """``unread_count``'s COUNT as a correlated subquery of a query on creators, written once per process
    from the models' tables (the ORM took as long to build the subquery as a query of its own to run)."""
    m, c = AssistantMessage, Creator
    return (
        f"SELECT COUNT(*) FROM {table(m)} m WHERE m.{column(m, 'creator')} = {table(c)}.{column(c, 'id')}"
        f" AND m.{column(m, 'read_at')} IS NULL"
    )


# Who may look at creators not their own: the console's pages, and the navigation's link to them.
VIEW_CREATORS = "creators.view_creator"


@cache
def _page_creator_sql(also: tuple[str, ...]) -> str:
    c = table(Creator)
    extra = "".join(f", ({sql})" for sql in also)
    return (
        f"SELECT {columns(Creator, c)}, ({_unread_sql()}), {granted_sql()}{extra}"
        f" FROM {c} WHERE {c}.{column(Creator, 'user')} = %s"
    )


def page_creator(user, **also: str) -> Creator | None:
    """The creator of signed-in ``user`` for a page that only reads, with what its header shows:
    ``unread_messages`` (what ``unread_count`` counts) and ``console_view`` (whether ``user`` was given
    ``VIEW_CREATORS``: the 运营后台 link; ``lib.perms.holds(..., granted=)`` adds the superuser and inactive
    rules), and each of ``also`` (attribute → an SQL expression over the creator's row), read in the same
    statement. One query written once per process: the ORM took longer to build it than to run it."""
    with connection.cursor() as cursor:  # planned once per connection: the fingerprint's planning is most of it
        execute_prepared(
            cursor, _page_creator_sql(tuple(also.values())), [*granted_params(user, VIEW_CREATORS), user.pk]
        )
        row = cursor.fetchone()
    if row is None:
        return None
    n = column_count(Creator)
    (creator,) = instances(row[:n], Creator)
    creator.unread_messages, creator.console_view = row[n], bool(row[n + 1])
    for name, value in zip(also, row[n + 2 :], strict=True):
        setattr(creator, name, value)
    return creator


def latest_params_since(
    *, creator_ids: list[int], template: str, since: datetime, until: datetime
) -> dict[int, dict | None]:
    """Per creator, the parameters of their latest message of ``template`` dated in ``[since, until]``
    (creators without one are absent). One query; a job reads it to decide whether to say it again."""
    if not creator_ids:
        return {}
    rows = (
        AssistantMessage.objects.filter(
            creator_id__in=creator_ids, template=template, created_at__gte=since, created_at__lte=until
        )
        .order_by("creator_id", "created_at", "id")
        .values_list("creator_id", "params")
    )
    return dict(rows.iterator())  # ascending, so each creator's latest wins


# --- Audit trail and ingest tokens (the operator console) ------------------------------------------


def audit_rows(
    *,
    actor: str = "",
    action: str = "",
    creator: str = "",
    since: datetime | None = None,
    until: datetime | None = None,
) -> QuerySet[AuditLog]:
    """Audit rows, newest first, filtered by the actor's username, the action (exact, or every action
    under a prefix ending in a dot: ``card.``), the creator's external id and ``[since, until)``."""
    rows = AuditLog.objects.select_related("actor", "creator").order_by("-at", "-id")
    if actor:
        rows = rows.filter(actor__username=actor)
    if action:
        rows = rows.filter(action__startswith=action) if action.endswith(".") else rows.filter(action=action)
    if creator:
        rows = rows.filter(creator__external_id=creator)
    if since is not None:
        rows = rows.filter(at__gte=since)
    if until is not None:
        rows = rows.filter(at__lt=until)
    return rows


def tokens_all() -> QuerySet[IngestToken]:
    """Every ingest token, live ones first, newest first."""
    return IngestToken.objects.select_related("created_by").order_by(
        F("revoked_at").desc(nulls_first=True), "-created_at", "-id"
    )


# --- the operator console ------------------------------------------------------------------------------


def _has_industry(industry: str) -> Q:
    """``industries`` (a JSON list) holds ``industry``. PostgreSQL tests JSON containment; SQLite has no
    containment lookup, so there the list's elements are read with ``json_each``."""
    if connection.vendor == "postgresql":
        return Q(industries__contains=[industry])
    column = f"{connection.ops.quote_name(Creator._meta.db_table)}.{connection.ops.quote_name('industries')}"
    exists = RawSQL(f"EXISTS (SELECT 1 FROM json_each({column}) WHERE json_each.value = %s)", [industry])
    return Q(ExpressionWrapper(exists, output_field=BooleanField()))


def creators_search(*, q: str = "", region: str = "", industry: str = "") -> QuerySet[Creator]:
    """Creators whose external id or nickname contains ``q``, in ``region``, working in ``industry``
    (blank: any), in the order they joined the platform's data."""
    creators = Creator.objects.all()
    if q:
        creators = creators.filter(Q(external_id__icontains=q) | Q(nickname__icontains=q))
    if region:
        creators = creators.filter(region=region)
    if industry:
        creators = creators.filter(_has_industry(industry))
    return creators.order_by("pk")


def regions() -> list[str]:
    """The regions creators name, in order, for a filter's choices. One query seeking each next region in
    the region index (``lib.sql.distinct_values``), not reading every creator."""
    return distinct_values(Creator, "region")


def creator_get(*, external_id: str) -> Creator:
    """One creator by platform id (404 for an unknown id)."""
    return get_object_or_404(Creator, external_id=external_id)


def audit_of(*, creator: Creator) -> QuerySet[AuditLog]:
    """Audit rows about ``creator``, newest first, with their actor."""
    return AuditLog.objects.filter(creator=creator).select_related("actor").order_by("-at", "-id")


def creator_ids_by_external_id(*, external_ids: list[str]) -> dict[str, int]:
    """Primary keys of the creators with these platform ids (unknown ids are simply absent). One query."""
    return dict(Creator.objects.filter(external_id__in=external_ids).values_list("external_id", "pk"))
