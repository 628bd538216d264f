"""Reads of the problem register: the list a user may see with its filters, a problem with its
history, and the counts the campaign's overview shows per unit."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Count, Q, QuerySet

from . import access
from .models import Problem, ProblemEntry

LIST_COLUMNS = ("id", "number", "department__short_name", "department__name", "title", "kind", "source",
                "responsible__first_name", "responsible__username", "found_on", "deadline_days", "due_on", "state",
                "closed_on", "round")


def problems(user: Any, *, state: str = "", kind: str = "", department: int | None = None) -> QuerySet[Problem]:
    qs = access.problems_for(user).select_related("department", "responsible")
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
