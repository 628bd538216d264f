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
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shenpi.campaign import access, problems, selectors
from shenpi.campaign.models import Problem, ProblemEntry
from shenpi.core.params import whole_number
from shenpi.org.models import Department
from shenpi.supervision.access import department_of

from .supervision_views import _apply, _page
from .views import staff_required


def register_required(view):
    @staff_required
    def wrapped(request, *args, **kwargs):
        if not access.may_read_register(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)
    wrapped.__name__, wrapped.__doc__ = view.__name__, view.__doc__
    return wrapped


class ProblemForm(forms.Form):
    department = forms.ModelChoiceField(label=_("unit"), queryset=Department.objects.none())
    title = forms.CharField(label=_("problem"), max_length=200)
    kind = forms.ChoiceField(label=_("kind"), choices=Problem.Kind.choices)
    source = forms.ChoiceField(label=_("where found"), choices=Problem.Source.choices)
    cause = forms.CharField(label=_("cause"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 2}))
    measure = forms.CharField(label=_("measure"), max_length=4000, widget=forms.Textarea(attrs={"rows": 2}))
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
            f"{u.staff.department.short_name or u.staff.department.name} · {u.first_name or u.username}")
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
