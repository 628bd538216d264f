"""The public's side of feedback: rating a finished case (on the portal, through the SMS link),
rating it again after a poor rating was acted on, complaining, and following a complaint with
its number and query code. Thin: writes through feedback's services; every refusal is a
message on the page, never an error."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from shenpi.cases.models import Case
from shenpi.core.exceptions import TooMany
from shenpi.core.forms import add_service_errors
from shenpi.core.params import whole_number
from shenpi.core.throttle import client_address, count, count_all, uncount
from shenpi.feedback import complaints, indicators, services
from shenpi.feedback.models import Complaint, FollowUp, Rating
from shenpi.org.models import Department


def rating_context(case: Case, channel: str) -> dict:
    """What a rating form needs: the levels and the indicators that fit the case."""
    return {"levels": Rating.Level.choices, "indicators": indicators.for_case(case, channel).items()}


def _posted_rating(request: Any) -> dict:
    return {"level": whole_number(request.POST.get("level", "")), "text": request.POST.get("text", ""),
            "chosen": [c for c in request.POST.getlist("indicator") if isinstance(c, str)]}


def _say_errors(request: Any, exc: ValidationError) -> None:
    for m in exc.messages:
        messages.error(request, m)


def portal_rating(case: Case, user: Any) -> dict:
    """The rating part of the applicant's case page: the form, their rating, its follow-up."""
    mine = {r.channel: r for r in case.ratings.select_related("follow_up")} if case.pk else {}
    portal = mine.get(Rating.Channel.PORTAL)
    follow = next((getattr(r, "follow_up", None) for r in mine.values() if hasattr(r, "follow_up")), None)
    return {"may_rate": case.state in services.ENDED and portal is None, "ratings": list(mine.values()),
            "follow": follow, "may_rate_again": bool(follow and follow.rectified_at and not follow.second_level),
            **rating_context(case, Rating.Channel.PORTAL)}


@login_required(login_url="portal:login")
@require_POST
def rate_mine(request, number):
    case = get_object_or_404(Case, number=number, applicant_user=request.user)
    try:
        if request.POST.get("again"):
            follow = FollowUp.objects.filter(rating__case=case).first()
            if follow is None:
                raise ValidationError(_("This case has no follow-up to rate."))
            posted = _posted_rating(request)
            services.rate_again(follow_up=follow, level=posted["level"], text=posted["text"], actor=request.user)
        else:
            services.rate(case=case, channel=Rating.Channel.PORTAL, actor=request.user, **_posted_rating(request))
        messages.success(request, _("Thank you for your rating."))
    except ValidationError as exc:
        _say_errors(request, exc)
    return redirect(reverse("portal:my-case", args=[case.number]) + "#rating")


def rate_link(request, token):
    """The page the SMS link opens: no account needed, the link itself is the proof."""
    named = services.case_of_token(token)
    if named is None:
        return render(request, "portal/rate.html", {"expired": True}, status=404)
    case, again = named
    follow = FollowUp.objects.filter(rating__case=case).first() if again else None
    done = (follow.second_level if again and follow else
            case.ratings.filter(channel=Rating.Channel.SMS).exists())
    if request.method == "POST" and not done:
        posted = _posted_rating(request)
        try:
            if again:
                if follow is None:
                    raise ValidationError(_("This case has no follow-up to rate."))
                services.rate_again(follow_up=follow, level=posted["level"], text=posted["text"], token=token)
            else:
                services.rate(case=case, channel=Rating.Channel.SMS, token=token, **posted)
        except ValidationError as exc:
            _say_errors(request, exc)
        else:
            messages.success(request, _("Thank you for your rating."))
            return redirect("portal:rate-link", token=token)
    return render(request, "portal/rate.html", {"case": case, "again": again, "follow": follow, "done": done,
                                                "ended": case.state in services.ENDED,
                                                **rating_context(case, Rating.Channel.SMS)})


LOOKUP_MINUTE, LOOKUP_HOUR = 60, 3600
SUBMITS_PER_HOUR = 20  # complaints from one address, on the page and the API together


class ComplaintForm(forms.Form):
    against_department: forms.ModelChoiceField = forms.ModelChoiceField(label=_("Department complained of"), queryset=None)
    against_name = forms.CharField(label=_("Person or window complained of (if known)"), required=False,
                                   max_length=100)
    case_number = forms.CharField(label=_("Case number (if any)"), required=False, max_length=40)
    content = forms.CharField(label=_("What happened"), max_length=4000, widget=forms.Textarea(attrs={"rows": 5}))
    anonymous = forms.BooleanField(label=_("Complain anonymously (you cannot then follow it or be told the result)"),
                                   required=False)
    name = forms.CharField(label=_("Your name"), required=False, max_length=100)
    phone = forms.CharField(label=_("Your phone, for the reply"), required=False, max_length=20,
                            widget=forms.TextInput(attrs={"type": "tel", "inputmode": "tel"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["against_department"].queryset = Department.objects.order_by("pk")
        self.fields["against_department"].empty_label = "—"


def complain(request):
    """Anyone may complain (F1), signed in or not; the answer gives the number and query code."""
    initial = {"phone": request.user.username if request.user.is_authenticated and not hasattr(
        request.user, "staff") else "", "case_number": request.GET.get("case", "")[:40]}
    form = ComplaintForm(request.POST or None, initial=initial)
    key = f"complaint-submit:{client_address(request)}"
    if request.method == "POST" and form.is_valid():
        # Counted before it is sent on, so posts at once cannot pass the limit together.
        if count(key, LOOKUP_HOUR) > SUBMITS_PER_HOUR:
            form.add_error(None, _("Too many complaints from this address for now; call the centre's hotline."))
            return _complain_page(request, form)
        try:
            complaint = complaints.submit(actor=request.user if not hasattr(request.user, "staff") else None,
                                          source=Complaint.Source.PORTAL, **form.cleaned_data)
        except ValidationError as exc:
            uncount(key)  # refused: not a complaint made
            add_service_errors(form, exc)
        else:
            if complaint.anonymous:
                return render(request, "portal/complained.html", {"complaint": complaint})
            messages.success(request, _("Your complaint is received: number %(number)s, query code %(code)s. Keep "
                                        "them to follow it.") % {"number": complaint.number,
                                                                  "code": complaint.query_code})
            return redirect(f"{reverse('portal:complaint-lookup')}?"
                            f"{urlencode({'number': complaint.number, 'code': complaint.query_code})}")
    return _complain_page(request, form)


def _complain_page(request, form):
    return render(request, "portal/complain.html", {"form": form, "accept_days": settings.SHENPI_COMPLAINT_ACCEPT_DAYS,
                                                    "reply_days": settings.SHENPI_COMPLAINT_REPLY_DAYS})




def _found(request: Any, number: str, code: str) -> Complaint | None:
    """The complaint with this number and code, guarded as the case lookup is: too many tries
    from an address in a minute, or failures in an hour, and it answers TooMany."""
    number, code = number.strip().upper()[:20], code.strip().upper()[:16]
    if not number or not code:
        return None
    address = client_address(request)
    rate_key, fail_key = f"complaint-rate:{address}", f"complaint-fail:{address}"
    limits = settings.SHENPI_LOOKUP_LIMITS  # the case lookup's limits hold for this lookup too
    # Counted before the lookup, as the case lookup is (cases.lookup.find).
    now = count_all((rate_key, LOOKUP_MINUTE), (fail_key, LOOKUP_HOUR))
    if now[rate_key] > limits["per_address_per_minute"] or now[fail_key] > limits["failures_per_address_per_hour"]:
        uncount(fail_key)
        raise TooMany(str(_("Too many lookups: try again later, or ask at the centre's window or hotline.")),
                      retry_after=LOOKUP_HOUR)
    found = Complaint.objects.filter(number=number, anonymous=False).select_related(
        "against_department", "handling_department").first()
    if found is None or not found.query_code or found.query_code != code:
        return None
    uncount(fail_key)
    return found


def complaint_lookup(request):
    number, code = request.GET.get("number", ""), request.GET.get("code", "")
    if request.method == "POST":
        number, code = request.POST.get("number", ""), request.POST.get("code", "")
    refused, status = "", 200
    try:
        complaint = _found(request, number, code)
    except TooMany as exc:
        complaint, refused, status = None, exc.user_message(), 429
    if request.method == "POST" and complaint is not None:
        try:
            complaints.rate_handling(complaint=complaint, level=whole_number(request.POST.get("level", "")),
                                     text=request.POST.get("text", ""), code=code)
            messages.success(request, _("Thank you for your rating."))
        except (ValidationError, PermissionDenied) as exc:
            for m in (exc.messages if isinstance(exc, ValidationError) else [str(exc)]):
                messages.error(request, m)
        return redirect(f"{reverse('portal:complaint-lookup')}?{urlencode({'number': number, 'code': code})}")
    return render(request, "portal/complaint.html", {
        "complaint": complaint, "asked": bool(number and code), "number": number, "code": code, "refused": refused,
        "levels": Rating.Level.choices}, status=status)


@login_required(login_url="portal:login")
def my_complaints(request):
    rows = Complaint.objects.filter(complainant_user=request.user).select_related("against_department")
    return render(request, "portal/my_complaints.html", {"complaints": rows})
