from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from shenpi.core.admin import LabelledFilter, RecordOnly

from .models import Card, ExchangeSystem, Finding


@admin.register(Card)
class CardAdmin(RecordOnly, admin.ModelAdmin):
    list_display = ["case", "clock", "level", "due_on", "on", "responsible", "department"]
    list_filter = ["level", "clock", "on"]
    search_fields = ["case__number"]
    raw_id_fields = ["case", "step", "responsible"]


class RuleFilter(LabelledFilter):
    title = _("rule")
    parameter_name = "rule"

    def lookups(self, request, model_admin):
        from .rules import RULES
        return [(code, r.description) for code, r in RULES.items()]


@admin.register(Finding)
class FindingAdmin(RecordOnly, admin.ModelAdmin):
    list_display = ["case", "rule_text", "category", "severity", "detail", "person", "department", "found_at"]
    list_filter = ["category", "severity", RuleFilter]
    search_fields = ["case__number", "detail"]
    raw_id_fields = ["case", "event", "person"]

    @admin.display(description=_("rule"))
    def rule_text(self, obj):
        from .rules import RULES
        return RULES[obj.rule].description if obj.rule in RULES else obj.rule


@admin.register(ExchangeSystem)
class ExchangeSystemAdmin(RecordOnly, admin.ModelAdmin):
    """Department systems of the exchange; registered and revoked with `shenpi supervise system`
    (the token is shown once there)."""

    list_display = ["code", "name", "department", "active", "last_batch_at"]
    list_filter = ["active", "department"]
    exclude = ["token_sha256"]
