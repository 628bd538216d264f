"""The problem register's rules (G2, 查摆问题 and 四不放过): a problem is registered with its kind,
where it was found, the measure, a responsible person of the unit and a deadline in working days
(counted on the centre's calendar from the day it was found); each of the four conditions is
recorded by a named person with what was done; the problem closes only when all four are
recorded in the current round, and the refusal names the missing ones; reopening starts a new
round, in which all four must be recorded again, and keeps the history. Every write is checked
and audited; a refused write changes nothing."""

from __future__ import annotations

import datetime
import uuid
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shenpi.audit.services import record
from shenpi.core.exceptions import Refused
from shenpi.core.validation import require, text
from shenpi.org.models import Department
from shenpi.workdays.selectors import add_workdays

from . import access
from .models import Problem, ProblemEntry

CONDITIONS = [c for c, _label in ProblemEntry.Condition.choices]
MAX_DEADLINE = 250  # working days: about a year


def _choice(value: Any, choices: Any) -> str:
    return value if isinstance(value, str) and value in choices.values else ""


def _deadline(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    return value if isinstance(value, int) and 1 <= value <= MAX_DEADLINE else None


def _person(value: Any, department_id: int) -> Any:
    """A member of staff of the unit (or of the centre, for a unit without staff records)."""
    pk = value.pk if hasattr(value, "pk") else value
    if isinstance(pk, str) and pk.strip().isdigit():
        pk = int(pk.strip())
    if not isinstance(pk, int) or isinstance(pk, bool) or not 0 < pk < 2**62:
        return None
    return get_user_model().objects.filter(pk=pk, staff__department_id=department_id, is_active=True).first()


def current_conditions(problem: Problem) -> dict[str, ProblemEntry]:
    """The conditions recorded in the problem's current round, the latest of each."""
    found: dict[str, ProblemEntry] = {}
    for entry in problem.entries.filter(round=problem.round, action=ProblemEntry.Action.CONDITION).select_related("by__staff"):
        found[entry.condition] = entry
    return found


def missing_conditions(problem: Problem) -> list[str]:
    have = current_conditions(problem)
    return [c for c in CONDITIONS if c not in have]


@transaction.atomic
def register(*, actor: Any, department: Any, title: Any, kind: Any, source: Any, measure: Any, responsible: Any,
             deadline_days: Any, found_on: datetime.date | None = None, detail: Any = "", cause: Any = "") -> Problem:
    dept = department if isinstance(department, Department) else None
    if dept is None and isinstance(department, int) and not isinstance(department, bool) and 0 < department < 2**62:
        dept = Department.objects.filter(pk=department).first()
    if dept is not None and not access.may_register(actor, dept.pk):
        raise Refused(_("Only the unit's head or chief representative, or the centre, registers its problems."))
    errors: dict[str, list[str]] = {}
    if dept is None:
        errors["department"] = [_("Choose the unit.")]
    fields = {"title": text(title)[:200], "detail": text(detail), "cause": text(cause), "measure": text(measure)}
    if not fields["title"]:
        errors["title"] = [_("Describe the problem.")]
    if not fields["measure"]:
        errors["measure"] = [_("State the measure that will rectify it.")]
    kind_ = _choice(kind, Problem.Kind)
    if not kind_:
        errors["kind"] = [_("Choose one of 治慢, 治乱, 治差 and 治散.")]
    source_ = _choice(source, Problem.Source)
    if not source_:
        errors["source"] = [_("Choose where the problem was found.")]
    days = _deadline(deadline_days)
    if days is None:
        errors["deadline_days"] = [_("A deadline of 1 to %(n)d working days.") % {"n": MAX_DEADLINE}]
    person = _person(responsible, dept.pk) if dept else None
    if dept is not None and person is None:
        errors["responsible"] = [_("The responsible person must be a member of the unit's staff.")]
    require(errors)
    assert dept is not None and days is not None and person is not None
    found = found_on or timezone.localdate()
    problem = Problem.objects.create(
        number=uuid.uuid4().hex[:20], department=dept, kind=kind_, source=source_, responsible=person,
        found_on=found, deadline_days=days, due_on=add_workdays(found, days), created_by=actor, **fields)
    problem.number = f"WT{found.year}{problem.pk:05d}"
    problem.save(update_fields=["number"])
    ProblemEntry.objects.create(problem=problem, round=1, action=ProblemEntry.Action.REGISTERED,
                                text=fields["title"], by=actor)
    record(actor=actor, action="problem.register", obj=problem,
           after={"department": dept.pk, "kind": kind_, "source": source_, "due_on": problem.due_on.isoformat()})
    return problem


@transaction.atomic
def record_condition(*, actor: Any, problem: Problem, condition: Any, what: Any) -> ProblemEntry:
    problem = Problem.objects.select_for_update().get(pk=problem.pk)
    if not access.may_record(actor, problem):
        raise Refused(_("Only the unit's head or chief representative, the responsible person or the centre "
                        "records what was done."))
    errors: dict[str, list[str]] = {}
    if problem.state != Problem.State.OPEN:
        errors["state"] = [_("The problem is closed; the centre reopens it first.")]
    code = _choice(condition, ProblemEntry.Condition)
    if not code:
        errors["condition"] = [_("Choose one of the four conditions.")]
    body = text(what)
    if not body:
        errors["text"] = [_("Say what was done, with its evidence.")]
    require(errors)
    entry = ProblemEntry.objects.create(problem=problem, round=problem.round, action=ProblemEntry.Action.CONDITION,
                                        condition=code, text=body, by=actor)
    record(actor=actor, action="problem.condition", obj=problem, after={"condition": code, "round": problem.round})
    return entry


@transaction.atomic
def close(*, actor: Any, problem: Problem, on: datetime.date | None = None) -> Problem:
    problem = Problem.objects.select_for_update().get(pk=problem.pk)
    if not access.may_close(actor, problem):
        raise Refused(_("Only the unit's head or chief representative, or the centre, closes a problem."))
    if problem.state != Problem.State.OPEN:
        require({"state": [_("The problem is already closed.")]})
    missing = missing_conditions(problem)
    if missing:
        labels = dict(ProblemEntry.Condition.choices)
        require({"conditions": [_("Not yet recorded: %(list)s.") % {"list": _(", ").join(str(labels[c]) for c in missing)}],
                 "missing": missing})
    problem.state = Problem.State.CLOSED
    problem.closed_on = on or timezone.localdate()
    problem.save(update_fields=["state", "closed_on"])
    ProblemEntry.objects.create(problem=problem, round=problem.round, action=ProblemEntry.Action.CLOSED, by=actor)
    record(actor=actor, action="problem.close", obj=problem, after={"closed_on": problem.closed_on.isoformat()})
    return problem


@transaction.atomic
def reopen(*, actor: Any, problem: Problem, reason: Any) -> Problem:
    problem = Problem.objects.select_for_update().get(pk=problem.pk)
    if not access.may_reopen(actor):
        raise Refused(_("Only the centre reopens a closed problem."))
    errors: dict[str, list[str]] = {}
    if problem.state != Problem.State.CLOSED:
        errors["state"] = [_("Only a closed problem is reopened.")]
    why = text(reason)
    if not why:
        errors["reason"] = [_("Say why the rectification did not hold.")]
    require(errors)
    problem.state = Problem.State.OPEN
    problem.round += 1
    problem.closed_on = None
    problem.save(update_fields=["state", "round", "closed_on"])
    ProblemEntry.objects.create(problem=problem, round=problem.round, action=ProblemEntry.Action.REOPENED,
                                text=why, by=actor)
    record(actor=actor, action="problem.reopen", obj=problem, after={"round": problem.round})
    return problem
