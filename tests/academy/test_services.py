"""lesson_mark_watched: lesson views, course completion, and the completion feeding the level rules."""

from datetime import datetime, timedelta

import pytest

from academy.models import Course, CourseProgress, Lesson, LessonView
from academy.services import lesson_mark_watched
from levels.metrics import measure_creator
from levels.rules import load_rules
from lib.periods import TZ
from tests.activity_builders import course
from tests.builders import creator_at_level

pytestmark = pytest.mark.django_db

T = datetime(2026, 11, 20, 10, 0, tzinfo=TZ)


def lessons(c: Course) -> list[Lesson]:
    return list(c.lessons.order_by("position"))


def watch(creator, c: Course, n: int, *, at: datetime = T) -> CourseProgress:
    progress = None
    for i, lesson in enumerate(lessons(c)[:n]):
        progress = lesson_mark_watched(creator=creator, lesson=lesson, at=at + timedelta(minutes=i))
    return progress


def test_one_lesson_of_four_gives_a_quarter() -> None:
    creator, c = creator_at_level(0), course(4)

    progress = lesson_mark_watched(creator=creator, lesson=lessons(c)[0], at=T)

    assert progress.completion == 0.25
    assert progress.updated_at == T
    assert progress.completed_at is None
    assert LessonView.objects.filter(creator=creator).count() == 1


def test_marking_the_same_lesson_twice_counts_it_once() -> None:
    creator, c = creator_at_level(0), course(4)
    lesson = lessons(c)[0]
    lesson_mark_watched(creator=creator, lesson=lesson, at=T)

    progress = lesson_mark_watched(creator=creator, lesson=lesson, at=T + timedelta(hours=1))

    assert LessonView.objects.filter(creator=creator, lesson=lesson).get().watched_at == T  # the first time stays
    assert progress.completion == 0.25
    assert progress.updated_at == T


def test_four_of_five_lessons_is_exactly_the_bar_and_completes() -> None:
    creator, c = creator_at_level(0), course(5)

    progress = watch(creator, c, 4)

    assert progress.completion == pytest.approx(0.8)
    assert progress.completed_at == T + timedelta(minutes=3)  # the moment the fourth lesson was marked


def test_79_of_100_lessons_is_just_under_the_bar() -> None:
    creator, c = creator_at_level(0), course(100)
    all_lessons = lessons(c)
    LessonView.objects.bulk_create(
        LessonView(creator=creator, lesson=lesson, watched_at=T) for lesson in all_lessons[:78]
    )

    at_79 = lesson_mark_watched(creator=creator, lesson=all_lessons[78], at=T)
    assert at_79.completion == pytest.approx(0.79)
    assert at_79.completed_at is None

    at_80 = lesson_mark_watched(creator=creator, lesson=all_lessons[79], at=T + timedelta(minutes=1))
    assert at_80.completed_at == T + timedelta(minutes=1)


def test_completed_at_is_never_cleared_or_moved() -> None:
    creator, c = creator_at_level(0), course(5)
    watch(creator, c, 4)
    first = CourseProgress.objects.get(creator=creator, course=c).completed_at
    # The platform later reports a lower figure (ingest): the course stays completed "ever".
    CourseProgress.objects.filter(creator=creator, course=c).update(completion=0.5)

    progress = lesson_mark_watched(creator=creator, lesson=lessons(c)[4], at=T + timedelta(days=1))

    assert progress.completed_at == first
    assert progress.completion == 1.0


def test_watching_never_lowers_the_platform_reported_completion() -> None:
    creator, c = creator_at_level(0), course(4)
    CourseProgress.objects.create(creator=creator, course=c, completion=0.45, updated_at=T - timedelta(days=5))

    progress = lesson_mark_watched(creator=creator, lesson=lessons(c)[0], at=T)

    assert progress.completion == 0.45  # 1 of 4 would be 0.25
    assert progress.updated_at == T


def test_a_platform_reported_completion_at_the_bar_completes_on_the_next_lesson() -> None:
    creator, c = creator_at_level(0), course(4)
    CourseProgress.objects.create(creator=creator, course=c, completion=0.8, updated_at=T - timedelta(days=5))

    progress = lesson_mark_watched(creator=creator, lesson=lessons(c)[0], at=T)

    assert progress.completed_at == T


def test_finishing_lessons_feeds_courses_completed_in_the_rules() -> None:
    rules = load_rules()
    creator, c = creator_at_level(0), course(5)
    later = T + timedelta(hours=1)
    before = measure_creator(creator, later, rules).courses_completed

    watch(creator, c, 3)
    assert measure_creator(creator, later, rules).courses_completed == before  # 0.6: not yet

    progress = watch(creator, c, 4)
    assert measure_creator(creator, later, rules).courses_completed == before + 1
    # The rules count courses completed strictly before the assessment instant (docs/program.md §1).
    assert measure_creator(creator, progress.completed_at, rules).courses_completed == before
    assert measure_creator(creator, progress.completed_at + timedelta(seconds=1), rules).courses_completed == before + 1


def test_lessons_of_one_course_do_not_move_another() -> None:
    creator, a, b = creator_at_level(0), course(2), course(2)

    watch(creator, a, 2)

    assert not CourseProgress.objects.filter(creator=creator, course=b).exists()
    assert CourseProgress.objects.get(creator=creator, course=a).completion == 1.0
