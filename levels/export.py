"""A creator's copy of their personal data (PIPL right of access and portability; docs/privacy.md), as one
JSON document streamed piece by piece: the profile, then each kind of row the portal keeps about them.

The number of queries is fixed (one per section, messages one more per 1,000 for the tasks they name),
whatever the number of rows, and memory holds one database chunk at a time: each long section is read with
a server-side cursor (``iterator``) and written row by row. It lives in ``levels``, the highest floor of the
program's data (it reads creators, academy, benefits, insights and levels); the portal only sends it."""

import json
import re
from collections.abc import Iterable, Iterator
from datetime import datetime
from itertools import islice

from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Count, Sum
from django.db.models.functions import TruncMonth

from academy.models import CourseProgress, LessonView
from benefits.models import ClientRecommendation, DouPlusCredit, ExtraDispatch, FeaturedCase
from creators.models import (
    AssistantMessage,
    Content,
    Creator,
    CreditDaily,
    FansDaily,
    Order,
    PortalEvent,
    Quote,
    SubmissionEntry,
)
from creators.selectors import messages_named
from creators.services import audit_record
from insights.models import DailyIndex
from lib.periods import local

from .erasure import EXPORT_ACTION
from .selectors import creator_report

FORMAT = "xingtu-creator-export/1"
CHUNK = 1000  # rows fetched from the database at a time
_ENCODER = DjangoJSONEncoder(ensure_ascii=False)

PROFILE_FIELDS = ("external_id", "nickname", "fans", "credit_score", "douyin_bound", "intro", "region",
                  "industries", "submission_enabled", "spread_enabled", "joined_at", "created_at")  # fmt: skip


def export_filename(creator: Creator, at: datetime) -> str:
    """``xingtu-c-1001-20261130.json``: the platform id with anything but ``A-Z a-z 0-9 . _ -`` as ``_``."""
    safe = re.sub(r"[^A-Za-z0-9._-]", "_", creator.external_id)
    return f"xingtu-{safe}-{local(at):%Y%m%d}.json"


def creator_export_download(*, creator: Creator, actor, at: datetime) -> Iterator[bytes]:
    """Audit the export (``creator.export``: who asked, for which creator; no content) and return it."""
    audit_record(actor=actor, action=EXPORT_ACTION, target=creator, creator_id=creator.pk)
    return creator_export(creator=creator, at=at)


def creator_export(*, creator: Creator, at: datetime) -> Iterator[bytes]:
    """The creator's data as UTF-8 JSON, in pieces: ``{"format", "exported_at", "profile", "program", …}``.
    ``program`` is the creator report (docs/interfaces.md §3) without the operator's login; every other
    key is a list of rows."""
    yield _piece("{", "format", FORMAT, first=True)
    yield _piece("", "exported_at", local(at))
    yield _piece("", "profile", {name: _value(getattr(creator, name)) for name in PROFILE_FIELDS})
    yield _piece("", "program", _program(creator))
    for name, rows in _sections(creator):
        yield f', "{name}": ['.encode()
        for index, row in enumerate(rows):
            yield (", " if index else "").encode() + _encode(row)
        yield b"]"
    yield b"}\n"


def _piece(opening: str, key: str, value, *, first: bool = False) -> bytes:
    return f"{opening}{'' if first else ', '}{json.dumps(key)}: ".encode() + _encode(value)


def _encode(value) -> bytes:
    return _ENCODER.encode(value).encode()


def _value(value):
    return local(value) if isinstance(value, datetime) else value


def _program(creator: Creator) -> dict:
    report = creator_report(creator=creator)
    if report["override"] is not None:
        report["override"] = {k: v for k, v in report["override"].items() if k != "by"}  # an operator's login
    return report


def _rows(queryset, *fields: str) -> Iterator[dict]:
    """``fields`` of each row, streamed (times in Asia/Shanghai)."""
    for row in queryset.values(*fields).iterator(chunk_size=CHUNK):
        yield {key: _value(value) for key, value in row.items()}


def _sections(creator: Creator) -> Iterable[tuple[str, Iterable[dict]]]:
    mine = {"creator": creator}
    month = TruncMonth("published_at")
    yield "quotes", _rows(Quote.objects.filter(**mine).order_by("kind"), "kind", "amount")
    yield "activity_by_month", _rows(
        Content.objects.filter(**mine).annotate(month=month).values("month").order_by("month")
        .annotate(posts=Count("id"), effective_plays=Sum("effective_plays"), likes=Sum("likes")),
        "month", "posts", "effective_plays", "likes",
    )  # fmt: skip
    yield "content", _rows(
        Content.objects.filter(**mine).order_by("published_at", "pk"),
        "external_id", "kind", "published_at", "title", "effective_plays", "likes", "comments", "shares",
        "completion_rate", "component_clicks", "conversions",
    )  # fmt: skip
    yield "fans_daily", _rows(FansDaily.objects.filter(**mine).order_by("date"), "date", "fans")
    yield "credit_daily", _rows(CreditDaily.objects.filter(**mine).order_by("date"), "date", "score")
    yield "orders", _rows(
        Order.objects.filter(**mine).order_by("created_at", "pk"),
        "external_id", "kind", "status", "created_at", "completed_at", "amount", "plays", "rating",
    )  # fmt: skip
    yield "portal_events", _rows(PortalEvent.objects.filter(**mine).order_by("at"), "name", "at")
    yield "submissions", _rows(
        SubmissionEntry.objects.filter(**mine).order_by("submitted_at", "pk"),
        "external_id", "task__code", "submitted_at", "content_ref", "effective_plays", "earnings", "settled_at",
        "payout",
    )  # fmt: skip
    yield "course_progress", _rows(
        CourseProgress.objects.filter(**mine).order_by("course__code"),
        "course__code", "completion", "updated_at", "completed_at",
    )  # fmt: skip
    yield (
        "lessons_watched",
        _rows(
            LessonView.objects.filter(**mine).order_by("watched_at"),
            "lesson__course__code",
            "lesson__title",
            "watched_at",
        ),
    )
    yield "daily_index", _rows(
        DailyIndex.objects.filter(**mine).order_by("date"),
        "date", "composite", "reach", "cooperation", "growth", "value", "conversion",
    )  # fmt: skip
    yield (
        "dou_plus_credits",
        _rows(
            DouPlusCredit.objects.filter(**mine).order_by("created_at"),
            "entitlement_id",
            "missing",
            "amount",
            "created_at",
        ),
    )
    yield (
        "extra_dispatches",
        _rows(
            ExtraDispatch.objects.filter(**mine).order_by("dispatched_at"),
            "entitlement_id",
            "task__code",
            "dispatched_at",
        ),
    )
    yield "client_recommendations", _rows(
        ClientRecommendation.objects.filter(**mine).order_by("recommended_on", "pk"),
        "entitlement_id", "client_name", "recommended_on", "channel",
    )  # fmt: skip
    yield "featured_cases", _rows(
        FeaturedCase.objects.filter(**mine).order_by("submitted_at"),
        "title", "link", "recommendation", "status", "submitted_at", "reviewed_at", "review_note",
    )  # fmt: skip
    yield "messages", _messages(creator)


def _messages(creator: Creator) -> Iterator[dict]:
    """The inbox as the creator reads it (each message in the active language), oldest first."""
    rows = AssistantMessage.objects.filter(creator=creator).order_by("created_at", "pk").iterator(chunk_size=CHUNK)
    while chunk := list(islice(rows, CHUNK)):
        for message in messages_named(chunk):
            yield {
                "kind": message.kind,
                "title": message.display_title,
                "body": message.display_body,
                "created_at": local(message.created_at),
                "read_at": local(message.read_at) if message.read_at else None,
            }
