"""星图学院: courses, their lessons, and each creator's progress."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from creators.models import Creator
from lib.i18n import Localized


class Course(models.Model):
    """A course of 星图学院. Its title and summary are the academy's content, written in Chinese; the English
    ones are optional and shown to English readers when set (docs/i18n.md)."""

    code = models.CharField(max_length=64, unique=True)
    title = models.CharField(_("课程名称"), max_length=200, blank=True)
    title_en = models.CharField(_("英文课程名称"), max_length=200, blank=True)
    summary = models.TextField(_("简介"), blank=True)
    summary_en = models.TextField(_("英文简介"), blank=True)
    position = models.PositiveIntegerField(default=0)
    is_published = models.BooleanField(default=True)

    # The glossary's definition of a completed course (docs/program.md: "completed" = completion ≥ 0.80).
    # It is academy vocabulary, not a level threshold: the rule set counts completed courses.
    COMPLETED_AT = 0.80

    class Meta:
        verbose_name = _("学院课程")
        verbose_name_plural = _("学院课程")
        ordering = ["position", "id"]

    display_title = Localized("title", "title_en", fallback="code")
    display_summary = Localized("summary", "summary_en")

    def __str__(self) -> str:
        return self.display_title


class Lesson(models.Model):
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="lessons")
    position = models.PositiveIntegerField(default=0)
    title = models.CharField(_("课时"), max_length=200)
    title_en = models.CharField(_("英文课时名称"), max_length=200, blank=True)
    duration_seconds = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("课时")
        verbose_name_plural = _("课时")
        ordering = ["course", "position", "id"]
        constraints = [models.UniqueConstraint(fields=["course", "position"], name="lesson_unique_position")]

    display_title = Localized("title", "title_en")

    def __str__(self) -> str:
        return self.display_title


class CourseProgress(models.Model):
    """A creator's progress on one course.

    ``completion`` is the latest figure reported (by ``updated_at``); ``completed_at`` is the earliest
    moment any report reached ``Course.COMPLETED_AT``. Courses count as completed "ever" from that
    moment on, so a later lower report does not un-complete a course, and reports arriving out of order
    give the same row (docs/program.md §1 courses_completed).
    """

    creator = models.ForeignKey(Creator, on_delete=models.CASCADE, related_name="course_progress", db_index=False)
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="progress")
    completion = models.FloatField(default=0)
    updated_at = models.DateTimeField()
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("课程进度")
        verbose_name_plural = _("课程进度")
        constraints = [
            models.UniqueConstraint(fields=["creator", "course"], name="progress_unique_course"),
            models.CheckConstraint(condition=Q(completion__gte=0, completion__lte=1), name="progress_0_1"),
        ]
        indexes = [models.Index(fields=["creator", "completed_at"], name="progress_creator_completed")]


class LessonView(models.Model):
    """A lesson the creator marked as watched in the portal."""

    creator = models.ForeignKey(Creator, on_delete=models.CASCADE, related_name="lesson_views")
    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="views")
    watched_at = models.DateTimeField()

    class Meta:
        verbose_name = _("课时学习记录")
        verbose_name_plural = _("课时学习记录")
        constraints = [models.UniqueConstraint(fields=["creator", "lesson"], name="lesson_view_unique")]
