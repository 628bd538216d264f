"""Chinese labels of the audit record's action codes, for people reading it in the admin.

Apps above audit register their own (cases registers every lifecycle action in its ready());
the ones here are the platform's own writes."""

from django.utils.translation import gettext_lazy as _

_LABELS = {
    "catalog.item.create": _("Item created"), "catalog.draft.save": _("Draft saved"),
    "catalog.draft.discard": _("Draft discarded"), "catalog.version.publish": _("Version published"),
    "catalog.reform.add": _("Reform record added"), "org.centre.save": _("Centre saved"),
    "org.department.save": _("Department saved"), "org.project_group.save": _("Project group saved"),
    "org.staff.save": _("Staff saved"), "org.window.save": _("Window saved"),
    "workdays.day.change": _("Calendar day changed"), "workdays.year.add": _("Calendar year added"),
    "workdays.year.sync": _("Calendar years synced"),
    "portal.reset.request": _("Password reset code sent"), "portal.reset.done": _("Password reset"),
    "portal.signup.request": _("Registration code sent"), "portal.signup.done": _("Account registered"),
    "auth.token.issue": _("API token issued"), "auth.token.revoke": _("API token revoked"),
}


def register(labels: dict) -> None:
    _LABELS.update(labels)


def label(action: str) -> str:
    return str(_LABELS.get(action, action))
