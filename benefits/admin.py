from django.contrib import admin

from . import models


class LevelBenefitInline(admin.TabularInline):
    model = models.LevelBenefit
    extra = 0


@admin.register(models.Benefit)
class BenefitAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "delivery", "unit_amount", "valid_days", "dou_plus_per_missing", "position"]
    inlines = [LevelBenefitInline]


@admin.register(models.LevelBenefit)
class LevelBenefitAdmin(admin.ModelAdmin):
    list_display = ["level", "benefit", "kind", "cadence", "quantity", "value_note"]
    list_filter = ["level", "kind", "cadence"]


@admin.register(models.LevelPackage)
class LevelPackageAdmin(admin.ModelAdmin):
    list_display = ["level", "value_yuan"]


@admin.register(models.Entitlement)
class EntitlementAdmin(admin.ModelAdmin):
    list_display = ["creator", "benefit", "kind", "level", "period", "quantity", "delivered", "status", "overdue"]
    list_filter = ["status", "kind", "benefit", "overdue"]
    search_fields = ["creator__external_id", "period"]
    raw_id_fields = ["creator"]


@admin.register(models.GuaranteeCard)
class GuaranteeCardAdmin(admin.ModelAdmin):
    list_display = ["id", "creator", "amount", "status", "issued_at", "expires_at"]
    list_filter = ["status"]
    search_fields = ["creator__external_id"]
    raw_id_fields = ["creator", "entitlement", "entry"]


@admin.register(models.ClientRecommendation)
class ClientRecommendationAdmin(admin.ModelAdmin):
    list_display = ["creator", "client_name", "recommended_on", "operator", "created_at"]
    raw_id_fields = ["creator", "entitlement"]


@admin.register(models.ExtraDispatch)
class ExtraDispatchAdmin(admin.ModelAdmin):
    list_display = ["creator", "task", "dispatched_at", "operator"]
    raw_id_fields = ["creator", "entitlement", "task"]


@admin.register(models.DouPlusCredit)
class DouPlusCreditAdmin(admin.ModelAdmin):
    list_display = ["creator", "entitlement", "missing", "amount", "created_at"]
    raw_id_fields = ["creator", "entitlement"]


@admin.register(models.FeaturedCase)
class FeaturedCaseAdmin(admin.ModelAdmin):
    list_display = ["creator", "title", "status", "submitted_at", "reviewed_by", "reviewed_at"]
    list_filter = ["status"]
    raw_id_fields = ["creator", "entitlement"]
