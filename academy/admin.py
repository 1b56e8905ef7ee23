from django.contrib import admin

from creators.admin_audit import AuditedAdmin

from . import models


class LessonInline(admin.TabularInline):
    model = models.Lesson
    extra = 0


@admin.register(models.Course)
class CourseAdmin(AuditedAdmin, admin.ModelAdmin):
    list_display = ["code", "title", "position", "is_published"]
    search_fields = ["code", "title"]
    inlines = [LessonInline]


@admin.register(models.CourseProgress)
class CourseProgressAdmin(AuditedAdmin, admin.ModelAdmin):
    list_display = ["creator", "course", "completion", "updated_at", "completed_at"]
    search_fields = ["creator__external_id", "course__code"]
    raw_id_fields = ["creator", "course"]


@admin.register(models.LessonView)
class LessonViewAdmin(AuditedAdmin, admin.ModelAdmin):
    list_display = ["creator", "lesson", "watched_at"]
    raw_id_fields = ["creator", "lesson"]
