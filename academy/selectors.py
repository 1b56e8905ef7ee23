"""Reads of the academy: the published courses with one creator's progress, and a course's lessons
with what that creator has watched. Each is one query whatever the number of courses or lessons."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, OuterRef, QuerySet, Subquery
from django.shortcuts import get_object_or_404

from creators.models import Creator

from .models import Course, CourseProgress, Lesson, LessonView


@dataclass(frozen=True)
class CourseRow:
    """A course as one creator sees it in the course list."""

    course: Course
    lessons: int
    completion: float
    completed_at: datetime | None

    @property
    def percent(self) -> int:
        return round(self.completion * 100)

    @property
    def completed(self) -> bool:
        # "Completed" is ever reaching Course.COMPLETED_AT (docs/program.md §1), the figure the rules count.
        return self.completed_at is not None


def _progress(creator: Creator, field: str) -> Subquery:
    return Subquery(CourseProgress.objects.filter(creator=creator, course=OuterRef("pk")).values(field)[:1])


def courses_for(*, creator: Creator) -> list[CourseRow]:
    """Every published course in order, with its lesson count and this creator's progress."""
    courses = Course.objects.filter(is_published=True).annotate(
        lesson_count=Count("lessons"),
        my_completion=_progress(creator, "completion"),
        my_completed_at=_progress(creator, "completed_at"),
    )
    return [
        CourseRow(course=c, lessons=c.lesson_count, completion=c.my_completion or 0.0, completed_at=c.my_completed_at)
        for c in courses.order_by("position", "id")
    ]


def course_get(*, creator: Creator, code: str) -> CourseRow:
    """One published course with the creator's progress; unknown or unpublished → 404."""
    courses = Course.objects.filter(is_published=True, code=code).annotate(
        lesson_count=Count("lessons"),
        my_completion=_progress(creator, "completion"),
        my_completed_at=_progress(creator, "completed_at"),
    )
    c = get_object_or_404(courses)
    return CourseRow(
        course=c, lessons=c.lesson_count, completion=c.my_completion or 0.0, completed_at=c.my_completed_at
    )


def lessons_for(*, creator: Creator, course: Course) -> QuerySet[Lesson]:
    """The course's lessons in order, each annotated with ``watched_at`` (None when not watched)."""
    watched = LessonView.objects.filter(creator=creator, lesson=OuterRef("pk")).values("watched_at")[:1]
    return Lesson.objects.filter(course=course).annotate(watched_at=Subquery(watched)).order_by("position", "id")


def lesson_get(*, lesson_id: int) -> Lesson:
    """A lesson of a published course (with its course); anything else → 404."""
    return get_object_or_404(Lesson.objects.select_related("course"), pk=lesson_id, course__is_published=True)


def lesson_with_view(*, creator: Creator, lesson_id: int) -> Lesson:
    """``lesson_get`` annotated like ``lessons_for``, to re-render one lesson row."""
    watched = LessonView.objects.filter(creator=creator, lesson=OuterRef("pk")).values("watched_at")[:1]
    return get_object_or_404(
        Lesson.objects.select_related("course").annotate(watched_at=Subquery(watched)),
        pk=lesson_id,
        course__is_published=True,
    )
