import json

from django.apps import apps
from django.contrib import admin
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from shenpi.core.admin import CentreAdminOnly

from .labels import label
from .models import AuditEntry


class ObjectTypeFilter(admin.SimpleListFilter):
    """The kinds of object in the record, by their names rather than their model labels."""

    title = _("object type")
    parameter_name = "object_type"

    def lookups(self, request, model_admin):
        kinds = AuditEntry.objects.order_by().values_list("object_type", flat=True).distinct()
        return sorted(((k, _object_name(k)) for k in kinds), key=lambda kv: str(kv[1]))

    def queryset(self, request, queryset):
        return queryset.filter(object_type=self.value()) if self.value() else queryset


def _object_name(object_type: str) -> str:
    try:
        return str(apps.get_model(object_type)._meta.verbose_name)
    except (LookupError, ValueError):
        return str({"workdays.calendaryear": _("calendar year")}.get(object_type, object_type))


def _json(value) -> str:
    if value is None:
        return "-"
    return format_html("<pre>{}</pre>", json.dumps(value, ensure_ascii=False, indent=2, sort_keys=True))


@admin.register(AuditEntry)
class AuditEntryAdmin(CentreAdminOnly, admin.ModelAdmin):
    """Read only, for centre administrators: the record is appended by the services alone."""

    list_display = ["seq", "at", "actor_name", "action_label", "object_label", "object_repr"]
    list_filter = [ObjectTypeFilter]
    search_fields = ["object_repr", "actor_name", "object_id", "action"]
    # Before and after are packed (core.packed), and the hash kept as bytes: none is an
    # editable field, so each is shown only when named.
    readonly_fields = ["before_value", "after_value", "hash"]

    @admin.display(description=_("before"))
    def before_value(self, obj):
        return _json(obj.before)

    @admin.display(description=_("after"))
    def after_value(self, obj):
        return _json(obj.after)

    @admin.display(description=_("action"), ordering="action")
    def action_label(self, obj):
        return label(obj.action)

    @admin.display(description=_("object type"), ordering="object_type")
    def object_label(self, obj):
        return _object_name(obj.object_type)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
