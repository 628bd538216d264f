"""The applicant's side of the portal: an account, applying online with uploads, my cases.

Applicants hold local accounts (mobile number and password). A city deployment would put its
province's unified identity service (统一身份认证) in front instead; the ID number or credit
code of each application is checked when it is made, whoever is logged in."""

from django import forms
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from shenpi.cases import services
from shenpi.cases.models import Case
from shenpi.cases.selectors import deemed_by_law
from shenpi.cases.uploads import upload_errors
from shenpi.catalog import selectors as catalog
from shenpi.catalog.codes import HandlingForm
from shenpi.core.forms import add_service_errors
from shenpi.core.sql import keyed_reads
from shenpi.org.accounts import safe_next


def phone_field(**attrs) -> forms.CharField:
    return forms.CharField(label=_("Mobile phone"), max_length=11, widget=forms.TextInput(
        attrs={"type": "tel", "inputmode": "numeric", "autocomplete": "tel", **attrs}))


def sms_code_field() -> forms.CharField:
    return forms.CharField(label=_("Code from the SMS"), max_length=6, widget=forms.TextInput(
        attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}))


class RegisterForm(forms.Form):
    phone = phone_field(pattern="1[0-9]{10}")
    consent = forms.BooleanField(label=_("I have read and agree to the privacy terms: my mobile number and the data I "
                                         "give in applications are used only to handle my applications and tell me of "
                                         "them, and are kept as the law on archives requires."),
                                 error_messages={"required": _("Agree to the privacy terms to register.")})


class ConfirmForm(forms.Form):
    phone = phone_field()
    code = sms_code_field()
    password = forms.CharField(label=_("Password"), widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))


def _with_next(url: str, request) -> str:
    target = safe_next(request, "")
    return f"{url}{'&' if '?' in url else '?'}{urlencode({'next': target})}" if target else url


def register(request):
    """Step 1: the number and consent; a code goes out by SMS. The answer is the same whether
    or not the number has an account (the SMS tells its owner which)."""
    from django.conf import settings as conf

    from shenpi.portal import services as accounts
    form = RegisterForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        phone = form.cleaned_data["phone"]
        try:
            accounts.request_signup_code(phone=phone, centre_name=conf.SHENPI["CENTRE_NAME"],
                                         login_url=request.build_absolute_uri(reverse("portal:login")))
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("An SMS is on its way to %(phone)s: enter its code below. If the number "
                                        "has an account already, the SMS says so; log in instead.")
                             % {"phone": phone[:3] + "****" + phone[-4:]})
            return redirect(_with_next(f"{reverse('portal:register-confirm')}?{urlencode({'phone': phone})}",
                                       request))
    return render(request, "portal/register.html", {"form": form, "step": "phone", "next": safe_next(request, "")})


def register_confirm(request):
    """Step 2: the code and a password; the account is made and logged in."""
    from shenpi.portal import services as accounts
    form = ConfirmForm(request.POST or None, initial={"phone": request.GET.get("phone", "")[:11]})
    if request.method == "POST" and form.is_valid():
        try:
            user = accounts.complete_signup(**form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            login(request, user, backend="shenpi.org.accounts.AccountBackend")
            return redirect(safe_next(request, reverse("portal:my-cases")))
    return render(request, "portal/register.html", {"form": form, "step": "confirm", "next": safe_next(request, "")})


class ApplyForm(forms.Form):
    applicant_type = forms.ChoiceField(label=_("applicant type"), choices=Case.ApplicantType.choices)
    applicant_name = forms.CharField(label=_("applicant"), max_length=100)
    applicant_id = forms.CharField(label=_("ID number or credit code"), max_length=18)
    applicant_phone = forms.CharField(label=_("phone"), max_length=11, widget=forms.TextInput(
        attrs={"type": "tel", "inputmode": "numeric", "autocomplete": "tel"}))


@login_required(login_url="portal:login")
def apply(request, code):
    version = catalog.guide_version(code)
    if version is None or HandlingForm.ONLINE not in version.handling_forms:
        raise Http404
    materials = list(version.materials.all())
    form = ApplyForm(request.POST or None, initial={"applicant_phone": request.user.username})
    file_errors = {}
    if request.method == "POST" and form.is_valid():
        uploads = [(m.name, request.FILES.get(f"material-{m.pk}")) for m in materials]
        for m, (_name, f) in zip(materials, uploads, strict=True):
            if f is not None:
                problems = upload_errors(f)
                if problems:
                    file_errors[m.pk] = problems
        if not file_errors:
            saved = []
            try:
                with transaction.atomic():
                    case = services.submit(actor=request.user, item=version.item, channel="online",
                                           idempotency_key=request.POST.get("idempotency_key") or None,
                                           **form.cleaned_data)
                    for name, f in uploads:
                        if f is not None:
                            saved.append(services.add_material(actor=request.user, case=case, name=name, upload=f))
                    services.issue_receipt(actor=request.user, case=case)
            except BaseException as exc:
                for m in saved:  # the rows rolled back; their files must not stay behind
                    m.file.delete(save=False)
                if not isinstance(exc, ValidationError):
                    raise
                add_service_errors(form, exc)
            else:
                messages.success(request, _("Submitted: case %(number)s, query code %(code)s.") % {
                    "number": case.number, "code": case.query_code})
                return redirect("portal:my-case", number=case.number)
    import time
    return render(request, "portal/apply.html", {"v": version, "form": form, "materials": materials,
                                                 "file_errors": file_errors, "idempotency_key": f"{time.time_ns()}"})


@login_required(login_url="portal:login")
def supplement(request, number):
    """The applicant answers a supplement notice online: uploads each material it lists, says
    what was done for its other points, and resubmits; the acceptance period starts again
    only when everything it asked for is in (services.resubmit)."""
    case = get_object_or_404(Case, number=number, applicant_user=request.user)
    if request.method != "POST":
        return redirect("portal:my-case", number=number)
    context = _supplement_context(case)
    if not context:
        messages.error(request, _("This case is not waiting for a supplement."))
        return redirect("portal:my-case", number=number)
    errors = []
    for i, name in enumerate(context["supplement"].materials):
        upload = request.FILES.get(f"owed-{i}")
        if upload is None:
            continue
        try:
            services.add_material(actor=request.user, case=case, name=name, upload=upload)
        except ValidationError as exc:
            errors += [f"{name}: {m}" for m in exc.messages]
    if not errors:
        try:
            services.resubmit(actor=request.user, case=case, note=request.POST.get("note", ""))
        except ValidationError as exc:
            errors += exc.messages
        except services.ConflictError as exc:
            errors.append(str(exc))
    for e in errors:
        messages.error(request, e)
    if not errors:
        messages.success(request, _("Resubmitted: the centre answers within 5 working days."))
    return redirect("portal:my-case", number=number)


@login_required(login_url="portal:login")
def my_cases(request):
    from django.core.paginator import Paginator

    from shenpi.feedback.models import Rating
    from shenpi.feedback.services import ENDED
    from shenpi.joint.bundles import applications_of
    from shenpi.joint.projects import projects_of_applicant
    # A company may apply thousands of times: 50 to a page, the newest first.
    # A row shows the number, item, state and day received: only those columns are read (a
    # version's row holds its whole guide).
    page = Paginator(Case.objects.filter(applicant_user=request.user).select_related("version")
                     .only("id", "number", "state", "received_on", "received_at", "version__id", "version__name")
                     .order_by("-received_at", "-pk"), 50).get_page(request.GET.get("page"))
    cases = list(page)
    rated = (set(Rating.objects.filter(case__in=cases, channel=Rating.Channel.PORTAL).values_list("case_id", flat=True))
             if any(c.state in ENDED for c in cases) else set())
    for c in cases:
        c.to_rate = c.state in ENDED and c.pk not in rated
    return render(request, "portal/my_cases.html",
                  {"cases": cases, "page": page,
                   "projects": projects_of_applicant(request.user), "bundles": applications_of(request.user)})


@login_required(login_url="portal:login")
def my_project(request, code):
    """The builder's project: every case of it, its own and others' departments', on one
    timeline; only projects in which this account applied."""
    from shenpi.joint.projects import projects_of_applicant, timeline
    project = get_object_or_404(projects_of_applicant(request.user), code=code)
    rows = timeline(project)
    return render(request, "portal/my_project.html", {"project": project, "rows": rows,
                                                      "mine": {r["case"].pk for r in rows
                                                               if r["case"].applicant_user_id == request.user.pk}})


def _supplement_context(case) -> dict:
    """What the applicant still owes the supplement notice, for the upload form."""
    notice = case.supplement_notices.first() if case.state == "awaiting_supplement" else None
    if notice is None:
        return {}
    uploaded = services.uploaded_since_notice(case)
    return {"supplement": notice, "owed": [m for m in notice.materials if m not in uploaded],
            "uploaded_since": sorted(uploaded & set(notice.materials))}


@login_required(login_url="portal:login")
@keyed_reads
def my_case(request, number):
    from .feedback_views import portal_rating
    case = get_object_or_404(Case, number=number, applicant_user=request.user)
    return render(request, "portal/lookup.html", {"case": case, "asked": True, "number": case.number,
                                                  "code": case.query_code,
                                                  **_supplement_context(case),
                                                  "deemed_by_law": deemed_by_law(case, timezone.localdate()),
                                                  "events": case.event_list(), "notices": case.notice_list(),
                                                  "owner": True, "rating": portal_rating(case, request.user)})


class ForgotForm(forms.Form):
    phone = phone_field()


class ResetForm(forms.Form):
    phone = phone_field()
    code = sms_code_field()
    password = forms.CharField(label=_("New password"), widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))


def forgot(request):
    """Step 1 of a password reset: a code by SMS to the account's mobile number."""
    from django.conf import settings as conf

    from shenpi.portal import services as accounts
    form = ForgotForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            accounts.request_reset_code(phone=form.cleaned_data["phone"], centre_name=conf.SHENPI["CENTRE_NAME"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("If this number has an account, a code is on its way by SMS; it is valid "
                                        "for 10 minutes."))
            return redirect(f"{reverse('portal:reset')}?phone={form.cleaned_data['phone']}")
    return render(request, "portal/password.html", {"form": form, "step": "forgot"})


def reset(request):
    """Step 2: the code and a new password."""
    from shenpi.portal import services as accounts
    form = ResetForm(request.POST or None, initial={"phone": request.GET.get("phone", "")[:11]})
    if request.method == "POST" and form.is_valid():
        try:
            accounts.reset_password(**form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Your password is changed; log in with it."))
            return redirect("portal:login")
    return render(request, "portal/password.html", {"form": form, "step": "reset"})


@login_required(login_url="portal:login")
def apply_bundle(request, code):
    """一件事一次办: one form and one set of materials for the bundle's items; each item
    becomes its own case with the materials it asks for."""
    from shenpi.joint import bundles
    from shenpi.joint.models import Bundle
    bundle = get_object_or_404(Bundle, code=code, active=True)
    shared = bundles.shared_materials(bundle)
    form = ApplyForm(request.POST or None, initial={"applicant_phone": request.user.username})
    file_errors: dict[int, list] = {}
    if request.method == "POST" and form.is_valid():
        uploads = {}
        for i, m in enumerate(shared):
            f = request.FILES.get(f"material-{i}")
            if f is not None:
                problems = upload_errors(f)
                if problems:
                    file_errors[i] = problems
                uploads[m.name] = f
        if not file_errors:
            try:
                application = bundles.apply(actor=request.user, bundle=bundle, applicant=form.cleaned_data,
                                            uploads=uploads)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("Submitted: %(n)s cases, one for each item.") % {
                    "n": application.cases.count()})
                return redirect("portal:my-bundle", pk=application.pk)
    return render(request, "portal/apply_bundle.html", {
        "bundle": bundle, "versions": bundles.versions(bundle), "form": form,
        "materials": list(enumerate(shared)), "file_errors": file_errors})


@login_required(login_url="portal:login")
def my_bundle(request, pk):
    from shenpi.joint import bundles
    application = get_object_or_404(bundles.applications_of(request.user), pk=pk)
    return render(request, "portal/my_bundle.html", {"application": application, "rows": bundles.progress(application)})


@login_required(login_url="portal:login")
def my_intermediaries(request, number):
    """The applicant chooses, for each service the item needs, any listed organisation whose
    qualification holds; and says so if an official named one to them (H2)."""
    from shenpi.intermediaries.pages import choose_page
    case = get_object_or_404(Case.objects.select_related("item", "version"), number=number, applicant_user=request.user)
    return choose_page(request, case, "portal/intermediary_choice.html", "portal:my-intermediaries")
