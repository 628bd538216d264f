"""Electronic supervision's pages (E1, E5, E6): the dashboard and the hall's big screen, the
warning cards with their appeals, the findings of the anomaly rules, supervision orders and
accountability records. Thin: reads through supervision.selectors, writes through
supervision.services; who sees what is supervision.access."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shenpi.cases.models import Case
from shenpi.core.forms import FastSelect
from shenpi.core.params import whole_number
from shenpi.org.models import Department
from shenpi.supervision import access, selectors, services
from shenpi.supervision.models import Accountability, Appeal, Card, Finding, Order
from shenpi.supervision.rules import RULES

from .views import staff_required


def reader_required(view):
    @staff_required
    def wrapped(request, *args, **kwargs):
        if not access.may_read(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)
    wrapped.__name__, wrapped.__doc__ = view.__name__, view.__doc__
    return wrapped


def _page(request, qs, size=50):
    query = request.GET.copy()
    query.pop("page", None)
    return Paginator(qs, size).get_page(request.GET.get("page")), query.urlencode()


def _departments():
    return Department.objects.order_by("pk")


def _figures(request):
    f = selectors.dashboard(request.user, on=timezone.localdate())
    return {**f, "on": f["on"].isoformat(), "words": {k: str(v) for k, v in selectors.LIGHT_WORDS.items()},
            "series": {"received": str(_("Received")), "decided": str(_("Decided")), "cards": str(_("Warning cards"))},
            "trend": [{**t, "week": t["week"].isoformat()} for t in f["trend"]]}


@reader_required
def dashboard(request):
    """Counts by light, on-time rates, time used against limits, cards and findings by
    department, weekly trends; each figure a link to the cases or records behind it."""
    figures = _figures(request)
    return render(request, "staff/supervision/dashboard.html", {
        "f": figures, "words": selectors.LIGHT_WORDS, "watcher": access.is_watcher(request.user)})


@reader_required
def figures_json(request):
    return JsonResponse(_figures(request))


@reader_required
def screen(request):
    """The big screen for the hall's display: large figures, refreshed every minute."""
    return render(request, "staff/supervision/screen.html", {"f": _figures(request), "words": selectors.LIGHT_WORDS})


class CardFilter(forms.Form):
    level = forms.ChoiceField(label=_("warning level"), required=False, widget=FastSelect)
    clock = forms.ChoiceField(label=_("clock"), required=False, widget=FastSelect)
    department = forms.ModelChoiceField(label=_("department"), required=False, widget=FastSelect,
                                        queryset=Department.objects.none())
    appealed = forms.BooleanField(label=_("appealed only"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["level"].choices = [("", "—"), *Card.Level.choices]
        self.fields["clock"].choices = [("", "—"), *Card.Clock.choices]
        self.fields["department"].queryset = _departments()
        self.fields["department"].empty_label = "—"


@reader_required
def cards(request):
    form = CardFilter(request.GET or None)
    f = form.cleaned_data if form.is_valid() else {}
    qs = selectors.cards_for(request.user, level=f.get("level", ""), clock=f.get("clock", ""),
                             department=f["department"].pk if f.get("department") else None,
                             appealed=f.get("appealed", False)).select_related("appeal")
    page, query = _page(request, qs)
    return render(request, "staff/supervision/cards.html", {"form": form, "page": page, "query": query})


class AppealForm(forms.Form):
    reason = forms.CharField(label=_("reason"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)


class RulingForm(forms.Form):
    decision = forms.ChoiceField(label=_("ruling"), choices=[("uphold", _("Uphold")), ("reject", _("Reject"))])
    ruling = forms.CharField(label=_("reasons"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)


class AccountForm(forms.Form):
    person = forms.ModelChoiceField(label=_("person"), queryset=get_user_model().objects.none())
    measure = forms.ChoiceField(label=_("measure"), choices=Accountability.Measure.choices)
    reason = forms.CharField(label=_("reason"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = (get_user_model().objects.filter(staff__isnull=False)
                                          .select_related("staff").order_by("staff__department_id", "username"))
        self.fields["person"].label_from_instance = lambda u: f"{u.staff.name}({u.get_username()})"


def _apply(request, form, write) -> bool:
    """Run a service with a valid form; its refusal with reasons becomes the form's messages."""
    if not form.is_valid():
        return False
    try:
        write(form.cleaned_data)
    except ValidationError as e:
        for field, errors in e.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
        return False
    return True


@reader_required
def card(request, pk):
    card = get_object_or_404(access.scoped(Card.objects.select_related(
        "case", "case__version", "responsible__staff", "department", "step"), request.user), pk=pk)
    appeal = Appeal.objects.filter(card=card).select_related("filed_by__staff", "ruled_by__staff").first()
    may_appeal = appeal is None and access.answers_for(request.user, card.department_id)
    may_rule = appeal is not None and appeal.status == Appeal.Status.PENDING and access.is_supervisor(request.user)
    appeal_form = AppealForm(request.POST if "appeal" in request.POST else None)
    ruling_form = RulingForm(request.POST if "rule" in request.POST else None)
    account_form = AccountForm(request.POST if "account" in request.POST else None,
                               initial={"person": card.responsible_id})
    if request.method == "POST":
        if "appeal" in request.POST and may_appeal:
            ok = _apply(request, appeal_form, lambda d: services.file_appeal(actor=request.user, card=card,
                                                                             reason=d["reason"]))
        elif "rule" in request.POST and may_rule:
            assert appeal is not None
            ok = _apply(request, ruling_form, lambda d: services.rule_appeal(
                actor=request.user, appeal=appeal, uphold=d["decision"] == "uphold", ruling=d["ruling"]))
        elif "account" in request.POST and access.is_supervisor(request.user):
            ok = _apply(request, account_form, lambda d: services.hold_to_account(
                actor=request.user, person=d["person"], measure=d["measure"], reason=d["reason"], card=card))
        else:
            raise PermissionDenied
        if ok:
            messages.success(request, _("Saved."))
            return redirect("staff:sv-card", pk=card.pk)
    return render(request, "staff/supervision/card.html", {
        "card": card, "appeal": appeal, "may_appeal": may_appeal, "may_rule": may_rule,
        "appeal_form": appeal_form, "ruling_form": ruling_form, "account_form": account_form,
        "may_account": access.is_supervisor(request.user)})


class FindingFilter(forms.Form):
    category = forms.ChoiceField(label=_("category"), required=False, widget=FastSelect)
    severity = forms.ChoiceField(label=_("severity"), required=False, widget=FastSelect)
    rule = forms.ChoiceField(label=_("rule"), required=False, widget=FastSelect)
    department = forms.ModelChoiceField(label=_("department"), required=False, widget=FastSelect,
                                        queryset=Department.objects.none())
    found_from = forms.DateField(label=_("found from"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    found_to = forms.DateField(label=_("found to"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [("", "—"), *Finding.Category.choices]
        self.fields["severity"].choices = [("", "—"), *Finding.Severity.choices]
        self.fields["rule"].choices = [("", "—"), *((r.code, r.description) for r in RULES.values())]
        self.fields["department"].queryset = _departments()
        self.fields["department"].empty_label = "—"


@reader_required
def findings(request):
    form = FindingFilter(request.GET or None)
    f = dict(form.cleaned_data) if form.is_valid() else {}
    if f.get("department"):
        f["department"] = f["department"].pk
    qs = selectors.findings_for(request.user, **{k: v for k, v in f.items() if v})
    page, query = _page(request, qs)
    for x in page:
        x.rule_text = RULES[x.rule].description if x.rule in RULES else x.rule
    return render(request, "staff/supervision/findings.html", {"form": form, "page": page, "query": query})


class OrderForm(forms.Form):
    case_number = forms.CharField(label=_("case number (optional)"), required=False, max_length=40)
    department = forms.ModelChoiceField(label=_("department"), required=False, queryset=Department.objects.none())
    content = forms.CharField(label=_("what is ordered"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)
    reply_days = forms.IntegerField(label=_("reply within (working days)"), min_value=1,
                                    max_value=services.MAX_REPLY_DAYS, initial=3)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = _departments()
        self.fields["department"].empty_label = "—"

    def clean_case_number(self):
        number = self.cleaned_data["case_number"].strip().upper()
        if not number:
            return None
        case = Case.objects.filter(number=number).first()
        if case is None:
            raise ValidationError(_("No case has this number."))
        return case


@reader_required
def orders(request):
    may_issue = access.is_supervisor(request.user)
    form = OrderForm(request.POST or None, initial={"case_number": request.GET.get("case", "")[:40]})
    if request.method == "POST":
        if not may_issue:
            raise PermissionDenied
        made = []
        if _apply(request, form, lambda d: made.append(services.issue_order(
                actor=request.user, department=d["department"], case=d["case_number"], content=d["content"],
                reply_days=d["reply_days"]))):
            messages.success(request, _("The order was issued."))
            return redirect("staff:sv-order", pk=made[0].pk)
    status = request.GET.get("status", "")
    status = status if status in Order.Status.values else ""
    page, query = _page(request, selectors.orders_for(request.user, status=status))
    on = timezone.localdate()
    return render(request, "staff/supervision/orders.html", {
        "page": page, "query": query, "form": form, "may_issue": may_issue, "status": status,
        "statuses": Order.Status.choices, "late": {o.pk for o in page if services.reply_overdue(o, on)}})


class ReplyForm(forms.Form):
    reply = forms.CharField(label=_("reply"), widget=forms.Textarea(attrs={"rows": 4}), max_length=4000)


class OrderRulingForm(forms.Form):
    decision = forms.ChoiceField(label=_("ruling"), choices=[("accept", _("Accept the reply and close")),
                                                              ("return", _("Return the reply"))])
    ruling = forms.CharField(label=_("reasons"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
                             max_length=2000)


@reader_required
def order(request, pk):
    order = get_object_or_404(access.scoped(Order.objects.select_related(
        "case", "department", "issued_by__staff", "replied_by__staff", "ruled_by__staff"), request.user), pk=pk)
    may_reply = (order.status in (Order.Status.OPEN, Order.Status.RETURNED)
                 and access.answers_for(request.user, order.department_id))
    may_rule = order.status == Order.Status.REPLIED and access.is_supervisor(request.user)
    reply_form = ReplyForm(request.POST if "reply" in request.POST else None)
    ruling_form = OrderRulingForm(request.POST if "decision" in request.POST else None)
    if request.method == "POST":
        if "reply" in request.POST and may_reply:
            ok = _apply(request, reply_form, lambda d: services.reply_order(actor=request.user, order=order,
                                                                            reply=d["reply"]))
        elif "decision" in request.POST and may_rule:
            ok = _apply(request, ruling_form, lambda d: services.rule_order(
                actor=request.user, order=order, accept=d["decision"] == "accept", ruling=d["ruling"]))
        else:
            raise PermissionDenied
        if ok:
            messages.success(request, _("Saved."))
            return redirect("staff:sv-order", pk=order.pk)
    return render(request, "staff/supervision/order.html", {
        "order": order, "may_reply": may_reply, "may_rule": may_rule, "reply_form": reply_form,
        "ruling_form": ruling_form, "late": services.reply_overdue(order, timezone.localdate())})


@reader_required
def accountability(request):
    may_record = access.is_supervisor(request.user)
    form = AccountForm(request.POST or None)
    if request.method == "POST":
        if not may_record:
            raise PermissionDenied
        if _apply(request, form, lambda d: services.hold_to_account(
                actor=request.user, person=d["person"], measure=d["measure"], reason=d["reason"])):
            messages.success(request, _("Saved."))
            return redirect("staff:sv-accountability")
    person = whole_number(request.GET.get("person", ""))
    page, query = _page(request, selectors.accountability_for(request.user, person=person))
    shown = get_user_model().objects.filter(pk=person).select_related("staff").first() if person else None
    return render(request, "staff/supervision/accountability.html", {"page": page, "query": query, "form": form,
                                                                     "may_record": may_record, "person": shown})

