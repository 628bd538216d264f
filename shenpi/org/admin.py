from django import forms
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group
from django.utils.translation import gettext_lazy as _
from knox.models import AuthToken

from shenpi.core.admin import ServiceAdmin

from . import services
from .models import Centre, Department, ProjectGroup, Staff, Window
from .roles import Role


@admin.register(Centre)
class CentreAdmin(ServiceAdmin):
    list_display = ["name", "code", "parent", "hotline"]
    fields = ["name", "code", "parent", "address", "hotline", "opening_hours"]

    def form_rules(self, form, cleaned):
        return services.centre_errors(parent=cleaned.get("parent"))

    def save_with_service(self, request, instance, data):
        return services.save_centre(actor=request.user, centre=instance, **data)


@admin.register(Department)
class DepartmentAdmin(ServiceAdmin):
    list_display = ["name", "short_name", "credit_code", "centre"]
    search_fields = ["name", "credit_code"]
    fields = ["name", "short_name", "credit_code", "centre"]

    def form_rules(self, form, cleaned):
        errs = services.credit_code_errors((cleaned.get("credit_code") or "").strip().upper())
        return {"credit_code": errs} if errs else {}

    def save_with_service(self, request, instance, data):
        return services.save_department(actor=request.user, department=instance, **data)


@admin.register(ProjectGroup)
class ProjectGroupAdmin(ServiceAdmin):
    list_display = ["name", "kind"]
    filter_horizontal = ["departments"]
    fields = ["kind", "name", "departments"]

    def save_with_service(self, request, instance, data):
        return services.set_project_group(actor=request.user, kind=data["kind"], name=data["name"],
                                          departments=list(data["departments"]))


@admin.register(Window)
class WindowAdmin(ServiceAdmin):
    list_display = ["number", "name", "centre", "department"]
    list_filter = ["centre", "department"]
    filter_horizontal = ["accept_items", "decide_items"]
    fields = ["centre", "number", "name", "department", "accept_items", "decide_items", "video_url_template"]

    def form_rules(self, form, cleaned):
        return services.window_errors(department=cleaned.get("department"),
                                      accept_items=list(cleaned.get("accept_items") or []),
                                      decide_items=list(cleaned.get("decide_items") or []))

    def save_with_service(self, request, instance, data):
        data["accept_items"] = list(data.get("accept_items") or [])
        data["decide_items"] = list(data.get("decide_items") or [])
        return services.save_window(actor=request.user, window=instance, **data)


class StaffForm(forms.ModelForm):
    username = forms.CharField(label=_("user name"), max_length=150, required=False)
    password = forms.CharField(label=_("password"), required=False, widget=forms.PasswordInput,
                               help_text=_("Leave empty to keep the current password."))
    roles = forms.MultipleChoiceField(label=_("roles"), choices=Role.choices, required=False,
                                      widget=forms.CheckboxSelectMultiple)

    class Meta:
        model = Staff
        fields = ["name", "department", "window", "employment", "position", "phone"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["username"].disabled = True
            self.fields["username"].initial = self.instance.user.username
            self.fields["roles"].initial = list(self.instance.user.groups.values_list("name", flat=True))


@admin.register(Staff)
class StaffAdmin(ServiceAdmin):
    form = StaffForm
    list_display = ["name", "department", "window", "employment", "position"]
    list_filter = ["department", "employment", "position"]
    search_fields = ["name", "user__username"]

    def get_fields(self, request, obj=None):
        return ["username", "password", "name", "department", "window", "employment", "position", "phone", "roles"]

    def form_rules(self, form, cleaned):
        return services.staff_errors(
            staff_pk=form.instance.pk, department=cleaned.get("department"), window=cleaned.get("window"),
            employment=cleaned.get("employment"), position=cleaned.get("position"), roles=cleaned.get("roles") or [])

    def save_with_service(self, request, instance, data):
        if instance is not None:
            data.pop("username", None)
        if not data.get("password"):
            data.pop("password", None)
        return services.save_staff(actor=request.user, staff=instance, **data)


# Roles are given only through the staff form above, where the notice's rules are checked.
User = get_user_model()
admin.site.unregister(User)


@admin.register(User)
class ShenpiUserAdmin(UserAdmin):
    fieldsets = [
        (None, {"fields": ("username", "password")}),
        (_("Permissions"), {"fields": ("is_active", "is_staff", "is_superuser")}),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    ]
    list_filter = ["is_staff", "is_superuser", "is_active"]

    def has_module_permission(self, request):
        return request.user.is_superuser


# Roles are groups named by their code; the admin shows them by their Chinese name.
admin.site.unregister(Group)


@admin.register(Group)
class RoleGroupAdmin(GroupAdmin):
    list_display = ["role"]

    @admin.display(description=_("role"), ordering="name")
    def role(self, obj):
        return Role(obj.name).label if obj.name in Role.values else obj.name


# API tokens are stored hashed and expire; nobody needs to read or mint them in the admin (a
# user's tokens go when the user logs out or the account is deactivated).
admin.site.unregister(AuthToken)
