"""The rectification campaign's problem register (G2) for staff: the list with its counts per
unit and the form to register a problem; a problem's page with its four conditions, its
history and the acts its reader may do (record a condition, close, reopen). Thin: reads
through campaign.selectors, writes through campaign.problems; who may do what is
campaign.access."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shenpi.campaign import access, problems, selectors
from shenpi.campaign.models import Problem, ProblemEntry
from shenpi.core.params import whole_number
from shenpi.org.models import Department
from shenpi.supervision.access import department_of

from .supervision_views import _apply, _page
from .views import staff_required, staff_who

register_required = staff_who(access.may_read_register)


class ProblemForm(forms.Form):
    department = forms.ModelChoiceField(label=_("department"), queryset=Department.objects.none())
    title = forms.CharField(label=_("problem"), max_length=200)
    kind = forms.ChoiceField(label=_("kind"), choices=Problem.Kind.choices)
    source = forms.ChoiceField(label=_("where found"), choices=Problem.Source.choices)
    cause = forms.CharField(label=_("cause"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 2}))
    measure = forms.CharField(label=_("rectification measure"), max_length=4000, widget=forms.Textarea(attrs={"rows": 2}))
    responsible = forms.ModelChoiceField(label=_("responsible person"), queryset=get_user_model().objects.none())
    deadline_days = forms.IntegerField(label=_("deadline (working days)"), min_value=1, max_value=problems.MAX_DEADLINE,
                                       initial=20)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        own = department_of(user)
        units = Department.objects.order_by("pk")
        people = get_user_model().objects.filter(staff__department__isnull=False, is_active=True)
        if not access.may_register(user, None) and own:  # a unit head: their own unit only
            units, people = units.filter(pk=own), people.filter(staff__department_id=own)
        self.fields["department"].queryset = units
        self.fields["responsible"].queryset = people.select_related("staff__department").order_by(
            "staff__department_id", "pk")
        self.fields["responsible"].label_from_instance = lambda u: (
            f"{u.staff.department.short_name or u.staff.department.name} · {u.staff.name}")
        if own:
            self.fields["department"].initial = own


@register_required
def problem_list(request):
    """Every problem the user may see, with the counts per unit; the form to register one."""
    own = department_of(request.user)
    may_add = access.may_register(request.user, None) or access.may_register(request.user, own)
    form = ProblemForm(request.POST or None, user=request.user)
    if request.method == "POST":
        if not may_add:
            raise PermissionDenied
        made = []
        if _apply(request, form, lambda d: made.append(problems.register(actor=request.user, **d))):
            messages.success(request, _("The problem was registered."))
            return redirect("staff:problem", pk=made[0].pk)
    state = request.GET.get("state", "")
    kind = request.GET.get("kind", "")
    department = whole_number(request.GET.get("department", ""))
    page, query = _page(request, selectors.problems(request.user, state=state, kind=kind, department=department))
    on = timezone.localdate()
    return render(request, "staff/campaign/problems.html", {
        "page": page, "query": query, "form": form, "may_add": may_add, "state": state, "kind": kind,
        "states": Problem.State.choices, "kinds": Problem.Kind.choices, "on": on,
        "counts": selectors.counts(request.user, on), "overdue": {p.pk for p in page if selectors.overdue(p, on)}})


class ConditionForm(forms.Form):
    condition = forms.ChoiceField(label=_("condition"), choices=ProblemEntry.Condition.choices)
    text = forms.CharField(label=_("what was done"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3}))


class ReopenForm(forms.Form):
    reason = forms.CharField(label=_("why it is reopened"), max_length=4000, widget=forms.Textarea(attrs={"rows": 2}))


@register_required
def problem(request, pk):
    problem = get_object_or_404(access.problems_for(request.user).select_related(
        "department", "responsible__staff", "created_by__staff"), pk=pk)
    is_open = problem.state == Problem.State.OPEN
    may_record = is_open and access.may_record(request.user, problem)
    may_close = is_open and access.may_close(request.user, problem)
    may_reopen = not is_open and access.may_reopen(request.user)
    condition_form = ConditionForm(request.POST if "condition" in request.POST else None)
    reopen_form = ReopenForm(request.POST if "reason" in request.POST else None)
    close_errors: list[str] = []
    if request.method == "POST":
        if "condition" in request.POST and may_record:
            ok = _apply(request, condition_form, lambda d: problems.record_condition(
                actor=request.user, problem=problem, condition=d["condition"], what=d["text"]))
        elif "close" in request.POST and may_close:
            try:
                problems.close(actor=request.user, problem=problem)
                ok = True
            except ValidationError as e:  # the conditions not yet recorded, by name
                ok, close_errors = False, e.message_dict.get("conditions") or e.message_dict.get("state", [])
        elif "reason" in request.POST and may_reopen:
            ok = _apply(request, reopen_form, lambda d: problems.reopen(actor=request.user, problem=problem,
                                                                          reason=d["reason"]))
        else:
            raise PermissionDenied
        if ok:
            messages.success(request, _("Saved."))
            return redirect("staff:problem", pk=problem.pk)
    have = problems.current_conditions(problem)
    conditions = [{"code": c, "label": label, "entry": have.get(c)} for c, label in ProblemEntry.Condition.choices]
    return render(request, "staff/campaign/problem.html", {
        "problem": problem, "conditions": conditions, "history": selectors.history(problem),
        "overdue": selectors.overdue(problem, timezone.localdate()), "may_record": may_record,
        "may_close": may_close, "may_reopen": may_reopen, "condition_form": condition_form,
        "reopen_form": reopen_form, "close_errors": close_errors,
        "missing": [c for c in conditions if c["entry"] is None]})


# --- performance assessment (G4) --------------------------------------------------------------

assessment_required = staff_who(access.may_see_assessment)


def _periods(today) -> list[tuple[str, str]]:
    """The periods offered: the last twelve months, the last four quarters, this year and last."""
    out = []
    y, m = today.year, today.month
    for _n in range(12):
        out.append((f"{y}-{m:02d}", f"{y}-{m:02d}"))
        y, m = (y - 1, 12) if m == 1 else (y, m - 1)
    q, y = (today.month - 1) // 3 + 1, today.year
    for _n in range(4):
        out.append((f"{y}-Q{q}", f"{y}-Q{q}"))
        y, q = (y - 1, 4) if q == 1 else (y, q - 1)
    return out + [(str(today.year), str(today.year)), (str(today.year - 1), str(today.year - 1))]


@assessment_required
def assessment(request):
    """The ranking of the departments for a period, sortable by any indicator; each figure
    opens the records behind it; the same as an Excel workbook."""
    from shenpi.campaign import assessment as rules
    key = request.GET.get("period", "")
    sort = request.GET.get("sort", "")
    found = selectors.assessment(request.user, key, sort=sort)
    if found is None:
        messages.error(request, _("Not a period: write 2026-11, 2026-Q4 or 2026."))
        found = selectors.assessment(request.user, "", sort=sort)
    return render(request, "staff/campaign/assessment.html", {
        "f": found, "sort": sort if sort in rules.BY_CODE else "", "periods": _periods(timezone.localdate()),
        "may_change": access.may_change_scheme(request.user)})


@assessment_required
def assessment_export(request):
    from django.http import HttpResponse

    from shenpi.campaign.excel import assessment_workbook
    from shenpi.catalog.excel import XLSX
    found = selectors.assessment(request.user, request.GET.get("period", ""), sort=request.GET.get("sort", ""))
    if found is None:
        raise Http404
    response = HttpResponse(assessment_workbook(found), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="assessment-{found["period"].key}.xlsx"'
    return response


@assessment_required
def assessment_records(request):
    from shenpi.campaign import assessment as rules
    key, code = request.GET.get("period", ""), request.GET.get("indicator", "")
    department = whole_number(request.GET.get("department", ""))
    rows = selectors.assessment_records(request.user, key, department, code)
    if rows is None:
        raise Http404
    p = rules.period(key)
    return render(request, "staff/campaign/assessment_records.html", {
        "rows": rows, "period": p, "indicator": rules.BY_CODE[code],
        "department": Department.objects.get(pk=department), "rates": rules.BY_CODE[code].kind == rules.RATE,
        "detail_label": rules.DETAIL.get(code, ""), "capped": len(rows) >= rules.RECORDS_SHOWN,
        "shown": rules.RECORDS_SHOWN})


class SchemeForm(forms.Form):
    effective_from = forms.CharField(label=_("in force from (YYYY-MM)"), max_length=7)
    note = forms.CharField(label=_("note"), required=False, max_length=2000)

    def __init__(self, *args, scheme=None, **kwargs):
        from shenpi.campaign import assessment as rules
        super().__init__(*args, **kwargs)
        self.field_names = []
        for ind in rules.INDICATORS:
            self.fields[f"w_{ind.code}"] = forms.IntegerField(label=ind.label, min_value=0, max_value=100,
                                                              initial=scheme.weight(ind.code) if scheme else 0)
            if ind.kind == rules.COUNT:
                self.fields[f"p_{ind.code}"] = forms.IntegerField(
                    label=_("points per occurrence"), min_value=1, max_value=100,
                    initial=scheme.per(ind.code) if scheme else 1)
            self.field_names.append(ind.code)


@assessment_required
def assessment_scheme(request):
    """The scheme's versions, and for a centre administrator the form that makes a new one."""
    from shenpi.campaign import assessment as rules
    today = timezone.localdate()
    current = rules.scheme_for(rules.Period("", today.replace(day=1), today))
    may_change = access.may_change_scheme(request.user)
    form = SchemeForm(request.POST or None, scheme=current, initial={"effective_from": f"{today:%Y-%m}"})
    if request.method == "POST":
        if not may_change:
            raise PermissionDenied
        if _apply(request, form, lambda d: rules.new_scheme(
                actor=request.user, weights={c: d[f"w_{c}"] for c in rules.BY_CODE},
                per={i.code: d[f"p_{i.code}"] for i in rules.INDICATORS if i.kind == rules.COUNT},
                effective_from=d["effective_from"], note=d["note"])):
            messages.success(request, _("A new version of the scheme was made."))
            return redirect("staff:assessment-scheme")
    rows = [{"indicator": ind, "weight": form[f"w_{ind.code}"],
             "per": form[f"p_{ind.code}"] if ind.kind == rules.COUNT else None} for ind in rules.INDICATORS]
    return render(request, "staff/campaign/assessment_scheme.html", {
        "versions": rules.schemes(), "indicators": rules.INDICATORS, "form": form, "rows": rows,
        "may_change": may_change, "current": current})


# --- the campaign's phases, reports and inspections (G1, G3) ----------------------------------

class ReportForm(forms.Form):
    phase = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=2**62)
    text = forms.CharField(label=_("report"), max_length=20000, widget=forms.Textarea(attrs={"rows": 4}))


class PlanInspectionForm(forms.Form):
    department = forms.ModelChoiceField(label=_("department"), queryset=Department.objects.none())
    planned_on = forms.DateField(label=_("planned for"), widget=forms.DateInput(attrs={"type": "date"}))
    inspectors = forms.CharField(label=_("inspectors"), max_length=200)


@register_required
def campaign(request):
    """The campaign's phases and where it stands; each unit's report per phase (on time, late,
    overdue, not yet due); the inspections. A unit's head submits its reports here; supervisors
    plan inspections."""
    from shenpi.campaign import campaigns
    from shenpi.campaign.models import Phase
    running = selectors.current_campaign()
    if running is None:
        return render(request, "staff/campaign/campaign.html", {"campaign": None})
    own = department_of(request.user)
    may_report = access.answers_for(request.user, own) if own else False
    may_run = campaigns.may_run(request.user)
    report_form = ReportForm(request.POST if "text" in request.POST else None)
    plan_form = PlanInspectionForm(request.POST if "inspectors" in request.POST else None)
    plan_form.fields["department"].queryset = running.units.order_by("pk")
    if request.method == "POST":
        if "text" in request.POST and may_report:
            def submit(d):
                phase = Phase.objects.filter(pk=d["phase"], campaign=running).first()
                if phase is None:
                    raise ValidationError({"phase": [_("Not a phase of this campaign.")]})
                campaigns.submit_report(actor=request.user, phase=phase, department=own, report=d["text"])
            ok = _apply(request, report_form, submit)
        elif "inspectors" in request.POST and may_run:
            ok = _apply(request, plan_form, lambda d: campaigns.plan_inspection(
                actor=request.user, campaign=running, department=d["department"], planned_on=d["planned_on"],
                inspectors=d["inspectors"]))
        else:
            raise PermissionDenied
        if ok:
            messages.success(request, _("Saved."))
            return redirect("staff:campaign")
    on = timezone.localdate()
    return render(request, "staff/campaign/campaign.html", {
        **selectors.campaign_overview(request.user, running, on), "on": on, "may_report": may_report,
        "may_run": may_run, "report_form": report_form, "plan_form": plan_form,
        "report_words": {"on_time": _("on time"), "late": _("late"), "overdue": _("overdue"), "due": _("not yet due")}})


@register_required
def inspection(request, pk):
    from shenpi.campaign import campaigns
    from shenpi.campaign.models import Inspection
    visible = Inspection.objects.select_related("department", "campaign", "scored_by__staff")
    if not access.is_watcher(request.user):
        visible = visible.filter(department_id=department_of(request.user))
    found = get_object_or_404(visible, pk=pk)
    may_run = campaigns.may_run(request.user)
    may_score = may_run and not found.published_on and found.planned_on <= timezone.localdate()
    errors: list[str] = []
    if request.method == "POST":
        if not may_run:
            raise PermissionDenied
        try:
            if "publish" in request.POST:
                campaigns.publish(actor=request.user, inspection=found)
            else:
                campaigns.score(actor=request.user, inspection=found, result=request.POST.get("result"),
                                conclusion=request.POST.get("conclusion"),
                                scores={code: {"score": request.POST.get(f"score_{code}", ""),
                                               "note": request.POST.get(f"note_{code}", ""),
                                               "evidence": request.POST.get(f"evidence_{code}", "")}
                                        for code, _label, _most in campaigns.CRITERIA})
            messages.success(request, _("Saved."))
            return redirect("staff:inspection", pk=found.pk)
        except ValidationError as e:
            errors = [m for ms in e.message_dict.values() for m in ms]
    given = {s.criterion: s for s in found.scores.all()}
    criteria = [{"code": code, "label": label, "most": most, "given": given.get(code),
                 "posted": request.POST.get(f"score_{code}", "") if request.method == "POST" else ""}
                for code, label, most in campaigns.CRITERIA]
    return render(request, "staff/campaign/inspection.html", {
        "inspection": found, "criteria": criteria, "may_score": may_score, "errors": errors,
        "may_publish": may_run and found.scored_on and not found.published_on, "results": Inspection.Result.choices})


# --- duty and attendance (B3) -----------------------------------------------------------------

class ShiftForm(forms.Form):
    person = forms.ModelChoiceField(label=_("person on duty"), queryset=get_user_model().objects.none())
    kind = forms.ChoiceField(label=_("duty"), choices=[])
    day = forms.DateField(label=_("day"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, user=None, **kwargs):
        from shenpi.campaign.models import DutyShift
        from shenpi.org.roles import is_centre_admin
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = DutyShift.Kind.choices
        people = get_user_model().objects.filter(
            is_active=True, staff__position__in=DutyShift.Kind.values).select_related("staff__department")
        if not is_centre_admin(user):
            people = people.filter(staff__department_id=department_of(user) or 0)
        self.fields["person"].queryset = people.order_by("staff__department_id", "pk")
        self.fields["person"].label_from_instance = lambda u: (
            f"{u.staff.department.short_name or u.staff.department.name} · {u.staff.name} · {u.staff.get_position_display()}")


@staff_required
def duty(request):
    """Who is on duty today and whether they have signed in; the user's own sign-in and
    sign-out; the roster for the next two weeks, and the form that adds to it."""
    from datetime import timedelta

    from shenpi.campaign import duty as rules
    from shenpi.campaign.models import Attendance
    today = timezone.localdate()
    own = department_of(request.user)
    may_plan = rules.may_plan(request.user, own)
    form = ShiftForm(request.POST if "kind" in request.POST else None, user=request.user)
    if request.method == "POST":
        if "sign_in" in request.POST:
            rules.sign_in(actor=request.user)
            messages.success(request, _("Signed in."))
            return redirect("staff:duty")
        if "sign_out" in request.POST:
            if _apply(request, forms.Form({}), lambda d: rules.sign_out(actor=request.user)):
                messages.success(request, _("Signed out."))
            return redirect("staff:duty")
        if not may_plan:
            raise PermissionDenied
        if _apply(request, form, lambda d: rules.plan_shift(actor=request.user, **d)):
            messages.success(request, _("Saved."))
            return redirect("staff:duty")
    return render(request, "staff/campaign/duty.html", {
        "today": today, "on_duty": rules.people_on_duty(today),
        "mine": Attendance.objects.filter(person=request.user, day=today).first(),
        "roster": list(rules.roster(request.user, today + timedelta(days=1), today + timedelta(days=14))),
        "form": form, "may_plan": may_plan, "may_report": rules.departments_for(request.user).exists()})


@staff_required
def duty_report(request):
    from shenpi.campaign import duty as rules
    if not rules.departments_for(request.user).exists():
        raise PermissionDenied
    found = rules.report(request.user, request.GET.get("month", ""))
    if found is None:
        messages.error(request, _("Not a month: write 2026-11."))
        found = rules.report(request.user, "")
    today = timezone.localdate()
    months = []
    y, m = today.year, today.month
    for _n in range(12):
        months.append(f"{y}-{m:02d}")
        y, m = (y - 1, 12) if m == 1 else (y, m - 1)
    return render(request, "staff/campaign/duty_report.html", {"r": found, "months": months})
