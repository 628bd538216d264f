from django.contrib import admin

from shenpi.core.admin import RecordOnly

from .models import Card, ExchangeSystem, Finding


@admin.register(Card)
class CardAdmin(RecordOnly, admin.ModelAdmin):
    list_display = ["case", "clock", "level", "due_on", "on", "responsible", "department"]
    list_filter = ["level", "clock", "on"]
    search_fields = ["case__number"]
    raw_id_fields = ["case", "step", "responsible"]


@admin.register(Finding)
class FindingAdmin(RecordOnly, admin.ModelAdmin):
    list_display = ["case", "rule", "category", "severity", "detail", "person", "department", "found_at"]
    list_filter = ["category", "severity", "rule"]
    search_fields = ["case__number", "detail"]
    raw_id_fields = ["case", "event", "person"]


@admin.register(ExchangeSystem)
class ExchangeSystemAdmin(RecordOnly, admin.ModelAdmin):
    """Department systems of the exchange; registered and revoked with `shenpi supervise system`
    (the token is shown once there)."""

    list_display = ["code", "name", "department", "active", "last_batch_at"]
    list_filter = ["active", "department"]
    exclude = ["token_sha256"]
