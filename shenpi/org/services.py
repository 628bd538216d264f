"""Every write to the organisation: keyword-only, one transaction each, permission checked, audited.

The rules of notice §四(四)3 live in ``staff_errors`` and ``window_errors`` so that the admin
forms can show the same refusals before anything is written.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from stdnum.cn import uscc

from shenpi.audit.services import record

from .models import Centre, Department, ProjectGroup, Staff, Window
from .roles import DEPARTMENT_ROLES, Role, is_centre_admin

if TYPE_CHECKING:
    from typing import Any

    from django.contrib.auth.models import User

CHIEF_REP_POSITIONS = {Staff.Position.DEPUTY_HEAD, Staff.Position.SECTION_CHIEF}


def _require_admin(actor: User) -> None:
    if not is_centre_admin(actor):
        raise PermissionDenied(_("Only centre administrators may change the organisation."))


def _raise(errors: dict) -> None:
    if errors:
        raise ValidationError(errors)


# --- rules -------------------------------------------------------------------------------

def credit_code_errors(code: str) -> list[str]:
    if not uscc.is_valid(code or ""):
        return [_("“%(code)s” is not a valid unified social credit code (18 characters with a correct check character).")
                % {"code": code}]
    return []


def centre_errors(*, parent: Centre | None) -> dict:
    if parent is not None and parent.parent_id is not None:
        return {"parent": [_("A sub-centre belongs to the city centre, not to another sub-centre.")]}
    return {}


def window_errors(*, department: Any, accept_items: Any, decide_items: Any) -> dict:
    errors = {}
    accept_ids = {i.pk for i in accept_items}
    if any(i.pk not in accept_ids for i in decide_items):
        errors["decide_items"] = [_("A window may decide only items it also accepts.")]
    if department is not None:
        foreign = [i for i in [*accept_items, *decide_items] if i.department_id != department.pk]
        if foreign:
            errors["accept_items"] = [
                _("A department's window takes only its department's items; not: %(codes)s.")
                % {"codes": ", ".join(sorted({i.implementation_code for i in foreign}))}]
    return errors


def staff_errors(*, staff_pk: int | None, department: Any, window: Any, employment: str, position: str,
                 roles: Any) -> dict:
    errors: dict[str, list[str]] = {}
    roles = {str(r) for r in roles}
    unknown = roles - set(Role.values)
    if unknown:
        errors["roles"] = [_("Unknown role: %(roles)s.") % {"roles": ", ".join(sorted(unknown))}]
    # Notice §四(四)3: windows are staffed by permanent staff only, never temporary hires.
    if window is not None and employment != Staff.Employment.PERMANENT:
        errors["employment"] = [_("Only permanent staff (在编在岗) may serve at a window.")]
    if window is not None and window.department_id and window.department_id != getattr(department, "pk", None):
        errors.setdefault("window", []).append(_("The window belongs to another department."))
    if Role.WINDOW_CLERK in roles and window is None:
        errors.setdefault("window", []).append(_("A window clerk needs a window."))
    dept_roles = {str(x) for x in DEPARTMENT_ROLES}
    if window is not None and window.department_id is None:
        dept_roles.discard(Role.WINDOW_CLERK)  # a general window (综合窗口) is staffed by the centre
    needing = sorted(str(Role(r).label) for r in roles & dept_roles)
    if needing and department is None:
        errors["department"] = [_("These roles act for a department: %(roles)s.") % {"roles": ", ".join(needing)}]
    # Notice §四(四)3: the chief representative is the deputy head in charge or the approval section chief.
    if Role.CHIEF_REP in roles:
        if position not in CHIEF_REP_POSITIONS:
            errors["position"] = [_("A chief representative must be the department's deputy head in charge "
                                    "or its approval section chief.")]
        if department is not None:
            other = (Staff.objects.filter(department=department, user__groups__name=Role.CHIEF_REP)
                     .exclude(pk=staff_pk).first())  # type: ignore[misc]  # pk=None excludes nothing
            if other:
                errors.setdefault("roles", []).append(
                    _("%(dept)s already has a chief representative: %(name)s.")
                    % {"dept": department.name, "name": other.name})
    return errors


# --- centres, departments, groups, windows --------------------------------------------------

def _snapshot(obj: Any, fields: Any) -> dict:
    out = {}
    for f in fields:
        v = getattr(obj, f)
        out[f] = v.pk if hasattr(v, "pk") else v
    return out


CENTRE_FIELDS = ["name", "code", "parent", "address", "hotline", "opening_hours"]
DEPARTMENT_FIELDS = ["name", "short_name", "credit_code", "centre"]
WINDOW_FIELDS = ["centre", "number", "name", "department", "video_url_template"]


def _save_plain(*, actor: User, model: type[Any], instance: Any, fields: dict, snapshot_fields: Any,
                unique: Any, action: str) -> Any:
    """Create or change a record of plain fields: unique fields checked, audited with before/after."""
    before = _snapshot(instance, snapshot_fields) if instance else None
    instance = instance or model()
    for k, v in fields.items():
        setattr(instance, k, v)
    _unique_or_raise(instance, unique)
    instance.save()
    record(actor=actor, action=action, obj=instance, before=before, after=_snapshot(instance, snapshot_fields))
    return instance


def _unique_or_raise(obj: Any, fields: Any) -> None:
    model = type(obj)
    errors = {}
    for f in fields:
        if model.objects.filter(**{f: getattr(obj, f)}).exclude(pk=obj.pk).exists():
            errors[f] = [_("%(value)s is taken already.") % {"value": getattr(obj, f)}]
    _raise(errors)


@transaction.atomic
def save_centre(*, actor: User, centre: Centre | None = None, **fields: Any) -> Centre:
    _require_admin(actor)
    _raise(centre_errors(parent=fields.get("parent", centre.parent if centre else None)))
    return _save_plain(actor=actor, model=Centre, instance=centre, fields=fields, snapshot_fields=CENTRE_FIELDS,
                       unique=["name", "code"], action="org.centre.save")


@transaction.atomic
def save_department(*, actor: User, department: Department | None = None, **fields: Any) -> Department:
    _require_admin(actor)
    if "credit_code" in fields:
        fields["credit_code"] = (fields["credit_code"] or "").strip().upper()
        errs = credit_code_errors(fields["credit_code"])
        _raise({"credit_code": errs} if errs else {})
    return _save_plain(actor=actor, model=Department, instance=department, fields=fields,
                       snapshot_fields=DEPARTMENT_FIELDS, unique=["name", "credit_code"], action="org.department.save")


@transaction.atomic
def set_project_group(*, actor: User, kind: str, name: str, departments: Any) -> ProjectGroup:
    _require_admin(actor)
    group, _created = ProjectGroup.objects.get_or_create(kind=kind, defaults={"name": name})
    before = {"name": group.name, "departments": sorted(group.departments.values_list("pk", flat=True))}
    group.name = name
    group.save()
    group.departments.set(departments)
    record(actor=actor, action="org.project_group.save", obj=group, before=before,
           after={"name": name, "departments": sorted(d.pk for d in departments)})
    return group


@transaction.atomic
def save_window(*, actor: User, window: Window | None = None, accept_items: Any = None,
                decide_items: Any = None, **fields: Any) -> Window:
    _require_admin(actor)
    department = fields.get("department", window.department if window else None)
    accept_items = list(accept_items if accept_items is not None else (window.accept_items.all() if window else []))
    decide_items = list(decide_items if decide_items is not None else (window.decide_items.all() if window else []))
    _raise(window_errors(department=department, accept_items=accept_items, decide_items=decide_items))
    before = None
    if window:
        before = {**_snapshot(window, WINDOW_FIELDS),
                  "accept_items": sorted(window.accept_items.values_list("pk", flat=True)),
                  "decide_items": sorted(window.decide_items.values_list("pk", flat=True))}
    window = window or Window()
    for k, v in fields.items():
        setattr(window, k, v)
    if Window.objects.filter(centre=window.centre, number=window.number).exclude(pk=window.pk).exists():
        _raise({"number": [_("The centre has a window numbered %(n)s already.") % {"n": window.number}]})
    if window.pk and department is not None:
        others = [s.name for s in window.staff.exclude(department=department)]
        if others:
            _raise({"department": [_("Staff of another department serve at this window: %(names)s.")
                                   % {"names": ", ".join(others)}]})
    window.save()
    window.accept_items.set(accept_items)
    window.decide_items.set(decide_items)
    record(actor=actor, action="org.window.save", obj=window, before=before,
           after={**_snapshot(window, WINDOW_FIELDS), "accept_items": sorted(i.pk for i in accept_items),
                  "decide_items": sorted(i.pk for i in decide_items)})
    return window


# --- staff --------------------------------------------------------------------------------

STAFF_FIELDS = ["name", "department", "window", "employment", "position", "phone"]


def _staff_view(staff: Staff) -> dict:
    return {**_snapshot(staff, STAFF_FIELDS), "username": staff.user.username,
            "roles": sorted(staff.user.groups.values_list("name", flat=True))}


@transaction.atomic
def save_staff(*, actor: User, staff: Staff | None = None, user: User | None = None,
               username: str | None = None,
               password: str | None = None, roles: Any = None, **fields: Any) -> Staff:
    """Create or change a staff member and their roles, refusing assignments the notice forbids.

    ``user`` gives an existing account a staff profile instead of creating a new account."""
    _require_admin(actor)
    User = get_user_model()
    current = {f: getattr(staff, f) for f in STAFF_FIELDS} if staff else {f: None for f in STAFF_FIELDS}
    state = {**current, **fields}
    roles = set(roles) if roles is not None else (set(staff.user.groups.values_list("name", flat=True)) if staff else set())
    errors = staff_errors(staff_pk=staff.pk if staff else None, department=state["department"], window=state["window"],
                          employment=state["employment"], position=state["position"], roles=roles)
    if staff is None and user is not None:
        if Staff.objects.filter(user=user).exists():
            errors["user"] = [_("The account has a staff profile already.")]
    elif staff is None:
        if not username:
            errors["username"] = [_("A new staff member needs a user name.")]
        elif User.objects.filter(username=username).exists():
            errors["username"] = [_("The user name %(name)s is taken already.") % {"name": username}]
    for f in ("name", "employment", "position"):
        if not state.get(f):
            errors.setdefault(f, []).append(_("This field is required."))
    _raise(errors)
    before = _staff_view(staff) if staff else None
    if staff is None and user is not None:
        staff = Staff(user=user)
    elif staff is None:
        user = User.objects.create_user(username=username or "", password=password)
        if not password:
            user.set_unusable_password()
            user.save(update_fields=["password"])
        staff = Staff(user=user)
    elif password:
        staff.user.set_password(password)
        staff.user.save(update_fields=["password"])
    for k, v in state.items():
        setattr(staff, k, v if v is not None or k in {"department", "window"} else "")
    staff.save()
    staff.user.groups.set(Group.objects.filter(name__in=roles))
    # The Django admin is the centre administrators' tool.
    staff.user.is_staff = staff.user.is_superuser or Role.CENTRE_ADMIN in roles
    staff.user.save(update_fields=["is_staff"])
    record(actor=actor, action="org.staff.save", obj=staff, before=before, after=_staff_view(staff))
    return staff
