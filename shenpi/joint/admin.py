from django.contrib import admin

from shenpi.core.admin import RecordOnly

from .models import Inspection, InspectionResult


class ResultInline(admin.TabularInline):
    model = InspectionResult
    extra = 0
    can_delete = False
    readonly_fields = ["department", "step", "passed", "items", "opinion", "recorded_by", "recorded_at"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Inspection)
class InspectionAdmin(RecordOnly, admin.ModelAdmin):
    """Site inspections of joint acceptances, with each department's result (read only here)."""

    list_display = ["case", "round", "on", "place", "scheduled_by"]
    search_fields = ["case__number"]
    raw_id_fields = ["case"]
    inlines = [ResultInline]
