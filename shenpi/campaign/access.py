"""Who sees and works the problem register: the centre's watchers (administrators, supervisors,
leaders) read every unit's problems; a department's staff read their own unit's. A unit's head
or chief representative registers its problems and records what was done, as do the centre's
administrators and supervisors for any unit (a problem found by supervision or inspection) and
the responsible person for their own problem. Closing (销号) is the unit head's or the centre's;
reopening is the centre's alone, when an inspection finds the rectification did not hold."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from shenpi.org.roles import is_centre_admin, is_staff_member
from shenpi.supervision.access import answers_for, department_of, is_supervisor, is_watcher

from .models import Problem


def problems_for(user: Any) -> QuerySet[Problem]:
    qs = Problem.objects.all()
    if not is_staff_member(user):
        return qs.none()
    if is_watcher(user):
        return qs
    department = department_of(user)
    return qs.filter(department_id=department) if department else qs.none()


def may_register(user: Any, department_id: int | None) -> bool:
    return is_staff_member(user) and (is_centre_admin(user) or is_supervisor(user)
                                      or answers_for(user, department_id))


def may_record(user: Any, problem: Problem) -> bool:
    return may_register(user, problem.department_id) or (is_staff_member(user) and problem.responsible_id == user.pk)


def may_close(user: Any, problem: Problem) -> bool:
    return may_register(user, problem.department_id)


def may_reopen(user: Any) -> bool:
    return is_staff_member(user) and (is_centre_admin(user) or is_supervisor(user))


def may_read_register(user: Any) -> bool:
    return is_staff_member(user) and (is_watcher(user) or department_of(user) is not None)


def may_see_assessment(user: Any) -> bool:
    """The centre's watchers see every department's assessment; a department's head or chief
    representative sees their own department's."""
    return is_staff_member(user) and (is_watcher(user) or answers_for(user, department_of(user)))


def assessed_departments(user: Any) -> Any:
    from shenpi.org.models import Department
    qs = Department.objects.order_by("pk")
    department = department_of(user)
    return qs if is_watcher(user) else qs.filter(pk=department) if department else qs.none()


def may_change_scheme(user: Any) -> bool:
    return is_centre_admin(user)
