"""The campaign's rules (G1, G3): a centre administrator sets up a campaign with its phases and
the units taking part; each unit's head or chief representative submits the report a phase
asks for, once, and one after its due date is kept and counted late; supervisors and centre
administrators plan inspections, score them per criterion with notes and evidence, give the
result and publish it. Every write is checked and audited; a refused write changes nothing."""

from __future__ import annotations

import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shenpi.audit.services import record
from shenpi.core.exceptions import Refused
from shenpi.core.params import day as read_day
from shenpi.core.validation import require, text
from shenpi.org.models import Department
from shenpi.org.roles import is_centre_admin
from shenpi.supervision.access import answers_for, is_supervisor

from .models import Campaign, Inspection, InspectionScore, Phase, Report

# The inspection's criteria and their most points (out of 100 in all).
CRITERIA = [
    ("plan", gettext_lazy("Rectification plan"), 15),  # 整改方案
    ("problems", gettext_lazy("Problems found"), 20),  # 问题查摆
    ("rectified", gettext_lazy("Problems rectified"), 30),  # 整改落实
    ("rules", gettext_lazy("Rules made"), 20),  # 整章建制
    ("public", gettext_lazy("What applicants say"), 15),  # 群众满意
]
MAX = {code: most for code, _label, most in CRITERIA}


def may_run(user: Any) -> bool:
    """Plans and scores inspections: supervisors and centre administrators."""
    return bool(user and user.is_authenticated) and (is_supervisor(user) or is_centre_admin(user))



@transaction.atomic
def create(*, actor: Any, name: Any, phases: Any, units: Any, document: Any = "") -> Campaign:
    """phases: [{name, starts_on, ends_on, report_name, report_due}] in order; units: departments."""
    if not is_centre_admin(actor):
        raise Refused(_("Only a centre administrator sets up a campaign."))
    errors: dict[str, list[str]] = {}
    title = text(name)[:200]
    if not title:
        errors["name"] = [_("Name the campaign.")]
    rows: list[dict[str, Any]] = []
    for n, p in enumerate(phases if isinstance(phases, list) else [], 1):
        p = p if isinstance(p, dict) else {}
        start, end, due = read_day(p.get("starts_on")), read_day(p.get("ends_on")), read_day(p.get("report_due"))
        phase_name, report = text(p.get("name"))[:100], text(p.get("report_name"))[:100]
        if not phase_name or start is None or end is None or end < start or (report and due is None) or (
                due is not None and not report):
            errors.setdefault("phases", []).append(
                _("Phase %(n)d: a name, a start and an end not before it, and a report with its due date or neither.")
                % {"n": n})
            continue
        if rows and start <= rows[-1]["ends_on"]:
            errors.setdefault("phases", []).append(_("Phase %(n)d starts before the one before it ends.") % {"n": n})
        rows.append({"order": n, "name": phase_name, "starts_on": start, "ends_on": end, "report_name": report,
                     "report_due": due})
    if not rows and "phases" not in errors:
        errors["phases"] = [_("A campaign has at least one phase.")]
    ids = [u.pk if isinstance(u, Department) else u for u in (units if isinstance(units, list) else [])]
    found = list(Department.objects.filter(pk__in=[i for i in ids if isinstance(i, int) and not isinstance(i, bool)]))
    if not ids or len(found) != len(set(ids)):
        errors["units"] = [_("Choose the units taking part.")]
    require(errors)
    campaign = Campaign.objects.create(name=title, document=text(document)[:100], starts_on=rows[0]["starts_on"],
                                       ends_on=rows[-1]["ends_on"], created_by=actor)
    campaign.units.set(found)
    Phase.objects.bulk_create([Phase(campaign=campaign, **r) for r in rows])
    record(actor=actor, action="campaign.create", obj=campaign,
           after={"phases": len(rows), "units": sorted(d.pk for d in found)})
    return campaign


@transaction.atomic
def submit_report(*, actor: Any, phase: Phase, department: Any, report: Any) -> Report:
    dept_id = department.pk if isinstance(department, Department) else department
    if not answers_for(actor, dept_id):
        raise Refused(_("Only the unit's head or chief representative submits its reports."))
    errors: dict[str, list[str]] = {}
    if not phase.report_name:
        errors["phase"] = [_("This phase asks for no report.")]
    elif not phase.campaign.units.filter(pk=dept_id).exists():
        errors["phase"] = [_("The unit does not take part in this campaign.")]
    body = text(report)
    if not body:
        errors["text"] = [_("Write the report.")]
    require(errors)
    now = timezone.now()
    try:
        with transaction.atomic():
            made = Report.objects.create(phase=phase, department_id=dept_id, text=body, submitted_by=actor,
                                         submitted_at=now, submitted_on=timezone.localdate(now))
    except IntegrityError:
        require({"phase": [_("The unit has already submitted this report.")]})
    late = phase.report_due is not None and made.submitted_on > phase.report_due
    record(actor=actor, action="campaign.report", obj=made, after={"phase": phase.pk, "late": late})
    return made


@transaction.atomic
def plan_inspection(*, actor: Any, campaign: Campaign, department: Any, planned_on: Any, inspectors: Any) -> Inspection:
    if not may_run(actor):
        raise Refused(_("Only supervisors and centre administrators plan inspections."))
    dept_id = department.pk if isinstance(department, Department) else department
    errors: dict[str, list[str]] = {}
    if not campaign.units.filter(pk=dept_id if isinstance(dept_id, int) else 0).exists():
        errors["department"] = [_("The unit does not take part in this campaign.")]
    day = read_day(planned_on)
    if day is None:
        errors["planned_on"] = [_("A date, YYYY-MM-DD.")]
    who = text(inspectors)[:200]
    if not who:
        errors["inspectors"] = [_("Name the inspectors.")]
    require(errors)
    assert day is not None
    made = Inspection.objects.create(campaign=campaign, department_id=dept_id, planned_on=day, inspectors=who,
                                     planned_by=actor)
    record(actor=actor, action="campaign.inspection.plan", obj=made, after={"department": dept_id})
    return made


@transaction.atomic
def score(*, actor: Any, inspection: Inspection, scores: Any, result: Any, conclusion: Any,
          on: datetime.date | None = None) -> Inspection:
    """scores: {criterion: {"score": n, "note": …, "evidence": …}} for every criterion."""
    inspection = Inspection.objects.select_for_update().get(pk=inspection.pk)
    if not may_run(actor):
        raise Refused(_("Only supervisors and centre administrators score inspections."))
    errors: dict[str, list[str]] = {}
    if inspection.published_on:
        errors["inspection"] = [_("The result is published; it is not scored again.")]
    elif inspection.planned_on > (on or timezone.localdate()):
        errors["inspection"] = [_("The inspection is planned for %(day)s: score it on or after that day.")
                                % {"day": inspection.planned_on.isoformat()}]
    given = scores if isinstance(scores, dict) else {}
    rows = []
    for code, label, most in CRITERIA:
        entry = given.get(code)
        entry = entry if isinstance(entry, dict) else {}
        n = entry.get("score")
        if isinstance(n, str) and n.strip().isdigit():
            n = int(n.strip())
        if not isinstance(n, int) or isinstance(n, bool) or not 0 <= n <= most:
            errors.setdefault("scores", []).append(_("%(name)s: 0 to %(most)d points.") % {"name": label, "most": most})
            continue
        rows.append(InspectionScore(inspection=inspection, criterion=code, score=n, note=text(entry.get("note")),
                                    evidence=text(entry.get("evidence"))))
    unknown = sorted(set(given) - set(MAX))
    if unknown:
        errors.setdefault("scores", []).append(_("Not a criterion: %(codes)s.") % {"codes": ", ".join(map(str, unknown))})
    outcome = result if isinstance(result, str) and result in Inspection.Result.values else ""
    if not outcome:
        errors["result"] = [_("Choose the result: commended, criticised or rectify within a time limit.")]
    words = text(conclusion)
    if not words:
        errors["conclusion"] = [_("Write the conclusion.")]
    require(errors)
    InspectionScore.objects.filter(inspection=inspection).delete()
    InspectionScore.objects.bulk_create(rows)
    inspection.total = sum(r.score for r in rows)
    inspection.result, inspection.conclusion = outcome, words
    inspection.scored_on, inspection.scored_by = on or timezone.localdate(), actor
    inspection.save(update_fields=["total", "result", "conclusion", "scored_on", "scored_by"])
    record(actor=actor, action="campaign.inspection.score", obj=inspection,
           after={"total": inspection.total, "result": outcome})
    return inspection


@transaction.atomic
def publish(*, actor: Any, inspection: Inspection, on: datetime.date | None = None) -> Inspection:
    inspection = Inspection.objects.select_for_update().get(pk=inspection.pk)
    if not may_run(actor):
        raise Refused(_("Only supervisors and centre administrators publish inspection results."))
    if inspection.scored_on is None:
        require({"inspection": [_("Score the inspection before publishing it.")]})
    if inspection.published_on:
        require({"inspection": [_("The result is already published.")]})
    inspection.published_on = on or timezone.localdate()
    inspection.save(update_fields=["published_on"])
    record(actor=actor, action="campaign.inspection.publish", obj=inspection,
           after={"published_on": inspection.published_on.isoformat()})
    return inspection


def report_state(phase: Phase, report: Report | None, on: datetime.date) -> str:
    """on_time, late (submitted after the due date), overdue (not submitted, past due), due (not
    yet due), or none (the phase asks for no report)."""
    if not phase.report_name or phase.report_due is None:
        return "none"
    if report is not None:
        return "on_time" if report.submitted_on <= phase.report_due else "late"
    return "overdue" if on > phase.report_due else "due"
