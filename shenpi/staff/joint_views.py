"""The joint acceptance on the staff case page (D2): the coordinator schedules each round of
the site inspection; the holder of each department's part records its result; everyone who
may see the case sees the rounds, a department only its own results. Thin: writes through
joint.services, and every refusal is a message on the case page."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from shenpi.cases.models import Case, StepTask
from shenpi.core.forms import add_service_errors
from shenpi.core.params import whole_number
from shenpi.joint import services as joint
from shenpi.joint.models import Inspection
from shenpi.org.roles import Role, has_role

from .case_views import _case_for, _errors_to_messages
from .views import staff_required


def context(user: Any, case: Case) -> dict | None:
    """What the case page shows of a joint case, or None for any other case."""
    parts = joint.progress(case)
    if not parts:
        return None
    coordinator = joint.is_coordinator(user, case)
    staff = getattr(user, "staff", None)
    everyone = coordinator or has_role(user, Role.SUPERVISOR, Role.LEADER)
    mine = {staff.department_id} if staff and staff.department_id else set()
    inspections = list(case.inspections.prefetch_related("results__department").order_by("round"))
    rounds = [{"inspection": i, "results": [r for r in i.results.all() if everyone or r.department_id in mine],
               "members": [(next((p["department"] for p in parts if str(p["department"].pk) == k), None), v)
                           for k, v in i.members.items()]} for i in inspections]
    latest = inspections[-1] if inspections else None
    open_parts = [p for p in parts if p["step"].status == StepTask.Status.OPEN]
    recorded = {r.step_id for r in latest.results.all()} if latest else set()
    return {
        "parts": [p for p in parts if everyone or p["department"].pk in mine],
        "rounds": rounds,
        "may_schedule": coordinator and bool(open_parts) and case.state == "accepted"
        and (latest is None or len(recorded) >= len(latest.members)),
        "to_schedule": open_parts,
        "my_parts": [p for p in open_parts if latest and p["step"].assignee_id == user.pk
                     and str(p["department"].pk) in latest.members and p["step"].pk not in recorded],
        "latest": latest,
    }


@staff_required
def results(request, number):
    """The rounds and results alone, for the case page to refresh as results arrive."""
    case = _case_for(request, number)
    return render(request, "staff/_joint_rounds.html", {"joint": context(request.user, case), "case": case})


@staff_required
@require_POST
def schedule(request, number):
    case = _case_for(request, number)
    if not joint.is_coordinator(request.user, case):
        raise PermissionDenied
    try:
        on = datetime.date.fromisoformat(request.POST.get("on", ""))
    except ValueError:
        on = None
    members = {k.removeprefix("member_"): v for k, v in request.POST.items() if k.startswith("member_")}
    try:
        joint.schedule(actor=request.user, case=case, on=on, place=request.POST.get("place", ""), members=members)
        messages.success(request, _("The site inspection is scheduled; the applicant is told."))
    except ValidationError as exc:
        _errors_to_messages(request, exc)
    return redirect("staff:case", number=case.number)


@staff_required
@require_POST
def record(request, number, inspection_id):
    case = _case_for(request, number)
    inspection = get_object_or_404(Inspection, pk=inspection_id, case=case)
    step = whole_number(request.POST.get("step", ""))
    passed = {"pass": True, "fail": False}.get(request.POST.get("result", ""))
    try:
        joint.record_result(actor=request.user, inspection=inspection, step_id=step, passed=passed,
                            items=request.POST.get("items", ""), opinion=request.POST.get("opinion", ""),
                            evidence=request.FILES.get("evidence"))
        messages.success(request, _("The result is recorded."))
    except ValidationError as exc:
        _errors_to_messages(request, exc)
    return redirect("staff:case", number=case.number)


@staff_required
def evidence(request, number, result_id):
    """A result's evidence, for those who may see the result (its department, the coordinator,
    supervisors and leaders). Served as stored, never as HTML."""
    from django.http import FileResponse, Http404

    from shenpi.joint.models import InspectionResult
    case = _case_for(request, number)
    result = InspectionResult.objects.filter(pk=result_id, inspection__case=case).exclude(evidence="").first()
    ctx = context(request.user, case)
    shown = {r.pk for round in (ctx["rounds"] if ctx else []) for r in round["results"]}
    if result is None or result.pk not in shown:
        raise Http404
    inline = result.evidence_name.lower().rsplit(".", 1)[-1] in ("pdf", "jpg", "jpeg", "png")
    response = FileResponse(result.evidence.open("rb"), as_attachment=not inline, filename=result.evidence_name)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox"
    return response


@staff_required
def figures(request):
    """Joint acceptances on time, average working days, each department's share of delay (D5)."""
    from shenpi.joint.selectors import figures as joint_figures
    return render(request, "staff/joint_figures.html", {"f": joint_figures()})


class ProjectForm(forms.Form):
    code = forms.CharField(label=_("project code"), max_length=40)
    name = forms.CharField(label=_("project name"), max_length=200)
    builder_name = forms.CharField(label=_("builder"), max_length=100)
    builder_id = forms.CharField(label=_("builder's credit code"), max_length=18)
    site = forms.CharField(label=_("site"), max_length=200)
    investment = forms.DecimalField(label=_("investment (10,000 yuan)"), min_value=0, max_digits=14, decimal_places=2)


@staff_required
def projects(request):
    """Construction projects: the list, and for the centre's windows, the register form."""
    from shenpi.joint import projects as p
    may = p.may_register(request.user)
    form = ProjectForm(request.POST or None)
    if request.method == "POST":
        if not may:
            raise PermissionDenied
        if form.is_valid():
            try:
                project = p.register(actor=request.user, **form.cleaned_data)
                messages.success(request, _("The project is registered."))
                return redirect("staff:project", code=project.code)
            except ValidationError as exc:
                add_service_errors(form, exc)
    q = request.GET.get("q", "")[:100]
    return render(request, "staff/projects.html", {"projects": p.search(q)[:100], "form": form, "may": may, "q": q})


@staff_required
def project(request, code):
    """A project's timeline: every case of it, where it stands and who holds it."""
    from shenpi.cases.selectors import cases_visible_to
    from shenpi.joint import projects as p
    from shenpi.joint.models import Project
    project = get_object_or_404(Project, code=code)
    may = p.may_register(request.user)
    if request.method == "POST":
        if not may:
            raise PermissionDenied
        number = request.POST.get("number", "").strip().upper()[:40]
        case = cases_visible_to(request.user).filter(number=number).first()
        if case is None:
            messages.error(request, _("No case you may see has this number."))
        else:
            try:
                p.link(actor=request.user, project=project, case=case)
                messages.success(request, _("The case is on the project's timeline."))
            except ValidationError as exc:
                _errors_to_messages(request, exc)
        return redirect("staff:project", code=project.code)
    return render(request, "staff/project.html", {"project": project, "rows": p.timeline(project), "may": may})


@staff_required
def bundle(request, pk):
    """The centre's view of a one-stop application: each item's case on one page. A member of
    staff sees it through a case of it they may see (a department its own, watchers all)."""
    from shenpi.cases.selectors import cases_visible_to
    from shenpi.joint import bundles
    from shenpi.joint.models import BundleApplication
    application = get_object_or_404(BundleApplication.objects.select_related("bundle"), pk=pk)
    if not cases_visible_to(request.user).filter(pk__in=application.cases.values("pk")).exists():
        raise PermissionDenied
    return render(request, "staff/bundle.html", {"application": application, "rows": bundles.progress(application)})
