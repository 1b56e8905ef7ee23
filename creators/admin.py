from django.contrib import admin, messages
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import models


class QuoteInline(admin.TabularInline):
    model = models.Quote
    extra = 0


@admin.register(models.Creator)
class CreatorAdmin(admin.ModelAdmin):
    list_display = ["external_id", "nickname", "fans", "credit_score", "douyin_bound", "region", "user"]
    list_filter = ["douyin_bound", "submission_enabled", "spread_enabled"]
    search_fields = ["external_id", "nickname", "user__username"]
    raw_id_fields = ["user"]
    inlines = [QuoteInline]


@admin.register(models.Content)
class ContentAdmin(admin.ModelAdmin):
    list_display = ["external_id", "creator", "kind", "published_at", "effective_plays", "likes"]
    list_filter = ["kind"]
    search_fields = ["external_id", "creator__external_id"]
    raw_id_fields = ["creator"]
    date_hierarchy = "published_at"


@admin.register(models.FansDaily)
class FansDailyAdmin(admin.ModelAdmin):
    list_display = ["creator", "date", "fans"]
    search_fields = ["creator__external_id"]
    raw_id_fields = ["creator"]


@admin.register(models.CreditDaily)
class CreditDailyAdmin(admin.ModelAdmin):
    list_display = ["creator", "date", "score"]
    search_fields = ["creator__external_id"]
    raw_id_fields = ["creator"]


@admin.register(models.Order)
class OrderAdmin(admin.ModelAdmin):
    list_display = ["external_id", "creator", "kind", "status", "created_at", "completed_at", "amount"]
    list_filter = ["kind", "status"]
    search_fields = ["external_id", "creator__external_id"]
    raw_id_fields = ["creator"]


@admin.register(models.PortalEvent)
class PortalEventAdmin(admin.ModelAdmin):
    list_display = ["creator", "name", "at"]
    list_filter = ["name"]
    search_fields = ["creator__external_id"]
    raw_id_fields = ["creator"]


@admin.register(models.SubmissionTask)
class SubmissionTaskAdmin(admin.ModelAdmin):
    list_display = ["code", "title", "brand", "is_guarantee", "guarantee_threshold", "opens_at", "closes_at"]
    list_filter = ["is_guarantee"]
    search_fields = ["code", "title", "brand"]


@admin.register(models.SubmissionEntry)
class SubmissionEntryAdmin(admin.ModelAdmin):
    list_display = ["external_id", "creator", "task", "submitted_at", "effective_plays", "earnings", "payout"]
    search_fields = ["external_id", "creator__external_id", "task__code"]
    raw_id_fields = ["creator", "task", "content"]


@admin.register(models.AssistantMessage)
class AssistantMessageAdmin(admin.ModelAdmin):
    list_display = ["creator", "kind", "display_title", "created_at", "read_at"]
    list_filter = ["kind", "template"]
    search_fields = ["creator__external_id", "title", "dedupe_key"]
    raw_id_fields = ["creator"]

    @admin.display(description=_("标题"))
    def display_title(self, message: models.AssistantMessage) -> str:
        return message.display_title


@admin.register(models.AuditLog)
class AuditLogAdmin(admin.ModelAdmin):
    list_display = ["at", "actor", "action", "target_type", "target_id", "creator"]
    list_filter = ["action"]
    search_fields = ["target_id", "creator__external_id", "actor__username"]
    readonly_fields = [f.name for f in models.AuditLog._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(models.IngestToken)
class IngestTokenAdmin(admin.ModelAdmin):
    list_display = ["name", "prefix", "created_by", "created_at", "last_used_at", "revoked_at"]
    readonly_fields = ["prefix", "created_by", "created_at", "last_used_at"]
    fields = ["name", "prefix", "created_by", "created_at", "last_used_at", "revoked_at"]
    actions = ["revoke"]

    def save_model(self, request, obj, form, change):
        if not change:
            raw = obj.set_new_token()
            obj.created_by = request.user
            super().save_model(request, obj, form, change)
            # The raw token exists only in this message: it is never stored.
            messages.warning(request, _("新令牌(只显示这一次,请立即保存): %(token)s") % {"token": raw})
            models.AuditLog.objects.create(
                actor=request.user, action="ingest_token.create", target_type="IngestToken", target_id=str(obj.pk)
            )
        else:
            super().save_model(request, obj, form, change)

    @admin.action(description=_("吊销所选令牌"))
    def revoke(self, request, queryset):
        now = timezone.now()
        for token in queryset.filter(revoked_at__isnull=True):
            token.revoked_at = now
            token.save(update_fields=["revoked_at"])
            models.AuditLog.objects.create(
                actor=request.user, action="ingest_token.revoke", target_type="IngestToken", target_id=str(token.pk)
            )
