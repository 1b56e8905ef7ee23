from axes.admin import AccessAttemptAdmin
from axes.models import AccessAttempt
from django.contrib import admin
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import models
from .admin_audit import AuditedAdmin, ReadOnlyAdmin
from .signin import lockout_release
from .tokens import token_create, token_revoke


class QuoteInline(admin.TabularInline):
    model = models.Quote
    extra = 0


@admin.register(models.Creator)
class CreatorAdmin(AuditedAdmin, admin.ModelAdmin):
    list_display = ["external_id", "nickname", "fans", "credit_score", "douyin_bound", "region", "user"]
    list_filter = ["douyin_bound", "submission_enabled", "spread_enabled"]
    search_fields = ["external_id", "nickname", "user__username"]
    raw_id_fields = ["user"]
    inlines = [QuoteInline]


@admin.register(models.Content)
class ContentAdmin(AuditedAdmin, admin.ModelAdmin):
    list_display = ["external_id", "creator", "kind", "published_at", "effective_plays", "likes"]
    list_filter = ["kind"]
    search_fields = ["external_id", "creator__external_id"]
    raw_id_fields = ["creator"]
    date_hierarchy = "published_at"


@admin.register(models.FansDaily)
class FansDailyAdmin(AuditedAdmin, admin.ModelAdmin):
    list_display = ["creator", "date", "fans"]
    search_fields = ["creator__external_id"]
    raw_id_fields = ["creator"]


@admin.register(models.CreditDaily)
class CreditDailyAdmin(AuditedAdmin, admin.ModelAdmin):
    list_display = ["creator", "date", "score"]
    search_fields = ["creator__external_id"]
    raw_id_fields = ["creator"]


@admin.register(models.Order)
class OrderAdmin(AuditedAdmin, admin.ModelAdmin):
    list_display = ["external_id", "creator", "kind", "status", "created_at", "completed_at", "amount"]
    list_filter = ["kind", "status"]
    search_fields = ["external_id", "creator__external_id"]
    raw_id_fields = ["creator"]


@admin.register(models.PortalEvent)
class PortalEventAdmin(AuditedAdmin, admin.ModelAdmin):
    list_display = ["creator", "name", "at"]
    list_filter = ["name"]
    search_fields = ["creator__external_id"]
    raw_id_fields = ["creator"]


@admin.register(models.SubmissionTask)
class SubmissionTaskAdmin(AuditedAdmin, admin.ModelAdmin):
    list_display = [
        "code", "title", "brand", "content_kind", "is_guarantee", "guarantee_threshold", "opens_at", "closes_at",
    ]  # fmt: skip
    list_filter = ["is_guarantee", "content_kind"]
    search_fields = ["code", "title", "brand"]


@admin.register(models.SubmissionEntry)
class SubmissionEntryAdmin(AuditedAdmin, admin.ModelAdmin):
    list_display = ["external_id", "creator", "task", "submitted_at", "effective_plays", "earnings", "payout"]
    search_fields = ["external_id", "creator__external_id", "task__code"]
    raw_id_fields = ["creator", "task", "content"]


@admin.register(models.AssistantMessage)
class AssistantMessageAdmin(AuditedAdmin, admin.ModelAdmin):
    list_display = ["creator", "kind", "display_title", "created_at", "read_at"]
    list_filter = ["kind", "template"]
    search_fields = ["creator__external_id", "title", "dedupe_key"]
    raw_id_fields = ["creator"]

    @admin.display(description=_("标题"))
    def display_title(self, message: models.AssistantMessage) -> str:
        return message.display_title


@admin.register(models.AuditLog)
class AuditLogAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    """Append-only: nobody, not even a superuser, adds, edits or deletes an audit row here."""

    list_display = ["at", "actor", "action", "target_type", "target_id", "creator", "reason"]
    list_filter = ["action"]
    search_fields = ["target_id", "creator__external_id", "actor__username"]
    list_select_related = ["actor", "creator"]


@admin.register(models.IngestToken)
class IngestTokenAdmin(AuditedAdmin, admin.ModelAdmin):
    """Tokens are created and revoked through ``creators.tokens`` (audited, like the console's and the
    command's); only the name may be edited here. A token is revoked, never deleted, so the trail stays."""

    list_display = ["name", "prefix", "created_by", "created_at", "last_used_at", "revoked_at"]
    readonly_fields = ["prefix", "created_by", "created_at", "last_used_at", "revoked_at"]
    fields = ["name", "prefix", "created_by", "created_at", "last_used_at", "revoked_at"]
    list_select_related = ["created_by"]
    actions = ["revoke"]

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        token, raw = token_create(name=form.cleaned_data["name"], actor=request.user, request_id=None)
        # The admin goes on with ``obj`` (change message, response): make it the token the service made.
        for field in models.IngestToken._meta.concrete_fields:
            setattr(obj, field.attname, getattr(token, field.attname))
        obj._state.adding = False
        obj.raw_token = raw  # for ``response_add`` only; never stored

    def response_add(self, request, obj, post_url_continue=None):
        """The raw token is shown on this response page, once: not in a redirect, a cookie, the session
        or the messages framework."""
        context = {
            **self.admin_site.each_context(request),
            "title": _("新令牌"),
            "opts": self.model._meta,
            "token": obj,
            "raw_token": obj.raw_token,
        }
        return TemplateResponse(request, "admin/creators/ingesttoken/created.html", context)

    @admin.action(description=_("吊销所选令牌"))
    def revoke(self, request, queryset):
        now = timezone.now()
        live = list(queryset.filter(revoked_at__isnull=True))
        for token in live:
            token_revoke(token_id=token.pk, actor=request.user, request_id=None, at=now)
        self.message_user(request, _("已吊销 %(n)s 个令牌") % {"n": len(live)})


# django-axes registers its attempt rows in the admin; deleting one lifts that username+IP's sign-in lock.
# Here every such delete goes through ``lockout_release``, so it is audited like the console's 解除锁定.
admin.site.unregister(AccessAttempt)


@admin.register(AccessAttempt)
class SignInLockAdmin(AccessAttemptAdmin):
    def delete_model(self, request, obj):
        lockout_release(attempt_id=obj.pk, actor=request.user, request_id=None)

    def delete_queryset(self, request, queryset):
        for attempt_id in queryset.values_list("pk", flat=True):
            lockout_release(attempt_id=attempt_id, actor=request.user, request_id=None)
