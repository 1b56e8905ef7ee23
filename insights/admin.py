from django.contrib import admin

from creators.admin_audit import ReadOnlyAdmin

from . import models


@admin.register(models.DailyIndex)
class DailyIndexAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    """The daily index is written by the ``compute_index`` job only; shown here for support."""

    list_display = ["creator", "date", "composite", "reach", "cooperation", "growth", "value", "conversion"]
    search_fields = ["creator__external_id"]
    raw_id_fields = ["creator"]
    date_hierarchy = "date"
    ordering = ["-date", "creator_id"]
