from django.contrib import admin

from shenpi.core.admin import CentreAdminOnly

from .models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(CentreAdminOnly, admin.ModelAdmin):
    """Read only, for centre administrators: the record is appended by the services alone."""

    list_display = ["seq", "at", "actor_name", "action", "object_type", "object_repr"]
    list_filter = ["action", "object_type"]
    search_fields = ["object_repr", "actor_name", "object_id"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
