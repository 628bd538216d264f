"""Reads of the campaign: the problem register with its filters and counts per unit, a
problem's history, the campaign's phases and each unit's reports, the inspections, and the
assessment as the user may see it."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Count, Q, QuerySet

from shenpi.supervision.access import department_of, is_watcher

from . import access
from .models import Problem, ProblemEntry

LIST_COLUMNS = ("id", "number", "department__short_name", "department__name", "title", "kind", "source",
                "responsible__first_name", "responsible__username", "found_on", "deadline_days", "due_on", "state",
                "closed_on", "round")


def problems(user: Any, *, state: str = "", kind: str = "", department: int | None = None) -> QuerySet[Problem]:
    qs = access.problems_for(user).select_related("department", "responsible__staff")
    if state in Problem.State.values:
        qs = qs.filter(state=state)
    if kind in Problem.Kind.values:
        qs = qs.filter(kind=kind)
    if department:
        qs = qs.filter(department_id=department)
    return qs.order_by("-found_on", "-pk")


def history(problem: Problem) -> list[ProblemEntry]:
    return list(problem.entries.select_related("by__staff").order_by("at", "pk"))


def overdue(problem: Problem, on: datetime.date) -> bool:
    return problem.state == Problem.State.OPEN and problem.due_on < on


def counts(user: Any, on: datetime.date) -> list[dict]:
    """Per unit: open, of them overdue, closed; by kind."""
    rows = (access.problems_for(user).order_by().values("department_id", "department__short_name", "department__name")
            .annotate(open=Count("id", filter=Q(state=Problem.State.OPEN)),
                      overdue=Count("id", filter=Q(state=Problem.State.OPEN, due_on__lt=on)),
                      closed=Count("id", filter=Q(state=Problem.State.CLOSED)),
                      **{k: Count("id", filter=Q(kind=k)) for k in Problem.Kind.values}))
    plain: list[dict[str, Any]] = [dict(r) for r in rows]
    return sorted(({**r, "name": r["department__short_name"] or r["department__name"],
                    "kinds": [r[k] for k in Problem.Kind.values]} for r in plain),
                  key=lambda r: (-r["open"], r["name"]))


def assessment(user: Any, period_key: Any, *, sort: str = "") -> dict[str, Any] | None:
    """The ranking the user may see for the period, sorted by the total or by one indicator's
    score; None for a period that cannot be read."""
    from . import assessment as rules
    p = rules.period(period_key)
    if p is None:
        return None
    found = rules.assess(p, departments=access.assessed_departments(user))
    for row in found["departments"]:  # the cells in the indicators' order, for the page
        row["cells"] = [(ind, row["figures"][ind.code]) for ind in rules.INDICATORS]
    if sort in rules.BY_CODE:
        found["departments"].sort(key=lambda r: (r["figures"][sort]["score"] is None,
                                                 -(r["figures"][sort]["score"] or 0), r["id"]))
    return found


def assessment_records(user: Any, period_key: Any, department: int | None, code: str) -> list[dict] | None:
    """The records behind one figure, or None when the period, department or indicator is not
    one the user may open."""
    from . import assessment as rules
    p = rules.period(period_key)
    if p is None or code not in rules.BY_CODE or not department:
        return None
    if not access.assessed_departments(user).filter(pk=department).exists():
        return None
    return rules.records(p, department, code)


def current_campaign() -> Any:
    """The campaign running today, or else the latest."""
    from django.utils import timezone

    from .models import Campaign
    today = timezone.localdate()
    return (Campaign.objects.filter(starts_on__lte=today, ends_on__gte=today).order_by("-starts_on").first()
            or Campaign.objects.order_by("-starts_on", "-pk").first())


def campaign_overview(user: Any, campaign: Any, on: datetime.date) -> dict[str, Any]:
    """The phases with where the campaign stands, and for each unit the user may see, each
    phase's report: on time, late, overdue or not yet due."""
    from . import campaigns
    from .models import Inspection, Report
    phases = list(campaign.phases.order_by("order"))
    for p in phases:
        p.stage = "done" if p.ends_on < on else "current" if p.starts_on <= on else "upcoming"
    units = list(campaign.units.order_by("pk"))
    if not is_watcher(user):
        own = department_of(user)
        units = [u for u in units if u.pk == own]
    reports = {(r.phase_id, r.department_id): r for r in Report.objects.filter(
        phase__campaign=campaign, department__in=units).select_related("submitted_by__staff")}
    rows, overdue = [], 0
    for u in units:
        cells = []
        for p in phases:
            report = reports.get((p.pk, u.pk))
            state = campaigns.report_state(p, report, on)
            overdue += state == "overdue"
            cells.append({"phase": p, "report": report, "state": state})
        rows.append({"unit": u, "cells": cells})
    inspections = Inspection.objects.filter(campaign=campaign, department__in=units).select_related("department")
    return {"campaign": campaign, "phases": phases, "rows": rows, "overdue": overdue,
            "inspections": list(inspections.order_by("-planned_on", "-pk"))}


def published_inspections() -> Any:
    """What the public sees of the inspections: the published results."""
    from .models import Inspection
    return (Inspection.objects.filter(published_on__isnull=False).select_related("department", "campaign")
            .order_by("-published_on", "-pk"))
