"""Staff pages. Thin: reads through selectors, writes through services."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _

from shenpi.catalog import excel, selectors
from shenpi.core.forms import FastSelect
from shenpi.org.roles import is_centre_admin, is_staff_member, roles_of


def staff_required(view):
    @login_required
    def wrapped(request, *args, **kwargs):
        if not is_staff_member(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


def staff_who(may):
    """A staff page for those `may(user)` lets in; the rest of the staff get 403."""
    def decorate(view):
        @staff_required
        def wrapped(request, *args, **kwargs):
            if not may(request.user):
                raise PermissionDenied
            return view(request, *args, **kwargs)
        wrapped.__name__, wrapped.__doc__ = view.__name__, view.__doc__
        return wrapped
    return decorate


@staff_required
def home(request):
    """Each role lands on its work: a clerk on the online inbox and the window's cases, a
    reviewer or approver on their steps, a department head on the department's queue and open
    cases, a supervisor, leader or administrator on the search over every case."""
    from django.utils import timezone

    from shenpi.cases import selectors as cases
    from shenpi.cases.lifecycle import State
    from shenpi.cases.models import StepTask
    from shenpi.org.roles import Role, has_role
    from shenpi.supervision.tally import WATCHED
    from shenpi.workdays.selectors import current_calendar

    user = request.user
    staff = getattr(user, "staff", None)
    on, cal = timezone.localdate(), current_calendar()
    work = {}
    if staff and staff.window_id and has_role(user, Role.WINDOW_CLERK):
        work["inbox"] = cases.inbox_rows(cases.online_inbox(user)[:20], on=on, cal=cal)
        work["window_cases"] = list(cases.cases_visible_to(user).filter(
            window_id=staff.window_id, state__in=(*cases.RUNNING, State.APPROVED, State.DENIED))
            .order_by("acceptance_due")[:20])
    steps = (StepTask.objects.filter(assignee=user, status=StepTask.Status.OPEN, case__state=State.ACCEPTED)
             .select_related("case", "case__version").order_by("due_on")[:20])
    work["tasks"] = cases.step_rows(steps, on=on, cal=cal)
    if staff and staff.department_id and has_role(user, Role.DEPT_HEAD, Role.CHIEF_REP):
        # The cases being handled or awaiting delivery: the dashboard's "being handled".
        department_cases = cases.cases_visible_to(user).filter(department_id=staff.department_id,
                                                                state__in=WATCHED)
        work["department"] = {"open": department_cases.count(),
                              "overdue": department_cases.filter(cases.overdue_q(on)).count()}
    watcher = is_centre_admin(user) or has_role(user, Role.SUPERVISOR, Role.LEADER)
    if watcher:
        everything = cases.cases_visible_to(user)
        work["centre"] = {"open": everything.filter(state__in=WATCHED).count(),
                          "overdue": everything.filter(cases.overdue_q(on)).count(),
                          "today": everything.filter(received_on=on).count()}
        work["lookups"] = cases.lookup_failures(on=on)
    from shenpi.supervision.models import Card
    shown = Card.objects.select_related("case", "responsible__staff", "department").order_by("-created_at")
    work["cards"] = list((shown if watcher else shown.filter(responsible=user))[:10])
    from shenpi.supervision import access as supervision
    from shenpi.supervision.selectors import orders_for
    may_supervise = supervision.may_read(user)
    open_orders = orders_for(user).filter(status__in=("open", "returned")).count() if may_supervise else 0
    from shenpi.feedback import access as feedback
    from shenpi.feedback.selectors import follow_up_counts
    from shenpi.staff.feedback_views import _may_visit
    follow_ups = follow_up_counts(user, on)
    work["feedback_work"] = {
        "complaints": feedback.complaints_for(user).filter(status__in=("received", "investigating")).count(),
        "follow_ups": follow_ups["open"], "late": follow_ups["late"]}
    feedback_open = work["feedback_work"]["complaints"] + work["feedback_work"]["follow_ups"]
    from shenpi.campaign import access as campaign
    may_see_problems = campaign.may_read_register(user)
    problems_open = campaign.problems_for(user).filter(state="open").count() if may_see_problems else 0
    return render(request, "staff/home.html", {
        **work, "feedback": _may_visit(user) or feedback.may_see_figures(user), "feedback_open": feedback_open, "watcher": watcher, "supervision": may_supervise, "open_orders": open_orders, "is_clerk": "inbox" in work,
        "problems": may_see_problems, "problems_open": problems_open,
        "assessment": campaign.may_see_assessment(user),
        "staff": staff, "roles": sorted(roles_of(request.user)), "is_admin": is_centre_admin(request.user),
        "is_leader": bool(staff and staff.department_id) and bool(roles_of(request.user) & {"dept_head", "chief_rep"}),
    })


@staff_required
def figures(request):
    return render(request, "staff/figures.html", {"f": selectors.reform_figures()})


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Excel file (.xlsx)"))


@staff_required
def export(request):
    response = HttpResponse(excel.export_catalog(), content_type=excel.XLSX)
    response["Content-Disposition"] = 'attachment; filename="catalog.xlsx"'
    return response


@staff_required
def transfer(request):
    if not is_centre_admin(request.user):
        raise PermissionDenied
    form = ImportForm(request.POST or None, request.FILES or None)
    row_errors = []
    if request.method == "POST" and form.is_valid():
        try:
            result = excel.import_catalog(actor=request.user, fileobj=form.cleaned_data["file"])
        except excel.CatalogImportError as exc:
            row_errors = exc.rows
        except ValidationError as exc:
            form.add_error("file", exc.messages)
        else:
            messages.success(request, _("Imported: %(created)s new, %(updated)s changed, %(unchanged)s unchanged.") % result)
            return redirect("staff:transfer")
    return render(request, "staff/transfer.html", {"form": form, "row_errors": row_errors})


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Case number or applicant"), required=False, max_length=100)
    item = forms.CharField(label=_("item"), required=False, max_length=100)
    department: forms.ModelChoiceField = forms.ModelChoiceField(
        label=_("department"), required=False, widget=FastSelect, queryset=None)
    state = forms.ChoiceField(label=_("state"), required=False, widget=FastSelect)
    received_from = forms.DateField(label=_("received from"), required=False,
                                    widget=forms.DateInput(attrs={"type": "date"}))
    received_to = forms.DateField(label=_("received to"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    window: forms.ModelChoiceField = forms.ModelChoiceField(
        label=_("window"), required=False, widget=FastSelect, queryset=None)
    light = forms.ChoiceField(label=_("light"), required=False, widget=FastSelect)
    overdue = forms.BooleanField(label=_("overdue only"), required=False)

    def __init__(self, *args, **kwargs):
        from shenpi.cases.lifecycle import State
        from shenpi.org.models import Department, Window
        from shenpi.supervision.selectors import LIGHT_WORDS
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = Department.objects.order_by("pk")
        self.fields["department"].empty_label = "—"
        self.fields["window"].queryset = Window.objects.order_by("centre_id", "number")
        self.fields["window"].empty_label = "—"
        self.fields["window"].label_from_instance = lambda w: f"{w.number} {w.name}"
        self.fields["state"].choices = [("", "—"), *State.choices]
        self.fields["light"].choices = [("", "—"), ("any", _("Being handled or awaiting delivery")),
                                        *LIGHT_WORDS.items()]


@staff_required
def search(request):
    """Electronic supervision's real-time view (E1): every case the user may see, by state,
    department, window and light, read only, each a click from its whole history. Bad filter
    values are form messages, never errors."""
    from django.utils import timezone

    from shenpi.cases import selectors as cases
    from shenpi.supervision import selectors as supervision

    from .paging import CappedPaginator

    form = SearchForm(request.GET or None)
    on = timezone.localdate()
    soon = supervision.warning_horizon(on)
    # An invalid filter is a form message; the list then shows everything the user may see.
    filters = dict(form.cleaned_data) if form.is_valid() else {}
    window, light = filters.pop("window", None), filters.pop("light", "")
    results = cases.search_cases(request.user, on=on, **filters)
    if window is not None:
        results = results.filter(window_id=window.pk)
    if light:
        results = results.filter(supervision.light_q(light, on, soon))
    page = CappedPaginator(results.select_related("version", "department", "window"), 50).get_page(request.GET.get("page"))
    for c in page:
        c.light = supervision.light_of(c, on, soon)
        c.light_word = supervision.LIGHT_WORDS.get(c.light, "")
    query = request.GET.copy()
    query.pop("page", None)
    from shenpi.supervision.access import may_read
    return render(request, "staff/search.html", {"form": form, "page": page, "query": query.urlencode(),
                                                 "supervision": may_read(request.user)})
