"""Builders for the activity pages' tests (academy, task hall, guarantee cards): courses with lessons,
submission tasks open around now, content items and guarantee cards of a creator."""

from datetime import datetime, timedelta
from decimal import Decimal
from importlib import import_module
from itertools import count

from django.apps import apps
from django.contrib.auth.models import User
from django.db import connection
from django.utils import timezone

from academy.models import Course, Lesson
from benefits.models import Benefit, BenefitKind, CardStatus, Entitlement, EntitlementStatus, GuaranteeCard
from creators.models import Content, Creator, SubmissionEntry, SubmissionTask

_ids = count(1)

# The data migrations (each one idempotent): operators group, rule set, benefit catalogue, beat schedule.
_MIGRATION_DATA = (
    ("creators.migrations.0002_operators_group", "create_group"),
    ("levels.migrations.0002_seed_rule_set", "seed"),
    ("benefits.migrations.0002_seed_catalogue", "seed"),
    ("levels.migrations.0004_beat_schedule", "register"),
)


def restore_migration_data() -> None:
    """Put back what the data migrations wrote if a transactional test's flush removed it (each data
    migration only inserts what is missing, so this is a no-op when the data is there).

    ``serialized_rollback`` normally restores it, but once Playwright has started, its greenlet gives
    the test a fresh ``connections["default"]`` without the serialized copy and Django silently skips
    the restore; transactional tests here call this first so they do not depend on that."""
    for module, function in _MIGRATION_DATA:
        getattr(import_module(module), function)(apps, None)


def restore_serialized_data() -> None:
    """After a module of transactional tests: load the database's serialized post-migration contents
    again (as ``serialized_rollback`` would), so that a following transactional test that does not ask
    for serialized rollback still finds the rule set and the catalogue. Rows keep their primary keys,
    so a later serialized restore updates them in place. Without the serialized copy: nothing."""
    contents = getattr(connection, "_test_serialized_contents", None)
    if contents:
        connection.creation.deserialize_db_from_string(contents)


def uid(prefix: str) -> str:
    return f"{prefix}-act-{next(_ids)}"


def with_login(creator: Creator, username: str | None = None) -> Creator:
    creator.user = User.objects.create_user(username or uid("user"), password="pw")
    creator.save(update_fields=["user"])
    return creator


def course(lessons: int, *, title: str = "课程", published: bool = True) -> Course:
    c = Course.objects.create(code=uid("course"), title=title, is_published=published, position=next(_ids))
    Lesson.objects.bulk_create(
        Lesson(course=c, position=i, title=f"第{i}课", duration_seconds=600) for i in range(1, lessons + 1)
    )
    return c


def task(
    *,
    guarantee: bool = False,
    threshold: int = 10_000,
    opens_at: datetime | None = None,
    closes_at: datetime | None = None,
    title: str = "测试任务",
) -> SubmissionTask:
    """A task open from a day ago for ten days, unless told otherwise."""
    now = timezone.now()
    return SubmissionTask.objects.create(
        code=uid("task"),
        brand="品牌",
        title=title,
        is_guarantee=guarantee,
        guarantee_threshold=threshold if guarantee else None,
        opens_at=opens_at or now - timedelta(days=1),
        closes_at=closes_at or now + timedelta(days=10),
    )


def content(creator: Creator, *, plays: int = 1_000, published_at: datetime | None = None, **extra) -> Content:
    return Content.objects.create(
        external_id=uid("v"),
        creator=creator,
        kind=extra.pop("kind", "video"),
        published_at=published_at or timezone.now() - timedelta(days=2),
        effective_plays=plays,
        **extra,
    )


def card(
    creator: Creator,
    *,
    issued_at: datetime | None = None,
    expires_at: datetime | None = None,
    status: str = CardStatus.ACTIVE,
    amount: Decimal = Decimal("50"),
) -> GuaranteeCard:
    issued_at = issued_at or timezone.now() - timedelta(days=1)
    entitlement, _ = Entitlement.objects.get_or_create(
        creator=creator,
        benefit=Benefit.objects.get(code="guarantee_card"),
        period="2026-11",
        defaults={"kind": BenefitKind.BASIC, "level": 3, "quantity": 99, "delivered": 0,
                  "status": EntitlementStatus.DELIVERED, "granted_at": issued_at},
    )  # fmt: skip
    return GuaranteeCard.objects.create(
        creator=creator,
        entitlement=entitlement,
        serial=next(_ids),
        amount=amount,
        status=status,
        issued_at=issued_at,
        expires_at=expires_at or issued_at + timedelta(days=180),
    )


def entry(creator: Creator, task: SubmissionTask, **extra) -> SubmissionEntry:
    return SubmissionEntry.objects.create(
        external_id=uid("s"),
        creator=creator,
        task=task,
        submitted_at=extra.pop("submitted_at", timezone.now()),
        **extra,
    )
