"""Who sees and does what in supervision: supervisors, leaders and centre administrators read
everything (watchers) and change no case; supervisors alone order, rule and hold to account;
a department's staff read their own department's cards, findings and orders, and its head or
chief representative replies and appeals for it; the public sees none of it."""

from typing import Any

from shenpi.org.roles import Role, has_role, is_centre_admin, is_staff_member


def is_watcher(user: Any) -> bool:
    return is_centre_admin(user) or has_role(user, Role.SUPERVISOR, Role.LEADER)


def is_supervisor(user: Any) -> bool:
    return has_role(user, Role.SUPERVISOR)


def department_of(user: Any) -> int | None:
    staff = getattr(user, "staff", None) if user and user.is_authenticated else None
    return staff.department_id if staff else None


def may_read(user: Any) -> bool:
    """Whether the supervision pages are anyone's to read: watchers, and department staff."""
    return is_staff_member(user) and (is_watcher(user) or department_of(user) is not None)


def answers_for(user: Any, department_id: int | None) -> bool:
    """The department's head or chief representative replies to orders and appeals cards."""
    return bool(department_id) and department_of(user) == department_id and has_role(user, Role.DEPT_HEAD,
                                                                                      Role.CHIEF_REP)


def scoped(qs: Any, user: Any, field: str = "department_id") -> Any:
    """A query of supervision records narrowed to what the user may read."""
    if is_watcher(user):
        return qs
    department = department_of(user)
    return qs.filter(**{field: department}) if department else qs.none()
