"""星图学院: the course list with this creator's progress, a course's lessons, and marking a lesson
watched — which moves the course's completion and so ``courses_completed`` (docs/program.md §1)."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from academy.selectors import course_get, courses_for, lesson_get, lesson_with_view, lessons_for
from academy.services import lesson_mark_watched
from levels.rules import load_rules
from portal import clock
from portal.access import CreatorRequest, creator_required
from portal.presenters.academy import CourseProgressNote, course_targets


@creator_required
@require_GET
def course_list(request: CreatorRequest) -> HttpResponse:
    rows = courses_for(creator=request.creator)
    completed = sum(1 for r in rows if r.completed)
    targets = course_targets(load_rules(), completed)
    next_target = next((t for t in targets if not t.met), None)
    return render(
        request,
        "portal/academy.html",
        {"rows": rows, "completed": completed, "targets": targets, "next_target": next_target},
    )


@creator_required
@require_GET
def course_detail(request: CreatorRequest, code: str) -> HttpResponse:
    row = course_get(creator=request.creator, code=code)
    lessons = list(lessons_for(creator=request.creator, course=row.course))
    watched = sum(1 for lesson in lessons if lesson.watched_at)
    return render(
        request,
        "portal/course.html",
        {"row": row, "lessons": lessons, "progress": CourseProgressNote(row=row, watched=watched)},
    )


@creator_required
@require_POST
def lesson_watched(request: CreatorRequest, lesson_id: int) -> HttpResponse:
    """Mark a lesson watched. HTMX: the lesson row, with the course's progress card swapped out of
    band; a full page: back to the course (POST/redirect/GET)."""
    lesson = lesson_get(lesson_id=lesson_id)
    completed_before = course_get(creator=request.creator, code=lesson.course.code).completed
    lesson_mark_watched(creator=request.creator, lesson=lesson, at=clock.now())
    row = course_get(creator=request.creator, code=lesson.course.code)
    note = (
        _("课程已完成，计入等级任务「完成学院课程」") if row.completed and not completed_before else _("已标记为学完")
    )
    if request.htmx:
        lesson = lesson_with_view(creator=request.creator, lesson_id=lesson_id)
        watched = lessons_for(creator=request.creator, course=row.course).filter(watched_at__isnull=False).count()
        context = {
            "lesson": lesson,
            "row": row,
            "progress": CourseProgressNote(row=row, watched=watched),
            "oob": True,
            "toast": {"text": note, "level": "success"},
        }
        parts = ("portal/course.html#lesson-row", "portal/course.html#course-progress", "portal/toast.html")
        return HttpResponse("".join(render_to_string(name, context, request) for name in parts))
    messages.success(request, note)
    return redirect(f"{reverse('course', args=[lesson.course.code])}#lesson-{lesson.pk}")
