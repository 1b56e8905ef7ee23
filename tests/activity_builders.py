"""Builders for the activity pages' tests (academy, task hall, guarantee cards): courses with lessons,
submission tasks open around now, content items and guarantee cards of a creator."""

from datetime import datetime, timedelta
from decimal import Decimal
from itertools import count

from django.contrib.auth.models import User
from django.utils import timezone

from academy.models import Course, Lesson
from benefits.models import Benefit, BenefitKind, CardStatus, Entitlement, EntitlementStatus, GuaranteeCard
from creators.models import Content, Creator, SubmissionEntry, SubmissionTask

_ids = count(1)


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
    """A task open since a week ago for ten more days, unless told otherwise: content a builder makes
    (published two days ago) falls in its window."""
    now = timezone.now()
    return SubmissionTask.objects.create(
        code=uid("task"),
        brand="品牌",
        title=title,
        is_guarantee=guarantee,
        guarantee_threshold=threshold if guarantee else None,
        opens_at=opens_at or now - timedelta(days=7),
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
