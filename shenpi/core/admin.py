"""Admin pieces shared by the apps: access for centre administrators, writes through services."""

from django import forms
from django.conf import settings
from django.contrib import admin
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _


class RuleCheckedForm(forms.ModelForm):
    """A model form that shows a service's refusals (``rule_errors``) as form errors, before any write."""

    def rule_errors(self, cleaned) -> dict:
        return {}

    def clean(self):
        cleaned = super().clean()
        for field, reasons in self.rule_errors(cleaned).items():
            for reason in reasons:
                self.add_error(field if field in self.fields else None, reason)
        return cleaned


def is_centre_admin(user) -> bool:
    """Whether the user administers the centre. Roles are org's to define (org.roles); the ground
    floor asks the predicate the settings name (SHENPI_ADMIN_ACCESS), as Django's auth asks for
    AUTH_USER_MODEL, and so imports no app."""
    return bool(import_string(settings.SHENPI_ADMIN_ACCESS)(user))


class CentreAdminOnly:
    def has_module_permission(self, request):
        return is_centre_admin(request.user)

    def has_view_permission(self, request, obj=None):
        return is_centre_admin(request.user)

    def has_add_permission(self, request, *args):
        return is_centre_admin(request.user)

    def has_change_permission(self, request, obj=None):
        return is_centre_admin(request.user)

    def has_delete_permission(self, request, obj=None):
        # Records are referenced by history and cases; they are changed, never deleted.
        return False


class RecordOnly(CentreAdminOnly):
    """A record the system keeps (cards, findings): read in the admin, never added, changed or
    deleted there."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ServiceAdmin(CentreAdminOnly, admin.ModelAdmin):
    """A ModelAdmin whose save goes through ``save_with_service`` (validated in the form first)."""

    def form_rules(self, form, cleaned) -> dict:
        return {}

    def get_form(self, request, obj=None, **kwargs):
        form_class = super().get_form(request, obj, **kwargs)
        model_admin = self

        class Checked(RuleCheckedForm, form_class):
            def rule_errors(self, cleaned):
                return model_admin.form_rules(self, cleaned)

        return Checked

    def save_with_service(self, request, instance, data):
        raise NotImplementedError

    def save_model(self, request, obj, form, change):
        original = type(obj).objects.get(pk=obj.pk) if change else None
        data = {f: form.cleaned_data[f] for f in form.fields if f in form.cleaned_data}
        # The form ran the same rules; the service checks them again inside its transaction.
        obj.pk = self.save_with_service(request, original, data).pk

    def save_related(self, request, form, formsets, change):
        # Relations were written by the service, with its audit entry.
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)


from .models import TASK_LABELS, SweepRun  # noqa: E402


class LabelledFilter(admin.SimpleListFilter):
    """A list filter over a code column that shows each code's label (LABELS: code → label)."""

    LABELS: dict = {}

    def lookups(self, request, model_admin):
        return [(code, label) for code, label in self.LABELS.items()]

    def queryset(self, request, queryset):
        return queryset.filter(**{self.parameter_name: self.value()}) if self.value() else queryset


class TaskFilter(LabelledFilter):
    title = _("task")
    parameter_name = "task"
    LABELS = TASK_LABELS


@admin.register(SweepRun)
class SweepRunAdmin(CentreAdminOnly, admin.ModelAdmin):
    """What the periodic sweeps did, and every record one of them could not handle (read-only)."""

    list_display = ["task_label", "started_at", "done", "failed", "failed_records"]
    list_filter = [TaskFilter]
    readonly_fields = ["task", "started_at", "finished_at", "done", "failed", "failures"]
    date_hierarchy = "started_at"

    def has_add_permission(self, request, *args):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=_("failed records"))
    def failed_records(self, obj):
        return "、".join(f["record"] for f in obj.failures) or "—"
