"""Writes of the academy: a creator marking a lesson watched, which moves their course progress."""

from datetime import datetime
from fractions import Fraction

from django.db import transaction

from creators.models import Creator

from .models import Course, CourseProgress, Lesson, LessonView

# Course.COMPLETED_AT as an exact fraction, so 4 of 5 lessons (0.8) completes and 0.79 does not,
# whatever float division would round to.
_COMPLETED_AT = Fraction(str(Course.COMPLETED_AT))


def lesson_mark_watched(*, creator: Creator, lesson: Lesson, at: datetime) -> CourseProgress:
    """Record that ``creator`` watched ``lesson`` and recompute their progress on its course.

    - Idempotent: a lesson counts once (``LessonView`` is unique per creator and lesson); marking it
      again changes nothing.
    - ``completion`` = watched lessons / lessons of the course — but never lower than the figure the
      data platform already reported (ingest ``course_progress``): watching a lesson must not make the
      bar go backwards for a creator who studied on the platform before.
    - ``completed_at`` is set to ``at`` the first time completion reaches ``Course.COMPLETED_AT`` and
      is never cleared, so the course counts for ``courses_completed`` from then on (docs/program.md §1).
    """
    course_id = lesson.course_id
    with transaction.atomic():
        _, new_progress = CourseProgress.objects.get_or_create(
            creator=creator, course_id=course_id, defaults={"completion": 0.0, "updated_at": at}
        )
        # Lock the progress row first: two lessons marked at the same moment then count each other's
        # view instead of both writing a completion that misses the other.
        progress = CourseProgress.objects.select_for_update().get(creator=creator, course_id=course_id)
        _, created = LessonView.objects.get_or_create(creator=creator, lesson=lesson, defaults={"watched_at": at})
        if not created and not new_progress:
            return progress  # watched before: nothing moves
        watched = LessonView.objects.filter(creator=creator, lesson__course_id=course_id).count()
        total = Lesson.objects.filter(course_id=course_id).count()
        share = Fraction(watched, total) if total else Fraction(0)
        progress.completion = max(progress.completion, float(share))
        progress.updated_at = at
        if progress.completed_at is None and (share >= _COMPLETED_AT or progress.completion >= Course.COMPLETED_AT):
            progress.completed_at = at
        progress.save(update_fields=["completion", "updated_at", "completed_at"])
    return progress
