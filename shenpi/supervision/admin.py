from django.contrib import admin

from shenpi.core.admin import CentreAdminOnly

from .models import Card, Finding


@admin.register(Card)
class CardAdmin(CentreAdminOnly, admin.ModelAdmin):
    list_display = ["case", "clock", "level", "due_on", "on", "responsible", "department"]
    list_filter = ["level", "clock", "on"]
    search_fields = ["case__number"]
    raw_id_fields = ["case", "step", "responsible"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Finding)
class FindingAdmin(CentreAdminOnly, admin.ModelAdmin):
    list_display = ["case", "rule", "category", "severity", "detail", "person", "department", "found_at"]
    list_filter = ["category", "severity", "rule"]
    search_fields = ["case__number", "detail"]
    raw_id_fields = ["case", "event", "person"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
