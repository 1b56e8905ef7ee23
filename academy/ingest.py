"""The ``course_progress`` line of the activity feed (docs/interfaces.md §1), registered with the creators
ingest from ``AcademyConfig.ready()``: academy stands on creators, so it plugs in from above."""

from datetime import UTC, datetime
from typing import Any, NamedTuple

from creators.ingest import IngestContext, LineHandler, ParsedLine, fields, ids_by_code, upsert_rows

from .models import Course, CourseProgress

# When an undated report of a completed course counts from [decision]: before any assessment.
UNDATED = datetime(2000, 1, 1, tzinfo=UTC)


class Progress(NamedTuple):
    completion: float
    updated_at: datetime
    completed_at: datetime | None


def progress_merge(current: Progress | None, *, completion: float, at: datetime | None, now: datetime) -> Progress:
    """Fold one progress report into a creator's progress on a course.

    - ``completion``/``updated_at`` follow the report with the latest ``at``; on a tie the later report
      wins (a later line, or a later ingest), so re-loading a file ends on the same figure.
    - ``completed_at`` is the earliest ``at`` of any report at or above ``Course.COMPLETED_AT`` and is
      never cleared: a course completed "ever" stays completed (docs/program.md §1 courses_completed),
      and reports arriving out of order give the same row.
    - A report without ``at`` updates the figure as of ``now`` (one instant per ingest), but only when
      it changes the completion: re-sending the same undated report is not news, which keeps a re-load
      idempotent. If it reaches the bar, the course counts as completed since ``UNDATED``: its time is
      unknown and the rule is "ever", so it counts for an assessment at any instant — also for a
      back-fill of a past month, which stamping it with the ingest time would miss.
    """
    reported_at = at or now
    reached_at = (at or UNDATED) if completion >= Course.COMPLETED_AT else None
    if current is None:
        return Progress(completion, reported_at, reached_at)
    candidates = [moment for moment in (current.completed_at, reached_at) if moment is not None]
    completed_at = min(candidates) if candidates else None
    if at is not None:
        is_news = at >= current.updated_at
    else:
        is_news = completion != current.completion and now >= current.updated_at
    if is_news:
        return Progress(completion, reported_at, completed_at)
    return Progress(current.completion, current.updated_at, completed_at)


class CourseProgressHandler(LineHandler):
    """``course_progress``: progress on a course, the course created by its code if unknown."""

    type = "course_progress"
    order = 40

    def parse(self, obj: dict[str, Any]) -> dict[str, Any]:
        return {
            "course": fields.text(obj, "course", max_length=64),
            "completion": fields.number_between(obj, "completion", 0, 1, required=True),
            "at": fields.instant(obj, "at", required=False),
        }

    def write(self, lines: list[ParsedLine], *, ingest: IngestContext) -> None:
        """Fetch the batch's existing rows (one query), merge the reports in line order, upsert."""
        courses = ids_by_code(Course, {line.values["course"] for line in lines}, ingest=ingest)
        keyed = [((line.creator_pk, courses[line.values["course"]]), line.values) for line in lines]
        keys = {key for key, _ in keyed}
        # The batch's creators' rows on the batch's courses: a superset of the pairs (a creator has rows
        # on a few dozen courses at most), filtered below. Two IN lists: an OR of one
        # ``course = … AND creator IN (…)`` per course took Django longer to build than the database to
        # run (6 ms a batch of 2,000 lines under the profiler).
        existing = CourseProgress.objects.filter(
            creator_id__in={creator for creator, _ in keys}, course_id__in={course for _, course in keys}
        ).values_list("creator_id", "course_id", "completion", "updated_at", "completed_at")
        merged: dict[tuple[int, int], Progress] = {
            (creator, course): Progress(completion, updated_at, completed_at)
            for creator, course, completion, updated_at, completed_at in existing
            if (creator, course) in keys
        }
        for key, values in keyed:
            merged[key] = progress_merge(
                merged.get(key), completion=values["completion"], at=values["at"], now=ingest.now
            )
        rows = [(*key, *merged[key]) for key in dict.fromkeys(key for key, _ in keyed)]
        upsert_rows(
            CourseProgress,
            ("creator", "course", "completion", "updated_at", "completed_at"),
            rows,
            unique_fields=("creator", "course"),
            update_fields=("completion", "updated_at", "completed_at"),
            ingest=ingest,
        )
