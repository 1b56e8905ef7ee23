"""Build creators whose data meets a given level at an instant, then nudge one figure to a boundary.

``creator_at_level(3)`` meets every requirement of LV1–LV3 of docs/program.md §1 at ``AT`` with some margin
(and fails LV4); tests then change exactly the figure they probe.
"""

from datetime import datetime, timedelta
from itertools import count

from academy.models import Course, CourseProgress
from creators.models import (
    Content,
    Creator,
    CreditDaily,
    FansDaily,
    Order,
    PortalEvent,
    Quote,
    SubmissionEntry,
    SubmissionTask,
)
from lib.periods import TZ

AT = datetime(2026, 12, 1, 2, 0, tzinfo=TZ)  # the monthly assessment of 2026-12
_ids = count(1)

# Per level: fans, credit, courses, posts in window, plays per post, likes per post, submissions, orders.
SHAPES = {
    0: dict(fans=50_000, credit=40, courses=1, posts=2, plays=500, likes=10, submissions=0, orders=0),
    1: dict(fans=50_000, credit=40, courses=3, posts=6, plays=2_000, likes=50, submissions=0, orders=0),
    2: dict(fans=80_000, credit=45, courses=5, posts=9, plays=20_000, likes=200, submissions=1, orders=0),
    3: dict(fans=400_000, credit=60, courses=8, posts=21, plays=60_000, likes=1_000, submissions=1, orders=1),
    4: dict(fans=600_000, credit=80, courses=10, posts=31, plays=150_000, likes=2_000, submissions=1, orders=3),
}


def uid(prefix: str) -> str:
    return f"{prefix}-{next(_ids)}"


def creator_at_level(level: int, *, at: datetime = AT, external_id: str | None = None, **shape) -> Creator:
    s = {**SHAPES[level], **shape}
    lv1 = level >= 1
    creator = Creator.objects.create(
        external_id=external_id or uid("c"),
        nickname="测试达人",
        fans=s["fans"],
        credit_score=s["credit"],
        douyin_bound=lv1,
        intro="美食探店" if lv1 else "",
        region="上海",
        industries=["美食"],
        submission_enabled=True,
        spread_enabled=True,
    )
    if lv1:
        Quote.objects.create(creator=creator, kind="video_1_20s", amount=8000)
        view(creator, PortalEvent.Name.TASK_HALL_VIEWED, at - timedelta(days=40))
        view(creator, PortalEvent.Name.ASSISTANT_VIEWED, at - timedelta(days=40))
    complete_courses(creator, s["courses"], at=at - timedelta(days=60))
    post(creator, s["posts"], at=at, plays=s["plays"], likes=s["likes"])
    for _ in range(s["submissions"]):
        submit(creator, at - timedelta(days=3))
    for _ in range(s["orders"]):
        order(creator, completed_at=at - timedelta(days=5))
    return creator


def view(creator: Creator, name: str, at: datetime) -> PortalEvent:
    return PortalEvent.objects.create(creator=creator, name=name, at=at)


def complete_courses(creator: Creator, n: int, *, at: datetime, completion: float = 0.9) -> None:
    for _ in range(n):
        course = Course.objects.create(code=uid("course"))
        CourseProgress.objects.create(
            creator=creator,
            course=course,
            completion=completion,
            updated_at=at,
            completed_at=at if completion >= Course.COMPLETED_AT else None,
        )


def post(
    creator: Creator,
    n: int,
    *,
    at: datetime,
    plays: int,
    likes: int = 0,
    kind: str = "video",
    published_at: datetime | None = None,
) -> list[Content]:
    """``n`` items published inside the window ending at ``at`` (one day before it, unless given)."""
    when = published_at or at - timedelta(days=1)
    return Content.objects.bulk_create(
        Content(external_id=uid("v"), creator=creator, kind=kind, published_at=when, effective_plays=plays, likes=likes)
        for _ in range(n)
    )


def submit(creator: Creator, at: datetime, *, task: SubmissionTask | None = None, **extra) -> SubmissionEntry:
    task = task or SubmissionTask.objects.get_or_create(code="task-demo")[0]
    return SubmissionEntry.objects.create(external_id=uid("s"), creator=creator, task=task, submitted_at=at, **extra)


def order(creator: Creator, *, completed_at: datetime | None, kind: str = "standard", status: str = "completed"):
    created = (completed_at or AT) - timedelta(days=2)
    return Order.objects.create(
        external_id=uid("o"), creator=creator, kind=kind, status=status, created_at=created, completed_at=completed_at
    )


def fans_on(creator: Creator, day, fans: int) -> None:
    FansDaily.objects.update_or_create(creator=creator, date=day, defaults={"fans": fans})


def credit_on(creator: Creator, day, score: int) -> None:
    CreditDaily.objects.update_or_create(creator=creator, date=day, defaults={"score": score})
