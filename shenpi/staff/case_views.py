"""Staff pages for cases (htmx): the window workbench, the case page, My tasks and the
department queue. Thin: reads through selectors, every action through a service."""

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Exists, OuterRef, Subquery
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST
from rest_framework import serializers

from shenpi.cases import selectors, services
from shenpi.cases.actions import ACTIONS, STEP_ACTIONS, field_label, parse, perform
from shenpi.cases.lifecycle import State, actions_from
from shenpi.cases.models import Case, StepTask, Suspension
from shenpi.cases.page_reads import page_reads
from shenpi.cases.permissions import may_act, staff_of
from shenpi.catalog.models import Item, ItemVersion
from shenpi.core.exceptions import CalendarUnavailable, Conflict
from shenpi.core.forms import add_service_errors
from shenpi.core.links import path_for
from shenpi.core.params import whole_number
from shenpi.core.sql import keyed_reads
from shenpi.org.roles import Role, has_role
from shenpi.workdays import legal
from shenpi.workdays.selectors import current_calendar

from .views import staff_required


class ReceiveForm(forms.Form):
    item = forms.ModelChoiceField(label=_("item"), queryset=Item.objects.none())
    applicant_type = forms.ChoiceField(label=_("applicant type"), choices=Case.ApplicantType.choices)
    applicant_name = forms.CharField(label=_("applicant"), max_length=100)
    applicant_id = forms.CharField(label=_("ID number or credit code"), max_length=18)
    applicant_phone = forms.CharField(label=_("phone"), max_length=11)

    def __init__(self, *args, window=None, **kwargs):
        super().__init__(*args, **kwargs)
        qs = window.accept_items.all() if window else Item.objects.none()
        published = ItemVersion.objects.filter(item=OuterRef("pk"), status=ItemVersion.Status.PUBLISHED)
        # The published name comes with each item in the one query, not one query per option.
        self.fields["item"].queryset = qs.annotate(published_name=Subquery(published.values("name")[:1])).exclude(
            published_name=None)
        self.fields["item"].label_from_instance = lambda i: i.published_name


def _errors_to_messages(request, exc: ValidationError):
    for reasons in exc.message_dict.values():
        for reason in reasons:
            messages.error(request, reason)


@staff_required
def window(request):
    staff = staff_of(request.user)
    win = staff.window if staff else None
    if win is None or not has_role(request.user, Role.WINDOW_CLERK):
        raise PermissionDenied
    form = ReceiveForm(request.POST or None, window=win)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            case = services.submit(actor=request.user, channel="window",
                                   paper_materials=request.POST.getlist("paper_materials"),
                                   idempotency_key=request.POST.get("idempotency_key") or None, **data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Received: case %(number)s, query code %(code)s.") % {
                "number": case.number, "code": case.query_code})
            return redirect("staff:case", number=case.number)
    # The window's running cases, and its decided ones awaiting delivery (Art. 44).
    open_cases = (selectors.cases_visible_to(request.user)
                  .filter(window=win, state__in=(*selectors.RUNNING, State.APPROVED, State.DENIED))
                  .order_by("acceptance_due"))
    return render(request, "staff/window.html", {"form": form, "window": win, "cases": open_cases,
                                                 "idempotency_key": timezone.now().strftime("%Y%m%d%H%M%S%f")})


@staff_required
def inbox(request):
    """网上预审: online applications for this clerk's window, claimable one clerk at a time."""
    staff = staff_of(request.user)
    if staff is None or staff.window is None or not has_role(request.user, Role.WINDOW_CLERK):
        raise PermissionDenied
    rows = selectors.inbox_rows(selectors.online_inbox(request.user), on=timezone.localdate(), cal=current_calendar())
    return render(request, "staff/inbox.html", {"rows": rows, "window": staff.window})


@staff_required
@require_POST
def claim(request, number):
    case = _case_for(request, number)
    release = request.POST.get("release") == "1"
    try:
        services.claim(actor=request.user, case=case, release=release)
    except ValidationError as exc:
        _errors_to_messages(request, exc)
        return redirect("staff:inbox")
    except services.ConflictError as exc:
        messages.error(request, str(exc))
        return redirect("staff:inbox")
    if release:
        messages.success(request, _("Put back in the inbox: %(n)s.") % {"n": case.number})
        return redirect("staff:inbox")
    messages.success(request, _("Taken for pre-review: %(n)s.") % {"n": case.number})
    return redirect("staff:case", number=case.number)


INLINE_TYPES = {"application/pdf", "image/jpeg", "image/png"}


@staff_required
def material_file(request, number, material_id):
    """An uploaded material, opened in the browser (PDF and images) for those who may see the
    case; other kinds are downloaded. Served as stored, never as HTML."""
    from django.http import FileResponse
    case = _case_for(request, number)
    material = case.materials.filter(pk=material_id).exclude(file="").first()
    if material is None:
        raise Http404
    inline = material.content_type in INLINE_TYPES
    response = FileResponse(material.file.open("rb"), as_attachment=not inline, filename=material.original_name,
                            content_type=material.content_type if inline else "application/octet-stream")
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox"
    return response


@staff_required
def materials_checklist(request):
    """htmx: the chosen item's materials, to tick what was handed in on paper."""
    staff = staff_of(request.user)
    item = Item.objects.filter(pk=whole_number(request.GET.get("item")) or 0).first()
    if item is None or staff is None or staff.window is None or not staff.window.accept_items.filter(pk=item.pk).exists():
        return render(request, "staff/_materials.html", {"materials": []})
    version = item.versions.get(status="published")
    return render(request, "staff/_materials.html", {"materials": version.materials.all(), "version": version})


def _case_for(request, number) -> Case:
    return get_object_or_404(selectors.cases_visible_to(request.user), number=number)


@staff_required
@keyed_reads
def case_page(request, number):
    from shenpi.supervision import selectors as supervision

    # The version's item (whether the case is joint) and its project come in the same query,
    # and whether it has any of the parts most cases have none of.
    case = get_object_or_404(_with_presence(selectors.cases_visible_to(request.user)
                                            .select_related("version__item", "project_link__project")), number=number)
    from .joint_views import context as joint_context
    joint = joint_context(request.user, case) if case.joint_item else None
    # A part of a joint site inspection is finished by recording its result there, not here.
    inspected = {p["step"].pk for p in joint["parts"]} if joint and joint["rounds"] else set()
    # The steps, materials, history and notices in one round trip (cases.page_reads): the table
    # shows every step, "my steps" are the viewer's open ones.
    reads = page_reads(case)
    steps = reads.steps
    my_steps = [s for s in steps if s.assignee_id == request.user.pk and s.status == StepTask.Status.OPEN
                and s.pk not in inspected]
    cal, on = current_calendar(), timezone.localdate()
    supplement = case.supplement_notices.first() if case.state == State.AWAITING_SUPPLEMENT else None
    return render(request, "staff/case.html", {
        "case": case, "clocks": selectors.clock_view(case, on=on, cal=cal),
        "deemed_by_law": selectors.deemed_by_law(case, on),
        "max_extension": legal.max_extension(joint=services.is_joint(case.version)),
        "supplement": supplement,
        "uploaded_since": services.uploaded_since_notice(case) if supplement else set(),
        "steps": steps,
        "material_rows": (rows := selectors.materials_view(reads.materials, reads.listed)),
        "missing_conditional": any(r["requirement"] == "conditional" and not r["received"] for r in rows),
        "can_claim": (case.channel == Case.Channel.ONLINE and case.state == State.SUBMITTED
                      and may_act(request.user, "accept", case)
                      and case.claimed_by_id in (None, request.user.pk)),
        "cards": case.cards.select_related("step", "responsible__staff").order_by("created_at") if case.has_cards else [],
        "light": (light := supervision.light_of(case, on, supervision.warning_horizon(on))),
        "light_word": supervision.LIGHT_WORDS.get(light, ""),
        "videos": supervision.event_videos(case, events := reads.events if reads.events is not None
                                           else case.event_list("actor__staff__window")),
        "joint": joint,
        "bundle_applications": case.bundle_applications.select_related("bundle") if case.in_bundle else [],
        **_feedback_context(request.user, case),
        "project_link": getattr(case, "project_link", None),
        "events": events, "notices": reads.notices if reads.notices is not None else case.notice_list(),
        "materials": reads.materials,
        "actions": {a for a in actions_from(case.state) if may_act(request.user, a, case)
                    and (a != "decide" or decidable(case, steps))},
        "my_steps": my_steps, "item_materials": reads.listed,
        "suspension_kinds": Suspension.Kind.choices, "State": State,
        "return_stages": [st for st in services.work_stages(case.version)],
    })


def _with_presence(cases):
    """Each case with whether it has supervision cards, ratings, complaints, a bundle
    application, and whether its item is one of joint acceptance: a page asks for those only
    where there are some (most cases have none), not with a statement each every time."""
    from shenpi.feedback.models import Complaint, Rating
    from shenpi.joint.models import AcceptanceItem, BundleApplication
    from shenpi.supervision.models import Card
    of_case = OuterRef("pk")
    return cases.annotate(
        has_cards=Exists(Card.objects.filter(case_id=of_case)),
        has_ratings=Exists(Rating.objects.filter(case_id=of_case)),
        has_complaints=Exists(Complaint.objects.filter(case_id=of_case)),
        in_bundle=Exists(BundleApplication.cases.through.objects.filter(case_id=of_case)),
        joint_item=Exists(AcceptanceItem.objects.filter(item_id=OuterRef("item_id"))))


def decidable(case, steps) -> bool:
    """Whether a decision can be taken now: an instant item at the window, or a case whose steps
    (all of them, as read for the page) have all passed or one of which refused."""
    from shenpi.catalog.codes import Category
    if case.state == State.SUBMITTED:
        return case.version.category == Category.INSTANT
    return (not any(s.status == StepTask.Status.OPEN for s in steps)
            or any(s.outcome == StepTask.Outcome.REFUSE for s in steps))


@staff_required
@require_POST
def act(request, number, action):
    if action not in ACTIONS:
        raise Http404
    return _perform(request, ACTIONS, action, _case_for(request, number))


@staff_required
@require_POST
def complete_step(request, number, step_id):
    return _perform(request, STEP_ACTIONS, "complete_step", _case_for(request, number), step_id=step_id)


def _perform(request, table, action, case, **target):
    """An action from a staff form, through the one action table (cases/actions.py): the rights
    first (a 403 for what is not theirs), then the input, then the service; every refusal
    becomes a message on the case page."""
    services.ensure_may(actor=request.user, case=case, action=action,
                        step=get_object_or_404(StepTask, pk=target["step_id"], case=case) if target else None)
    try:
        values, version = parse(table, action, request.POST)
        perform(table, action, actor=request.user, case=case, values=values, version=version, **target)
        messages.success(request, table[action].done)
    except serializers.ValidationError as exc:
        for field, reasons in exc.detail.items():
            for reason in reasons if isinstance(reasons, list) else [reasons]:
                messages.error(request, _("%(field)s: %(reason)s") % {
                    "field": field_label(table, action, field), "reason": reason})
    except ValidationError as exc:
        _errors_to_messages(request, exc)
    except Conflict as exc:
        messages.error(request, exc.user_message())
    except CalendarUnavailable as exc:  # a record whose dates lie before the calendar: say so, do not fail
        messages.error(request, exc.user_message())
    return redirect("staff:case", number=case.number)


@staff_required
def notice_pdf(request, number, notice_id):
    from shenpi.cases.api import notice_pdf_response
    case = _case_for(request, number)
    from shenpi.cases.archive import notice_of
    notice = notice_of(case, notice_id)
    if notice is None:
        raise Http404
    return notice_pdf_response(request, notice)


def _counted(steps, *states):
    """Open steps whose case is in one of these states, for counting: each step's case asked by
    itself (a probe of its primary key), not joined. Joined, PostgreSQL misjudges how many of a
    person's open steps have a case being handled and counts the first thousand by merging every
    step with every case: by case id through the steps of every case ever handled (128 ms on
    400,000 cases), or all of a reviewer's 50,000 open steps sorted (26 ms); asked step by step,
    it reads the first thousand and stops (bench/volume.py, bench/http.py)."""
    state = Subquery(Case.objects.filter(pk=OuterRef("case_id")).order_by().values("state")[:1])
    return steps.annotate(case_state=state).filter(case_state__in=states)


@staff_required
def my_tasks(request):
    mine = StepTask.objects.filter(assignee=request.user, status=StepTask.Status.OPEN)
    steps = (mine.filter(case__state=State.ACCEPTED)
             .select_related("case", "case__version").only(*TASK_ROW_COLUMNS).order_by("due_on", "pk"))
    page = _page(request, steps, _counted(mine, State.ACCEPTED))
    getattr(request.user, "staff", None)  # read once, kept on the user for every row
    for step in page:  # every step here is the viewer's own: their name, not a read per row
        step.assignee = request.user
    return render(request, "staff/tasks.html", {"rows": _with_lights(selectors.step_rows(page, on=timezone.localdate(),
                                                                                       cal=current_calendar())),
                                                "title": _("My tasks"), "page": page})


# What a task list row shows and its light needs: the step, its case's number, state and due
# dates, the item's name (not the version's whole text).
TASK_ROW_COLUMNS = ("id", "case_id", "stage_name", "name", "role", "department_id", "assignee_id", "due_on", "status",
                    "case__id", "case__number", "case__state", "case__version_id", *(f"case__{f}" for f in (
                        "acceptance_due", "promised_due", "statutory_due", "delivery_due")), "case__version__id",
                    "case__version__name")


TASKS_PER_PAGE = 50
TASKS_COUNTED = 1000  # a list longer than this says "more than 1,000"


def _page(request, steps, counted):
    """A page of a task list, the most urgent first: a person with thousands of open steps gets
    the first 50 at once, not every one (a bad page number is the first or last page)."""
    from .paging import CappedPaginator
    return CappedPaginator(steps, TASKS_PER_PAGE, cap=TASKS_COUNTED, counted=counted).get_page(request.GET.get("page"))


@staff_required
def queue(request):
    staff = staff_of(request.user)
    if staff is None or staff.department_id is None or not has_role(request.user, Role.DEPT_HEAD, Role.CHIEF_REP):
        raise PermissionDenied
    theirs = StepTask.objects.filter(department_id=staff.department_id, status=StepTask.Status.OPEN)
    steps = _page(request, theirs.filter(case__state__in=[State.ACCEPTED, State.SUSPENDED])
                  .select_related("case", "case__version", "assignee__staff")
                  .only(*TASK_ROW_COLUMNS, "assignee__id", "assignee__username", "assignee__staff__id",
                        "assignee__staff__name", "assignee__staff__user_id").order_by("due_on", "pk"),
                  _counted(theirs, State.ACCEPTED, State.SUSPENDED))
    colleagues = list(get_user_model().objects.filter(staff__department_id=staff.department_id, is_active=True)
                      .select_related("staff").prefetch_related("groups").order_by("pk"))
    roles = {u.pk: {g.name for g in u.groups.all()} for u in colleagues}
    rows = selectors.step_rows(steps, on=timezone.localdate(), cal=current_calendar())
    reassign_path = path_for("staff:case-reassign", keys=2)
    for row in rows:  # only those who may do the step (its department and role), the holder first
        row["candidates"] = sorted((u for u in colleagues if row["step"].role in roles[u.pk]),
                                   key=lambda u: u.pk != row["step"].assignee_id)
        row["reassign_href"] = reassign_path(row["step"].case.number, row["step"].pk)
    from django.middleware.csrf import get_token

    from shenpi.feedback.selectors import open_follow_ups
    csrf_input = format_html('<input type="hidden" name="csrfmiddlewaretoken" value="{}">', get_token(request))
    return render(request, "staff/tasks.html", {"rows": _with_lights(rows), "title": _("Department queue"), "queue": True,
                                                "csrf_input": csrf_input,
                                                "page": steps,
                                                "follow_ups": open_follow_ups(request.user)})


def _feedback_context(user, case) -> dict:
    """The case's ratings (with the follow-up of a poor one, for those who work or watch it) and
    the complaints about it that the user handles."""
    from shenpi.feedback import access
    from shenpi.feedback.selectors import follow_ups_for
    # (`case` comes through _with_presence: has_ratings, has_complaints.)
    ratings = list(case.ratings.select_related("follow_up").order_by("given_at")) if case.has_ratings else []
    follow_ups = (set(follow_ups_for(user).filter(rating__case=case).values_list("pk", flat=True))
                  if any(r.poor for r in ratings) else set())
    for r in ratings:
        r.follow_up_pk = r.follow_up.pk if r.poor and hasattr(r, "follow_up") and r.follow_up.pk in follow_ups else None
    complaints = list(access.complaints_for(user).filter(case=case)) if case.has_complaints else []
    return {"ratings": ratings, "case_complaints": complaints}


def _with_lights(rows: list[dict]) -> list[dict]:
    """Each row's case light (electronic supervision's, E1), for the people responsible, and
    what its cells show, worked out here once rather than looked up cell by cell in the
    template (a list has fifty rows: issue 16)."""
    from shenpi.supervision import selectors as supervision
    from shenpi.workdays.templatetags.workdays import due_html
    on = timezone.localdate()
    soon = supervision.warning_horizon(on)
    cal = current_calendar()
    case_path = path_for("staff:case")
    for r in rows:
        step, case = r["step"], r["step"].case
        r["light"] = supervision.light_of(case, on, soon)
        r["light_word"] = supervision.LIGHT_WORDS.get(r["light"], "")
        r["href"] = case_path(case.number)
        r["number"], r["item"], r["stage"] = case.number, case.version.name, f"{step.stage_name} / {step.name}"
        r["due"] = due_html(step.due_on, cal)
        if case.state == State.SUSPENDED:
            r["left"], r["left_class"] = case.get_state_display(), "promised"
        elif r["remaining"] is not None:
            r["left"] = (_("%(n)s working days overdue") % {"n": r["overdue"]} if r["remaining"] < 0
                         else _("due today") if r["remaining"] == 0 and step.due_on == on
                         else _("%(n)s working days left") % {"n": r["remaining"]})
            r["left_class"] = {"red": "warn", "yellow": "yellow"}.get(r["colour"], "instant")
        holder = step.assignee if step.assignee_id else None
        r["holder"] = ((getattr(getattr(holder, "staff", None), "name", "") or holder.username) if holder else "")
    return rows


@staff_required
@require_POST
def reassign(request, number, step_id):
    case = _case_for(request, number)
    assignee = get_user_model().objects.filter(username=request.POST.get("assignee", "")).first()
    try:
        if assignee is None:
            raise ValidationError({"assignee": [_("No such user.")]})
        services.reassign(actor=request.user, case=case, step_id=step_id, assignee=assignee,
                          reason=request.POST.get("reason", ""))
        messages.success(request, _("Step handed to %(name)s.") % {"name": services.display_name(assignee)})
    except ValidationError as exc:
        _errors_to_messages(request, exc)
    return redirect("staff:queue")
