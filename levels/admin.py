from django.contrib import admin

from creators.admin_audit import AuditedAdmin, ReadOnlyAdmin

from . import models


class LevelRequirementInline(admin.TabularInline):
    model = models.LevelRequirement
    extra = 0


class RewardRequirementInline(admin.TabularInline):
    model = models.RewardRequirement
    extra = 0


@admin.register(models.RuleSet)
class RuleSetAdmin(AuditedAdmin, admin.ModelAdmin):
    list_display = ["name", "effective_month", "created_by", "created_at"]
    inlines = [LevelRequirementInline, RewardRequirementInline]


@admin.register(models.CreatorLevel)
class CreatorLevelAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    list_display = ["creator", "level", "since"]
    list_filter = ["level"]
    search_fields = ["creator__external_id"]
    raw_id_fields = ["creator"]


@admin.register(models.LevelChange)
class LevelChangeAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    list_display = ["creator", "at", "from_level", "to_level", "reason"]
    list_filter = ["reason"]
    search_fields = ["creator__external_id"]
    raw_id_fields = ["creator", "run"]


class JobChunkInline(ReadOnlyAdmin, admin.TabularInline):
    model = models.JobChunk
    extra = 0
    readonly_fields = ["index", "first_id", "last_id", "status", "attempts", "stats", "started_at", "finished_at"]


@admin.register(models.JobRun)
class JobRunAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    list_display = ["job", "period", "status", "at", "started_at", "finished_at"]
    list_filter = ["job", "status"]
    inlines = [JobChunkInline]


@admin.register(models.Assessment)
class AssessmentAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    list_display = ["run", "creator", "previous_level", "qualified_level", "level", "passed"]
    search_fields = ["creator__external_id"]
    raw_id_fields = ["run", "creator"]
