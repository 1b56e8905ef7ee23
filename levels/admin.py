from django.contrib import admin
from django.utils import timezone

from creators.admin_audit import AuditedAdmin, ReadOnlyAdmin

from . import models
from .versions import rule_set_locked


class VersionLocked:
    """A rule-set version that has been in force or assessed is read-only here too (``levels.versions``):
    its thresholds change only through a new version."""

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and not self._locked(obj)

    def has_add_permission(self, request, obj=None):
        args = (request, obj) if isinstance(self, admin.options.InlineModelAdmin) else (request,)
        return super().has_add_permission(*args) and not self._locked(obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and not self._locked(obj)

    @staticmethod
    def _locked(obj) -> bool:
        rule_set = getattr(obj, "rule_set", obj)
        return isinstance(rule_set, models.RuleSet) and rule_set_locked(rule_set, now=timezone.now())


class LevelRequirementInline(VersionLocked, admin.TabularInline):
    model = models.LevelRequirement
    extra = 0


class RewardRequirementInline(VersionLocked, admin.TabularInline):
    model = models.RewardRequirement
    extra = 0


@admin.register(models.RuleSet)
class RuleSetAdmin(VersionLocked, AuditedAdmin, admin.ModelAdmin):
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
