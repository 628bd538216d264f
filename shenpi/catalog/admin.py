from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from shenpi.audit.services import record
from shenpi.core.admin import CentreAdminOnly, RuleCheckedForm

from . import rules, services
from .codes import HandlingForm, ServiceObject
from .models import Fee, FlowStage, FlowStep, Item, ItemVersion, Material, ReformRecord


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class VersionInline(ReadOnlyInline):
    model = ItemVersion
    fields = ["number", "status", "name", "category", "promised_limit", "published_at"]
    readonly_fields = fields  # type: ignore[assignment]  # the stubs type fields more widely


class ReformInline(ReadOnlyInline):
    model = ReformRecord
    fields = ["status", "effective_date", "document_number", "delegated_to", "note"]
    readonly_fields = fields  # type: ignore[assignment]  # the stubs type fields more widely
    show_change_link = False


@admin.register(Item)
class ItemAdmin(CentreAdminOnly, admin.ModelAdmin):
    """Items are created through the API or Excel import; here drafts are reviewed and published."""

    list_display = ["implementation_code", "name", "department", "effective_version", "draft"]
    list_filter = ["department"]
    search_fields = ["implementation_code", "basic_code", "versions__name"]
    readonly_fields = ["basic_code", "implementation_code", "department"]
    inlines = [VersionInline, ReformInline]
    actions = ["start_drafts", "publish_drafts"]

    def has_add_permission(self, request):
        return False

    def save_model(self, request, obj, form, change):
        services.set_warning_days(actor=request.user, item=obj, days=form.cleaned_data.get("warning_days"))
        services.set_publish_results(actor=request.user, item=obj, publish=form.cleaned_data.get("publish_results", True))
        services.set_intermediary_services(actor=request.user, item=obj,
                                           names=form.cleaned_data.get("intermediary_services") or [])

    @admin.display(description=_("name"))
    def name(self, obj):
        v = obj.versions.order_by("-number").first()
        return v.name if v else ""

    @admin.display(description=_("effective version"))
    def effective_version(self, obj):
        v = obj.versions.filter(status=ItemVersion.Status.PUBLISHED).first()
        return v.number if v else "—"

    @admin.display(description=_("draft"))
    def draft(self, obj):
        v = obj.versions.filter(status=ItemVersion.Status.DRAFT).first()
        if not v:
            return "—"
        return format_html('<a href="{}">{}</a>', reverse("admin:catalog_itemversion_change", args=[v.pk]),
                           _("version %(n)s") % {"n": v.number})

    @admin.action(description=_("Start a draft from the effective version"))
    def start_drafts(self, request, queryset):
        for item in queryset:
            if item.versions.filter(status=ItemVersion.Status.DRAFT).exists():
                messages.warning(request, _("%(item)s has a draft already.") % {"item": item})
                continue
            current = item.versions.filter(status=ItemVersion.Status.PUBLISHED).first()
            if current is None:
                continue
            draft = services.save_draft(actor=request.user, item=item, content=services.content_of(current))
            messages.success(request, _("%(item)s: draft version %(n)s started.") % {"item": item, "n": draft.number})

    @admin.action(description=_("Publish the selected items' drafts"))
    def publish_drafts(self, request, queryset):
        for item in queryset:
            try:
                v = services.publish(actor=request.user, item=item)
                messages.success(request, _("%(item)s: version %(n)s published.") % {"item": item, "n": v.number})
            except ValidationError as exc:
                messages.error(request, f"{item}: " + " ".join(exc.messages))


class MaterialInline(admin.TabularInline):
    model = Material
    extra = 0
    fields = ["order", "name", "originals", "copies", "requirement", "condition", "note", "blank_form", "sample"]


class FeeInline(admin.TabularInline):
    model = Fee
    extra = 0
    fields = ["order", "name", "standard_fen", "unit", "legal_basis"]


class StageInline(admin.TabularInline):
    model = FlowStage
    extra = 0
    fields = ["order", "name"]
    show_change_link = True


class ItemVersionForm(forms.ModelForm):
    service_objects = forms.MultipleChoiceField(label=_("service objects"), choices=ServiceObject.choices,
                                                widget=forms.CheckboxSelectMultiple)
    handling_forms = forms.MultipleChoiceField(label=_("handling forms"), choices=HandlingForm.choices,
                                               widget=forms.CheckboxSelectMultiple)

    class Meta:
        model = ItemVersion
        fields = ["name", "item_type", "level", "subject_nature", "service_objects", "category", "legal_basis",
                  "conditions", "statutory_limit", "promised_limit", "handling_forms", "visits", "centre",
                  "location", "hotline", "change_note"]


@admin.register(ItemVersion)
class ItemVersionAdmin(CentreAdminOnly, admin.ModelAdmin):
    """Only a draft is editable. Publishing (from the item list) checks every catalog rule again."""

    form = ItemVersionForm

    list_display = ["__str__", "item", "status", "category", "statutory_limit", "promised_limit"]
    list_filter = ["status", "category"]
    search_fields = ["name", "item__implementation_code"]
    inlines = [MaterialInline, FeeInline, StageInline]
    readonly_fields = ["item", "number", "status", "created_at", "created_by", "published_at", "published_by"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and (obj is None or obj.status == ItemVersion.Status.DRAFT)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        version = form.instance
        content = services.content_of(version)
        record(actor=request.user, action="catalog.draft.save", obj=version, after=services._audit_view(content))
        problems = rules.content_errors(content, department=version.item.department)
        for field, reasons in problems.items():
            messages.warning(request, _("Not publishable yet (%(field)s): %(reasons)s")
                             % {"field": field, "reasons": " ".join(reasons)})


class StepInline(admin.TabularInline):
    model = FlowStep
    extra = 0
    fields = ["order", "name", "role", "department", "budget"]


@admin.register(FlowStage)
class FlowStageAdmin(CentreAdminOnly, admin.ModelAdmin):
    inlines = [StepInline]
    fields = ["name", "order"]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        version = form.instance.version
        record(actor=request.user, action="catalog.draft.save", obj=version,
               after=services._audit_view(services.content_of(version)))

    def has_module_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and (
            obj is None or obj.version.status == ItemVersion.Status.DRAFT)


class ReformRecordForm(RuleCheckedForm):
    class Meta:
        model = ReformRecord
        fields = ["item", "status", "effective_date", "document_number", "delegated_to", "note"]

    def rule_errors(self, cleaned):
        return rules.reform_errors(status=cleaned.get("status") or "", document_number=cleaned.get("document_number"),
                                   delegated_to=cleaned.get("delegated_to"))


@admin.register(ReformRecord)
class ReformRecordAdmin(CentreAdminOnly, admin.ModelAdmin):
    """Reform records are history: added through the service, never edited."""

    form = ReformRecordForm
    list_display = ["item", "status", "effective_date", "document_number", "delegated_to"]
    list_filter = ["status"]
    search_fields = ["item__implementation_code", "document_number"]
    autocomplete_fields = ["item"]

    def has_change_permission(self, request, obj=None):
        return obj is None and super().has_change_permission(request, obj)

    def save_model(self, request, obj, form, change):
        d = form.cleaned_data
        rec = services.add_reform_record(actor=request.user, item=d["item"], status=d["status"],
                                         effective_date=d["effective_date"], document_number=d["document_number"] or "",
                                         delegated_to=d.get("delegated_to") or "", note=d.get("note") or "")
        obj.pk = rec.pk
