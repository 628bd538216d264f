"""Reads of the organisation, scoped to who asks."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet

from .models import Staff
from .roles import Role, has_role, is_centre_admin

if TYPE_CHECKING:
    from django.contrib.auth.models import User


def staff_visible_to(user: User) -> QuerySet[Staff]:
    """Centre administrators, supervisors and leaders see every staff member; department
    staff see their own department's colleagues; everyone else sees no one."""
    qs = Staff.objects.select_related("user", "department", "window").prefetch_related("user__groups")
    if is_centre_admin(user) or has_role(user, Role.SUPERVISOR, Role.LEADER):
        return qs
    own = getattr(user, "staff", None) if user.is_authenticated else None
    if own is None or own.department_id is None:
        return qs.filter(pk=own.pk) if own else qs.none()
    return qs.filter(department_id=own.department_id)
