from django import forms
from django.contrib import admin, messages
from django.db import models as db_models
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from creators.admin_audit import AuditedAdmin, ReadOnlyAdmin
from lib.errors import ApplicationError

from . import models
from .services import cases


class LevelBenefitInline(admin.TabularInline):
    model = models.LevelBenefit
    extra = 0


@admin.register(models.Benefit)
class BenefitAdmin(AuditedAdmin, admin.ModelAdmin):
    list_display = ["code", "name", "delivery", "unit_amount", "valid_days", "dou_plus_per_missing", "position"]
    inlines = [LevelBenefitInline]


@admin.register(models.LevelBenefit)
class LevelBenefitAdmin(AuditedAdmin, admin.ModelAdmin):
    list_display = ["level", "benefit", "kind", "cadence", "quantity", "value_note"]
    list_filter = ["level", "kind", "cadence"]


@admin.register(models.LevelPackage)
class LevelPackageAdmin(AuditedAdmin, admin.ModelAdmin):
    list_display = ["level", "value_yuan"]


@admin.register(models.Entitlement)
class EntitlementAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    list_display = ["creator", "benefit", "kind", "level", "period", "quantity", "delivered", "status", "overdue"]
    list_filter = ["status", "kind", "benefit", "overdue"]
    search_fields = ["creator__external_id", "period"]
    raw_id_fields = ["creator"]


@admin.register(models.GuaranteeCard)
class GuaranteeCardAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    list_display = ["id", "creator", "amount", "status", "issued_at", "expires_at"]
    list_filter = ["status"]
    search_fields = ["creator__external_id"]
    raw_id_fields = ["creator", "entitlement", "entry"]


@admin.register(models.ClientRecommendation)
class ClientRecommendationAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    list_display = ["creator", "client_name", "recommended_on", "operator", "created_at"]
    raw_id_fields = ["creator", "entitlement"]


@admin.register(models.ExtraDispatch)
class ExtraDispatchAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    list_display = ["creator", "task", "dispatched_at", "operator"]
    raw_id_fields = ["creator", "entitlement", "task"]


@admin.register(models.DouPlusCredit)
class DouPlusCreditAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    list_display = ["creator", "entitlement", "missing", "amount", "created_at"]
    raw_id_fields = ["creator", "entitlement"]


class RejectCasesForm(forms.Form):
    reason = forms.CharField(label=_("未通过原因"), max_length=300, widget=forms.Textarea(attrs={"rows": 3}))


@admin.register(models.FeaturedCase)
class FeaturedCaseAdmin(AuditedAdmin, admin.ModelAdmin):
    list_display = ["creator", "title", "status", "submitted_at", "reviewed_by", "reviewed_at"]
    list_filter = ["status"]
    raw_id_fields = ["creator", "entitlement"]
    # The review (``case_review``: audit row, message, gallery) is the only way a status changes.
    readonly_fields = ["status", "reviewed_by", "reviewed_at", "review_note"]
    formfield_overrides = {db_models.URLField: {"assume_scheme": "https"}}
    actions = ["approve", "reject"]

    def _review(self, request, queryset, *, approve: bool, reason: str) -> None:
        """Each selected case through ``case_review`` (audit row, message to the creator); refusals
        (already reviewed, a second approved case) are reported, not raised."""
        done = 0
        for case in queryset.order_by("submitted_at"):
            try:
                cases.case_review(case_id=case.pk, actor=request.user, approve=approve, reason=reason, request_id=None,
                                     at=timezone.now())  # fmt: skip
            except ApplicationError as error:
                self.message_user(request, f"{case.title}: {error.message}", messages.WARNING)
            else:
                done += 1
        if done:
            self.message_user(request, _("已审核 %(n)s 条案例") % {"n": done}, messages.SUCCESS)

    @admin.action(description=_("审核通过所选案例"))
    def approve(self, request, queryset):
        self._review(request, queryset, approve=True, reason="")

    @admin.action(description=_("审核不通过所选案例（填写原因）"))
    def reject(self, request, queryset):
        """A reason is required: the first press shows a form for it, the second applies it."""
        form = RejectCasesForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            self._review(request, queryset, approve=False, reason=form.cleaned_data["reason"])
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": _("审核不通过"),
            "cases": queryset,
            "form": form,
            "opts": self.model._meta,
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/benefits/featuredcase/reject.html", context)
