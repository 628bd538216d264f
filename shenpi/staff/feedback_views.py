"""Complaints and ratings on the staff side (F1, F2): supervisors accept or refuse complaints,
rule on appeals and see the figures; the handling department investigates and replies; the
rated department calls back, rectifies and may appeal; clerks register complaints that came by
phone, at the window or by letter, and put the rating tablet on their counter. Thin: writes
through feedback's services; every refusal is a message on the page."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from shenpi.core.forms import add_service_errors
from shenpi.core.params import whole_number
from shenpi.feedback import access, complaints, indicators, selectors, services
from shenpi.feedback.models import Complaint, FollowUp, Rating, RatingAppeal
from shenpi.org.models import Department
from shenpi.org.roles import Role, has_role
from shenpi.supervision.models import Accountability

from .case_views import _errors_to_messages
from .views import staff_required


def _may_visit(user: Any) -> bool:
    return access.is_supervisor(user) or bool(access.department_of(user) and access.answers_for(
        user, access.department_of(user))) or complaints.may_register(user) or \
        access.complaints_for(user).exists()


@staff_required
def overview(request):
    """The work of complaints and ratings that is the user's: what waits for acceptance or a
    ruling (supervisors), what the department must reply to or follow up (its head)."""
    user = request.user
    if not (_may_visit(user) or access.may_see_figures(user)):
        raise PermissionDenied
    on = timezone.localdate()
    open_complaints = access.complaints_for(user).filter(
        status__in=(Complaint.Status.RECEIVED, Complaint.Status.INVESTIGATING)).select_related(
        "against_department", "handling_department").order_by("accept_due", "reply_due")
    return render(request, "staff/feedback/overview.html", {
        "complaints": selectors.complaints_with_lateness(open_complaints[:50], on),
        "follow_ups": selectors.open_follow_ups(user),
        "appeals": list(selectors.pending_appeals()[:50]) if access.is_supervisor(user) else [],
        "may_register": complaints.may_register(user), "supervisor": access.is_supervisor(user),
        "figures": access.may_see_figures(user)})


@staff_required
def complaint_list(request):
    user = request.user
    status = request.GET.get("status", "")
    rows = access.complaints_for(user).select_related("against_department", "handling_department")
    if status in Complaint.Status.values:
        rows = rows.filter(status=status)
    page = Paginator(rows.order_by("-received_at", "-pk"), 50).get_page(request.GET.get("page"))
    page.object_list = selectors.complaints_with_lateness(page.object_list, timezone.localdate())
    return render(request, "staff/feedback/complaints.html", {
        "page": page, "status": status, "statuses": Complaint.Status.choices,
        "may_register": complaints.may_register(user)})


class RegisterForm(forms.Form):
    source = forms.ChoiceField(label=_("source"), choices=[(v, lbl) for v, lbl in Complaint.Source.choices
                                                           if v != Complaint.Source.PORTAL])
    against_department: forms.ModelChoiceField = forms.ModelChoiceField(label=_("Department complained of"), queryset=None)
    against_name = forms.CharField(label=_("Person or window complained of (if known)"), required=False,
                                   max_length=100)
    case_number = forms.CharField(label=_("Case number (if any)"), required=False, max_length=40)
    content = forms.CharField(label=_("What happened"), max_length=4000, widget=forms.Textarea(attrs={"rows": 4}))
    anonymous = forms.BooleanField(label=_("anonymous"), required=False)
    name = forms.CharField(label=_("complainant"), required=False, max_length=100)
    phone = forms.CharField(label=_("complainant's phone"), required=False, max_length=20)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["against_department"].queryset = Department.objects.order_by("pk")
        self.fields["against_department"].empty_label = "—"


@staff_required
def register(request):
    """A complaint that came by phone, at the window or by letter, written down by staff."""
    if not complaints.may_register(request.user):
        raise PermissionDenied
    form = RegisterForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            complaint = complaints.submit(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Complaint %(number)s registered; query code %(code)s (tell the "
                                        "complainant).") % {"number": complaint.number,
                                                            "code": complaint.query_code or "—"})
            if access.complaints_for(request.user).filter(pk=complaint.pk).exists():
                return redirect("staff:complaint", number=complaint.number)
            return redirect("staff:complaint-new")
    return render(request, "staff/feedback/register.html", {"form": form})


def _complaint(request: Any, number: str) -> Complaint:
    return get_object_or_404(access.complaints_for(request.user).select_related(
        "against_department", "handling_department", "against_person__staff", "assignee__staff", "case",
        "accountability"), number=number)


@staff_required
def complaint(request, number):
    c = _complaint(request, number)
    user = request.user
    selectors.complaints_with_lateness([c], timezone.localdate())
    handling = c.handling_department
    colleagues = list(get_user_model().objects.filter(staff__department=handling, is_active=True).exclude(
        pk=c.against_person_id).select_related("staff").order_by("pk")) if handling else []
    against_staff = list(get_user_model().objects.filter(staff__department=c.against_department, is_active=True)
                         .select_related("staff").order_by("pk"))
    return render(request, "staff/feedback/complaint.html", {
        "c": c, "notes": c.notes.select_related("author__staff"), "supervisor": access.is_supervisor(user),
        "handles": access.handles(user, c), "colleagues": colleagues, "against_staff": against_staff,
        "may_assign": c.status == Complaint.Status.INVESTIGATING and (access.is_supervisor(user) or access.answers_for(
            user, c.handling_department_id)) and c.against_person_id != user.pk,
        "departments": Department.objects.order_by("pk"), "findings": Complaint.Finding.choices,
        "measures": Accountability.Measure.choices, "extension_limit": complaints.extension_limit(),
        "on_time": complaints.replied_on_time(c)})


def _user_by_pk(value: Any) -> Any:
    pk = whole_number(value)
    return get_user_model().objects.filter(pk=pk).first() if pk else None


@staff_required
@require_POST
def complaint_act(request, number, action):
    c = _complaint(request, number)
    p, actor = request.POST, request.user
    done = {
        "accept": _("Accepted; the handling department replies by the date shown."),
        "refuse": _("Not accepted; the complainant is told why."), "assign": _("Assigned."),
        "note": _("Note added."), "extend": _("Reply put off; the complainant is told why."),
        "reply": _("Replied; the complainant is told."), "account": _("Accountability recorded."),
    }
    if action not in done:
        raise PermissionDenied
    try:
        if action == "accept":
            department = Department.objects.filter(pk=whole_number(p.get("handling_department", ""))).first()
            complaints.accept(actor=actor, complaint=c, handling_department=department,
                              against_person=_user_by_pk(p.get("against_person", "")))
        elif action == "refuse":
            complaints.refuse(actor=actor, complaint=c, reason=p.get("reason", ""))
        elif action == "assign":
            assignee = _user_by_pk(p.get("assignee", ""))
            if assignee is None:
                raise ValidationError({"assignee": [_("Choose a member of staff.")]})
            complaints.assign(actor=actor, complaint=c, assignee=assignee)
        elif action == "note":
            complaints.add_note(actor=actor, complaint=c, text=p.get("text", ""))
        elif action == "extend":
            complaints.extend(actor=actor, complaint=c, days=whole_number(p.get("days", "")),
                              reason=p.get("reason", ""))
        elif action == "reply":
            complaints.reply(actor=actor, complaint=c, finding=p.get("finding", ""), text=p.get("reply", ""))
        else:
            complaints.hold_to_account(actor=actor, complaint=c, person=_user_by_pk(p.get("person", "")),
                                       measure=p.get("measure", ""), reason=p.get("reason", ""))
        messages.success(request, done[action])
    except ValidationError as exc:
        _errors_to_messages(request, exc)
    if access.complaints_for(actor).filter(pk=c.pk).exists():
        return redirect("staff:complaint", number=c.number)
    return redirect("staff:feedback")


@staff_required
def follow_up(request, pk):
    f = get_object_or_404(selectors.follow_ups_for(request.user), pk=pk)
    selectors.with_states([f], timezone.localdate())
    appeal = RatingAppeal.objects.filter(rating=f.rating).select_related("filed_by__staff", "ruled_by__staff").first()
    return render(request, "staff/feedback/follow_up.html", {
        "f": f, "r": f.rating, "indicators": indicators.labels(f.rating.indicators), "appeal": appeal,
        "works": access.works_follow_up(request.user, f), "supervisor": access.is_supervisor(request.user)})


@staff_required
@require_POST
def follow_up_act(request, pk, action):
    f = get_object_or_404(selectors.follow_ups_for(request.user), pk=pk)
    p = request.POST
    try:
        if action == "call-back":
            services.call_back(actor=request.user, follow_up=f, note=p.get("note", ""))
            messages.success(request, _("Call-back recorded."))
        elif action == "rectify":
            services.rectify(actor=request.user, follow_up=f, text=p.get("rectification", ""))
            messages.success(request, _("Rectification recorded; the applicant is asked to rate again."))
        elif action == "appeal":
            services.appeal(actor=request.user, rating=f.rating, reason=p.get("reason", ""))
            messages.success(request, _("Appeal filed; a supervisor rules on it."))
        elif action == "rule":
            appeal = get_object_or_404(RatingAppeal, rating=f.rating)
            services.rule_appeal(actor=request.user, appeal=appeal, upheld={"1": True, "0": False}.get(
                p.get("upheld", "")), ruling=p.get("ruling", ""))
            messages.success(request, _("Ruling recorded."))
        else:
            raise PermissionDenied
    except ValidationError as exc:
        _errors_to_messages(request, exc)
    return redirect("staff:follow-up", pk=f.pk)


@staff_required
def figures(request):
    if not access.may_see_figures(request.user):
        raise PermissionDenied
    return render(request, "staff/feedback/figures.html", {"f": selectors.figures(request.user)})


@staff_required
def tablet(request):
    """The rating tablet on the window's counter (好差评 评价器): the case the clerk has just
    handled and five large buttons; it follows the clerk's next case by itself."""
    user = request.user
    staff = getattr(user, "staff", None)
    if staff is None or not staff.window_id or not has_role(user, Role.WINDOW_CLERK):
        raise PermissionDenied
    case = services.tablet_case(user)
    if request.method == "POST":
        asked = whole_number(request.POST.get("case", ""))
        if case is None or asked != case.pk:
            messages.error(request, _("The counter has moved on to another case; rate again."))
        else:
            try:
                services.rate(case=case, channel=Rating.Channel.WINDOW, actor=user,
                              level=whole_number(request.POST.get("level", "")),
                              chosen=request.POST.getlist("indicator"))
                messages.success(request, _("Thank you for your rating."))
            except ValidationError as exc:
                _errors_to_messages(request, exc)
        return redirect("staff:window-tablet")
    rated = bool(case and case.ratings.filter(channel=Rating.Channel.WINDOW).exists())
    template = "staff/feedback/_tablet.html" if request.headers.get("HX-Request") else "staff/feedback/tablet.html"
    return render(request, template, {"case": case, "rated": rated, "levels": Rating.Level.choices,
                                      "indicators": indicators.OFFLINE.items(), "staff": staff})


__all__ = ["FollowUp", "complaint", "complaint_act", "complaint_list", "figures", "follow_up", "follow_up_act",
           "overview", "register", "tablet"]
