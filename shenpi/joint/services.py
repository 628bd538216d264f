"""Joint completion acceptance (D2): the coordinator schedules the site inspection of the
departments whose parts are still open, each department records its own result there, and a
department that failed is inspected again in a later round without restarting the others. A
pass completes that department's step of the case (cases.services.complete_step), so the
case's clocks, warnings and cards are the same as any case's; when every department has
passed, the case goes on to its decision, which issues the consolidated certificate."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shenpi.audit.services import record
from shenpi.cases import services as cases
from shenpi.cases.lifecycle import State, Who
from shenpi.cases.models import Case, Outbox, StepTask
from shenpi.cases.permissions import may
from shenpi.cases.uploads import upload_errors
from shenpi.core.exceptions import Refused
from shenpi.core.validation import text as _text
from shenpi.org.models import Department
from shenpi.org.roles import is_centre_admin
from shenpi.workdays.selectors import current_calendar

from .models import AcceptanceItem, Inspection, InspectionResult

MAX_DAYS_AHEAD = 30


def is_coordinator(user: Any, case: Case) -> bool:
    """Who convenes the inspection: the centre's window that took the case, the lead
    department's head or chief representative, or a centre administrator. They decide no
    department's result."""
    return is_centre_admin(user) or may(user, (Who.CLERK, Who.LEADER), case)


def joint_stage(case: Case) -> list[StepTask]:
    """The steps of the case's current stage when it is a joint one (steps of more than one
    department); [] otherwise."""
    if not AcceptanceItem.objects.filter(item_id=case.item_id).exists():
        return []  # a parallel approval (D1), not an acceptance: no site inspection
    open_steps = list(case.steps.filter(status=StepTask.Status.OPEN).order_by("stage_order", "pk"))
    if not open_steps:
        return []
    stage = open_steps[0].stage_order
    steps = list(case.steps.filter(stage_order=stage).exclude(status=StepTask.Status.CANCELLED)
                 .select_related("department", "assignee__staff").order_by("pk"))
    return steps if len({s.department_id for s in steps}) > 1 else []


@transaction.atomic
def schedule(*, actor: Any, case: Case, on: Any, place: str, members: Any) -> Inspection:
    """Convene the departments whose parts are open, on a working day, at a place, each naming
    who it sends. A new round only once every result of the last one is in."""
    case = Case.objects.select_for_update().get(pk=case.pk)
    if not is_coordinator(actor, case):
        raise Refused(_("Only the coordinator of the joint acceptance schedules its inspections."))
    steps = joint_stage(case) if case.state == State.ACCEPTED else []
    if not steps:
        raise ValidationError({"case": [_("This case has no joint inspection to schedule now.")]})
    last = case.inspections.order_by("-round").first()
    if last is not None and last.results.count() < len(last.members):
        raise ValidationError({"case": [_("Not every department has recorded its result of the last inspection.")]})
    due = {str(s.department_id): s for s in steps if s.status == StepTask.Status.OPEN}
    errors: dict[str, list[str]] = {}
    today = timezone.localdate()
    cal = current_calendar()
    if not isinstance(on, datetime.date):
        errors["on"] = [_("Give the date of the inspection.")]
    elif on < today or on > today + datetime.timedelta(days=MAX_DAYS_AHEAD) or not cal.is_workday(on):
        errors["on"] = [_("A working day from today, within %(n)s days.") % {"n": MAX_DAYS_AHEAD}]
    if not _text(place):
        errors["place"] = [_("Say where the inspection takes place.")]
    if not isinstance(members, dict):
        members = {}
    names = {str(k): _text(v) for k, v in members.items()}
    missing = [s.department.short_name or s.department.name for k, s in due.items() if not names.get(k)]
    if missing:
        errors["members"] = [_("Name who attends for: %(d)s.") % {"d": "、".join(missing)}]
    extra = [k for k in names if k not in due]
    if extra:
        errors.setdefault("members", []).append(_("Only the departments whose part is open attend."))
    if errors:
        raise ValidationError(errors)
    inspection = Inspection.objects.create(case=case, round=(last.round + 1) if last else 1, on=on,
                                           place=_text(place), members={k: names[k] for k in due},
                                           scheduled_by=actor)
    Outbox.objects.create(case=case, phone=case.applicant_phone, body=(
        f"【{case.number}】{case.version.name}联合现场验收定于{on:%Y年%m月%d日}在{inspection.place}进行,"
        f"请做好准备。"))
    record(actor=actor, action="joint.inspection.schedule", obj=inspection,
           after={"case": case.number, "round": inspection.round, "on": on, "place": inspection.place,
                  "members": inspection.members})
    return inspection


def record_result(*, actor: Any, inspection: Inspection, step_id: Any, passed: Any, items: str = "",
                  opinion: str = "", evidence: Any = None) -> InspectionResult:
    """A department's result at an inspection, recorded by the holder of its part, with a file
    of evidence if given. A pass completes the department's step; a fail lists what to fix,
    and the part stays open for the next round. A refusal leaves no file behind."""
    written: list = []
    try:
        return _record(actor=actor, inspection=inspection, step_id=step_id, passed=passed, items=items,
                       opinion=opinion, evidence=evidence, written=written)
    except BaseException:
        for f in written:  # the row rolled back; its file must not stay behind
            f.delete(save=False)
        raise


@transaction.atomic
def _record(*, actor: Any, inspection: Inspection, step_id: Any, passed: Any, items: str, opinion: str,
            evidence: Any, written: list) -> InspectionResult:
    inspection = Inspection.objects.select_for_update().select_related("case").get(pk=inspection.pk)
    case = inspection.case
    step = StepTask.objects.filter(pk=step_id if isinstance(step_id, int) else -1, case=case).first()
    if step is None or str(step.department_id) not in inspection.members:
        raise ValidationError({"step": [_("This department did not attend this inspection.")]})
    if step.assignee_id != getattr(actor, "pk", None):
        raise Refused(_("Only the holder of the department's part records its result."))
    errors: dict[str, list[str]] = {}
    if inspection.on > timezone.localdate():
        errors["inspection"] = [_("The inspection has not taken place yet.")]
    if InspectionResult.objects.filter(inspection=inspection, step=step).exists():
        errors["step"] = [_("This department's result of this inspection is recorded already.")]
    if not isinstance(passed, bool):
        errors["passed"] = [_("Say whether the part passed.")]
    elif not passed and not _text(items):
        errors["items"] = [_("List what is to be fixed.")]
    if step.status != StepTask.Status.OPEN:
        errors["step"] = [_("This part is finished already.")]
    if evidence is not None:
        problems = upload_errors(evidence)
        if problems:
            errors["evidence"] = problems
    if errors:
        raise ValidationError(errors)
    result = InspectionResult(inspection=inspection, step=step, department_id=step.department_id, passed=passed,
                              items=_text(items), opinion=_text(opinion), recorded_by=actor)
    if evidence is not None:
        result.evidence_name = (evidence.name or "")[-200:]
        result.evidence.save(evidence.name, evidence, save=False)
        written.append(result.evidence)
    result.save()
    record(actor=actor, action="joint.inspection.result", obj=result,
           after={"case": case.number, "round": inspection.round, "department": step.department_id,
                  "passed": passed, "items": result.items})
    if passed:
        cases.complete_step(actor=actor, case=case, step_id=step.pk, outcome=StepTask.Outcome.PASS,
                            opinion=result.opinion or f"第{inspection.round}轮现场验收合格")
    return result


def progress(case: Case) -> list[dict]:
    """Each department's part: its step, its latest result, and whether it is done ([] for a
    case that is not a joint acceptance)."""
    if not AcceptanceItem.objects.filter(item_id=case.item_id).exists():
        return []
    steps = [s for s in case.steps.select_related("department", "assignee__staff").order_by("stage_order", "pk")]
    by_stage: dict[int, set] = {}
    for s in steps:
        by_stage.setdefault(s.stage_order, set()).add(s.department_id)
    joint = [s for s in steps if len(by_stage[s.stage_order]) > 1 and s.status != StepTask.Status.CANCELLED]
    latest = {}
    for r in InspectionResult.objects.filter(step__in=joint).select_related("inspection").order_by("recorded_at"):
        latest[r.step_id] = r
    return [{"step": s, "department": s.department, "result": latest.get(s.pk)} for s in joint]


def departments_of(case: Case) -> list[Department]:
    return [p["department"] for p in progress(case)]


def issue_opinion(sender: Any, *, case: Case, decision: str, **kwargs: Any) -> None:
    """With the approval of a case that went through site inspections, the consolidated
    opinion (联合验收意见书): every department's part and its result (cases.signals.decided)."""
    if decision != Case.Decision.APPROVE or not Inspection.objects.filter(case_id=case.pk).exists():
        return
    from shenpi.cases import notices
    from shenpi.cases.models import Notice
    notices.issue(case, Notice.Kind.JOINT, parts=cases.joint_parts(case))
