"""Cases in the admin: read-only (every change goes through the services and their pages); the
outbox of messages to applicants is here too."""

from django.contrib import admin
from django.utils.html import format_html_join
from django.utils.translation import gettext_lazy as _

from shenpi.core.admin import CentreAdminOnly

from .models import Case, CaseEvent, FeeCharge, LookupFailure, Notice, Outbox, StepTask


class ReadOnly(CentreAdminOnly):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class StepInline(ReadOnly, admin.TabularInline):
    model = StepTask
    extra = 0
    fields = ["stage_name", "name", "department", "assignee", "due_on", "status", "outcome", "opinion"]
    readonly_fields = fields  # type: ignore[assignment]  # the stubs type fields more widely


class EventInline(ReadOnly, admin.TabularInline):
    model = CaseEvent
    extra = 0
    fields = ["seq", "at", "actor_name", "action", "from_state", "to_state"]
    readonly_fields = fields  # type: ignore[assignment]  # the stubs type fields more widely


@admin.register(Case)
class CaseAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["number", "item", "department", "state", "received_on", "promised_due", "statutory_due",
                    "provisional"]
    list_filter = ["state", "department", "channel", "provisional"]
    search_fields = ["number", "applicant_name"]
    date_hierarchy = "received_on"
    inlines = [StepInline, EventInline]
    exclude = ["applicant_id", "idempotency_key"]


@admin.register(Outbox)
class OutboxAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["created_at", "phone", "body", "sent_at", "attempts", "error", "next_attempt_at"]
    list_filter = [("sent_at", admin.EmptyFieldListFilter), ("error", admin.EmptyFieldListFilter)]
    search_fields = ["phone", "case__number"]  # the text is packed (core.packed)
    readonly_fields = ["body"]  # packed fields are not editable, so shown only when named


@admin.register(Notice)
class NoticeAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["number", "title", "case", "issued_at"]
    search_fields = ["number", "case__number"]
    readonly_fields = ["text"]

    @admin.display(description=_("text"))
    def text(self, obj: Notice) -> str:
        return format_html_join("", "<p>{}</p>", ((p,) for p in obj.body))


@admin.register(FeeCharge)
class FeeChargeAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["case", "fee", "amount_fen", "charged_by", "charged_at"]


@admin.register(LookupFailure)
class LookupFailureAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["day", "number", "address", "failures", "throttled"]
    list_filter = ["day"]
    search_fields = ["number", "address"]
    date_hierarchy = "day"
