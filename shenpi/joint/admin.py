from django.contrib import admin

from shenpi.audit.services import record
from shenpi.core.admin import CentreAdminOnly, RecordOnly

from .models import AcceptanceItem, Inspection, InspectionResult


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


@admin.register(AcceptanceItem)
class AcceptanceItemAdmin(CentreAdminOnly, admin.ModelAdmin):
    """Which items are joint completion acceptances (their parallel stage is a site inspection);
    every change audited."""

    list_display = ["item"]
    autocomplete_fields = ["item"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        record(actor=request.user, action="joint.acceptance_item.save", obj=obj, after={"item": obj.item_id})

    def delete_model(self, request, obj):
        record(actor=request.user, action="joint.acceptance_item.delete", obj=obj, before={"item": obj.item_id})
        super().delete_model(request, obj)
