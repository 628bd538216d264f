"""Who sees and handles what in feedback.

A complaint is seen only by its complainant (the account that made it, or whoever holds its
number and query code) and by those handling it: supervisors, who accept it and rule; the
head or chief representative of the department given it to handle; and the member of staff it
is assigned to. The person complained of never sees it, whatever their role, so that no one
learns who complained of them from Shenpi. Leaders and administrators see its figures only.

A rating is seen by the department rated (its head or chief representative works the
follow-up and may appeal) and by supervisors, who rule on appeals; the applicant sees their
own on their case."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from shenpi.org.roles import Role, has_role
from shenpi.supervision.access import answers_for, department_of, is_supervisor, is_watcher

from .models import Complaint, FollowUp, Rating

__all__ = ["answers_for", "complaints_for", "department_of", "handles", "is_supervisor", "may_see_figures",
           "ratings_for", "works_follow_up"]


def _signed_in(user: Any) -> bool:
    return bool(user and user.is_authenticated)


def complaints_for(user: Any) -> QuerySet[Complaint]:
    """The complaints the user handles (staff) or made (applicants)."""
    qs = Complaint.objects.all()
    if not _signed_in(user):
        return qs.none()
    if is_supervisor(user):
        return qs
    mine = Q(complainant_user=user) | Q(assignee=user)
    department = department_of(user)
    if department and has_role(user, Role.DEPT_HEAD, Role.CHIEF_REP):
        mine |= Q(handling_department_id=department)
    return qs.filter(mine).exclude(Q(against_person=user) & ~Q(complainant_user=user))


def handles(user: Any, complaint: Complaint) -> bool:
    """Whether the user may write on the complaint's investigation (notes, extension, reply)."""
    if not _signed_in(user) or complaint.against_person_id == user.pk:
        return False
    return (is_supervisor(user) or complaint.assignee_id == user.pk
            or answers_for(user, complaint.handling_department_id))


def works_follow_up(user: Any, follow_up: FollowUp) -> bool:
    """The rated department's head or chief representative calls back and rectifies."""
    return answers_for(user, follow_up.department_id)


def ratings_for(user: Any) -> QuerySet[Rating]:
    qs = Rating.objects.all()
    if is_supervisor(user) or is_watcher(user):
        return qs
    department = department_of(user)
    if department and has_role(user, Role.DEPT_HEAD, Role.CHIEF_REP):
        return qs.filter(department_id=department)
    return qs.none()


def may_see_figures(user: Any) -> bool:
    """The figures (counts, no names of applicants): watchers, and department staff for their
    own department's rows."""
    return is_watcher(user) or department_of(user) is not None
