"""Construction projects (D3): registered by the centre, every case of the builder's linked to
its project, and one timeline of where the project stands and who holds it. The builder sees
their own projects' timelines in the portal and nothing of other builders'."""

from __future__ import annotations

import decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from stdnum.cn import uscc

from shenpi.audit.services import record
from shenpi.cases.models import Case, StepTask
from shenpi.core.exceptions import Refused
from shenpi.core.validation import text as _text
from shenpi.org.roles import Role, has_role, is_centre_admin
from shenpi.supervision import selectors as supervision

from .models import Project, ProjectCase


def may_register(user: Any) -> bool:
    """The centre's windows and administrators register projects and link their cases."""
    return is_centre_admin(user) or has_role(user, Role.WINDOW_CLERK)


@transaction.atomic
def register(*, actor: Any, code: str, name: str, builder_name: str, builder_id: str, site: str,
             investment: Any) -> Project:
    if not may_register(actor):
        raise Refused(_("Only the centre's windows register construction projects."))
    errors: dict[str, list[str]] = {}
    code, builder_id = _text(code).upper(), _text(builder_id).upper()
    if not code or len(code) > 40:
        errors["code"] = [_("Give the project code (at most 40 characters).")]
    elif Project.objects.filter(code=code).exists():
        errors["code"] = [_("A project with this code is registered already.")]
    for field, value, limit in (("name", name, 200), ("builder_name", builder_name, 100), ("site", site, 200)):
        if not _text(value) or len(_text(value)) > limit:
            errors[field] = [_("Required, at most %(n)s characters.") % {"n": limit}]
    if not uscc.is_valid(builder_id):
        errors["builder_id"] = [_("“%(v)s” is not a valid unified social credit code.") % {"v": builder_id}]
    try:
        amount = decimal.Decimal(str(investment))
        if not amount.is_finite() or amount < 0 or amount >= decimal.Decimal("1e12"):
            raise decimal.InvalidOperation
    except (decimal.InvalidOperation, ValueError):
        errors["investment"] = [_("The investment in 10,000 yuan, a number from 0.")]
        amount = decimal.Decimal(0)
    if errors:
        raise ValidationError(errors)
    project = Project.objects.create(code=code, name=_text(name), builder_name=_text(builder_name),
                                     builder_id=builder_id, site=_text(site), investment=amount.quantize(
                                         decimal.Decimal("0.01")), created_by=actor)
    record(actor=actor, action="joint.project.register", obj=project,
           after={"code": code, "name": project.name, "builder_id": builder_id, "investment": str(project.investment)})
    return project


@transaction.atomic
def link(*, actor: Any, project: Project, case: Case) -> ProjectCase:
    """Put a case of the builder's on the project's timeline."""
    if not may_register(actor):
        raise Refused(_("Only the centre's windows link cases to construction projects."))
    if case.applicant_id.upper() != project.builder_id:
        raise ValidationError({"case": [_("The case's applicant is not the project's builder.")]})
    if ProjectCase.objects.filter(case=case).exists():
        raise ValidationError({"case": [_("The case belongs to a project already.")]})
    link = ProjectCase.objects.create(project=project, case=case, linked_by=actor)
    record(actor=actor, action="joint.project.link", obj=project, after={"case": case.number})
    return link


def timeline(project: Project) -> list[dict]:
    """The project's cases in the order received: each one's item, department, state, light and
    who holds it now (the open steps' people, or the window)."""
    on = timezone.localdate()
    soon = supervision.warning_horizon(on)
    cases = list(Case.objects.filter(project_link__project=project).select_related("version", "department",
                                                                                   "received_by__staff")
                 .order_by("received_at"))
    holders: dict[int, list[str]] = {}
    for step in (StepTask.objects.filter(case__in=cases, status=StepTask.Status.OPEN)
                 .select_related("assignee__staff", "department")):
        who = step.assignee.staff.name if step.assignee and hasattr(step.assignee, "staff") else "—"
        holders.setdefault(step.case_id, []).append(f"{step.department.short_name or step.department.name} {who}")
    rows = []
    for c in cases:
        light = supervision.light_of(c, on, soon)
        rows.append({"case": c, "light": light, "light_word": supervision.LIGHT_WORDS.get(light, ""),
                     "holders": holders.get(c.pk, [])})
    return rows


def projects_of_applicant(user: Any):
    """The projects in which this portal account applied for a case."""
    if not user or not user.is_authenticated:
        return Project.objects.none()
    return Project.objects.filter(links__case__applicant_user=user).distinct()


def search(q: str = ""):
    qs = Project.objects.all()
    if q:
        qs = qs.filter(Q(code__icontains=q) | Q(name__icontains=q) | Q(builder_name__icontains=q))
    return qs.order_by("-created_at")
