"""Every change to a case: keyword-only, one transaction each, the case row locked, the
transition table and the actor's rights checked, a CaseEvent and an audit entry written, and
the stored clocks updated (design.md, "The case lifecycle")."""

from __future__ import annotations

import datetime
import logging
from contextlib import contextmanager
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shenpi.audit.services import record
from shenpi.catalog.codes import Category, HandlingForm
from shenpi.catalog.selectors import (
    FlowStageSpec,
    MaterialSpec,
    availability_from,
    published_flow,
    published_materials,
)
from shenpi.core.exceptions import Conflict, Refused
from shenpi.core.validation import require as _require
from shenpi.core.validation import text as _text
from shenpi.org.roles import Role
from shenpi.workdays import legal
from shenpi.workdays.selectors import current_calendar
from shenpi.workdays.signals import Recount

from . import notices, notify, numbering, signals, store
from .identity import applicant_errors
from .lifecycle import OPEN, Action, State, Who, allowed_from
from .lifecycle import target as lifecycle_target
from .models import (
    Case,
    CaseEvent,
    CaseMaterial,
    Extension,
    FeeCharge,
    Notice,
    StepTask,
    SupplementNotice,
    Suspension,
)
from .permissions import may, may_act, staff_of

if TYPE_CHECKING:
    from collections.abc import Iterator, Sequence
    from typing import Any

    from django.contrib.auth.models import User
    from django.core.files.uploadedfile import UploadedFile

    from shenpi.catalog.models import Item, ItemVersion
    from shenpi.workdays.calendar import WorkCalendar

DEFAULT_REMEDIES = ("申请人如对本决定不服，可以自收到本决定书之日起六十日内依法申请行政复议，"
                    "或者在六个月内依法向人民法院提起行政诉讼。")


log = logging.getLogger(__name__)


class ConflictError(Conflict):
    """The case changed since the caller looked at it (HTTP 409)."""


def today() -> datetime.date:
    return timezone.localdate()


# --- the common shape of every transition ------------------------------------------------------

def ensure_may(*, actor: User, case: Case, action: str, step: StepTask | None = None) -> None:
    """The rights check alone, for callers that want to refuse before reading a request's body;
    the service checks again under the lock."""
    if not may_act(actor, action, case, step):
        raise Refused(_("You may not %(action)s this case.") % {"action": Action(action).label})


def _lock_and_check(*, actor: User, case: Case, action: str, expected_version: int | None,
                    step_id: int | None = None) -> tuple[Case, StepTask | None]:
    if step_id is not None:
        try:
            step_id = int(step_id)
        except (TypeError, ValueError):
            raise ValidationError({"step": [_("No such step in this case.")]}) from None
    staff = staff_of(actor)
    locked = store.lock_case(case.pk, window_id=staff.window_id if staff and staff.window_id else None,
                             window_field="decide_items" if action == Action.DECIDE else "accept_items",
                             step_id=step_id, holders=action in (Action.ACCEPT, Action.COMPLETE_STEP),
                             materials=action == Action.ACCEPT)
    step = None
    if step_id is not None:
        step = next((s for s in locked.stage_steps if s.pk == step_id), None)
        if step is None:
            raise ValidationError({"step": [_("No such step in this case.")]})
    if expected_version is not None and locked.row_version != expected_version:
        raise ConflictError(_("The case has changed since you looked at it (version %(now)s, not %(then)s); "
                              "reload it.") % {"now": locked.row_version, "then": expected_version})
    ensure_may(actor=actor, case=locked, action=action, step=step)
    if (action in PRE_REVIEW and locked.claimed_by_id and actor is not None
            and locked.claimed_by_id != actor.pk and locked.state == State.SUBMITTED):
        raise ConflictError(_("%(name)s has taken this online application for pre-review; ask them, or wait "
                              "until it is put back in the inbox.") % {"name": display_name(locked.claimed_by)})
    if not allowed_from(action, locked.state):
        raise ValidationError({"state": [_("“%(action)s” is not possible while the case is %(state)s.") % {
            "action": Action(action).label, "state": State(locked.state).label}]})
    return locked, step


# The window's answers to an application: an online one taken by a clerk is answered by that clerk.
PRE_REVIEW = (Action.ACCEPT, Action.SUPPLEMENT, Action.REFUSE)


@contextmanager
def _acting(*, actor: User, case: Case, action: str, expected_version: int | None = None,
            step_id: int | None = None) -> Iterator[Any]:
    """Lock the case, check version, table and rights; yield the locked case, or for an action
    on one of its steps (``step_id``) the case and the step. The transition's inserts and
    updates are queued and sent together with its commit (store.transition)."""
    with store.transition():
        locked, step = _lock_and_check(actor=actor, case=case, action=action, expected_version=expected_version,
                                       step_id=step_id)
        yield (locked, step) if step_id is not None else locked


def _enter(case: Case, action: str, outcome: str | None = None) -> str:
    """Move the case to the state the transition table gives the action (or the outcome it lets
    the service choose); returns the state it left."""
    from_state, case.state = case.state, lifecycle_target(action, outcome)
    return from_state


def _event(case: Case, *, actor: User | None, action: str, from_state: str,
           payload: dict | None = None) -> None:
    """The case's history entry and the audit entry. Every event comes with a new row version,
    so the version is the event's number; the audit entry goes last, just before the commit."""
    payload = payload or {}
    store.insert(CaseEvent(case=case, seq=case.row_version, at=timezone.now(), actor=actor if actor else None,
                         actor_name=actor.get_username() if actor else "system", action=action,
                         from_state=from_state, to_state=case.state, payload=payload), need_pk=False)
    record(actor=actor, action=f"case.{action}", obj=case, before={"state": from_state},
           after={"state": case.state, "row_version": case.row_version, **payload})


def _mark_provisional(case: Case, cal: WorkCalendar, *more_days: datetime.date | None) -> None:
    """standards.md §1: a case whose stored dates (its own or its steps') reach past the last
    day of known schedule is marked, so the recount finds it when the year is entered."""
    if any(cal.is_provisional(d) for d in (*(getattr(case, f) for f in Case.DUE_DATES), *more_days)):
        case.provisional = True


def _save(case: Case, *, actor: User | None, action: str, from_state: str, payload: dict | None = None,
          notify_applicant: bool = True) -> None:
    _mark_provisional(case, current_calendar(getattr(case, "calendar_version", None)))
    case.row_version += 1
    store.update(case, store.changed_fields(case))
    store.mark_saved(case)
    if notify_applicant:
        notify.case_changed(case, action)
    _event(case, actor=actor, action=action, from_state=from_state, payload=payload)


# --- clocks ----------------------------------------------------------------------------------

def _clock(case: Case) -> legal.CaseClock:
    assert case.accepted_on is not None  # the clocks run from acceptance
    return legal.CaseClock(accepted=case.accepted_on, statutory_limit=case.statutory_limit,
                           promised_limit=case.promised_limit, extension_days=case.extension_days)


def _recompute_dues(case: Case, cal: WorkCalendar) -> None:
    """Statutory and promised due dates: from acceptance, plus extension and suspended working days."""
    clock = _clock(case)
    case.statutory_due = cal.add_workdays(clock.accepted, case.statutory_limit + case.extension_days + case.suspended_days)
    case.promised_due = cal.add_workdays(clock.accepted, case.promised_limit + case.suspended_days)


def joint_parts(case: Case) -> list[dict]:
    """The departments' parts of a joint case: each step of a stage with more than one
    department, with its department, outcome and opinion."""
    steps = list(StepTask.objects.filter(case=case, status=StepTask.Status.DONE).select_related("department")
                 .order_by("stage_order", "pk"))
    departments: dict[int, set] = {}
    for s in steps:
        departments.setdefault(s.stage_order, set()).add(s.department_id)
    return [{"department": s.department.name, "step": s.name, "outcome": s.get_outcome_display(),
             "opinion": s.opinion, "completed": s.completed_at}
            for s in steps if len(departments[s.stage_order]) > 1]


def is_joint(version: ItemVersion) -> bool:
    """Art. 42's joint handling: the flow has steps of more than one department (并联审批)."""
    return len({s.department_id for st in work_stages(version) for s in st.steps} | {version.item.department_id}) > 1


# --- steps -----------------------------------------------------------------------------------

def materials_of(version: ItemVersion) -> tuple[MaterialSpec, ...]:
    """The materials a published version asks for, read once per process (catalog.selectors)."""
    return published_materials(version.pk)


def _unknown_materials(version: ItemVersion, names: Sequence[str]) -> dict:
    known = {m.name for m in materials_of(version)}
    unknown = [m for m in names if m not in known]
    return {"paper_materials": [_("Not materials of this item: %(m)s.") % {"m": "、".join(unknown)}]} if unknown else {}


def work_stages(version: ItemVersion) -> tuple[FlowStageSpec, ...]:
    """The flow's stages that run as steps: a first stage done wholly at the window is acceptance
    itself, and a last one is delivery; both are the case's own actions. A case's version is a
    published one, which never changes, so each process reads a flow once (catalog.selectors)."""
    stages = published_flow(version.pk)

    def at_window(stage: FlowStageSpec) -> bool:
        return all(s.role == Role.WINDOW_CLERK for s in stage.steps)
    if stages and at_window(stages[0]):
        stages = stages[1:]
    if stages and at_window(stages[-1]):
        stages = stages[:-1]
    return stages


def _start_stage(case: Case, stage: FlowStageSpec, cal: WorkCalendar, day: datetime.date) -> None:
    if getattr(case, "holders", None) is None:
        case.holders = store.default_holders(case)
    for s in stage.steps:
        due = cal.add_workdays(day, s.budget)
        _mark_provisional(case, cal, due)
        store.insert(StepTask(case=case, stage_order=stage.order, stage_name=stage.name, name=s.name, role=s.role,
                            department_id=s.department_id, assignee_id=case.holders.get((s.department_id, s.role)),
                            budget=s.budget, started_on=day, due_on=due), need_pk=False)


def _next_stage(case: Case, after_order: int) -> FlowStageSpec | None:
    return next((st for st in work_stages(case.version) if st.order > after_order), None)


# --- submit ------------------------------------------------------------------------------------

def submit(**kwargs: Any) -> Case:
    """Receive an application at a window or online (see submit_once)."""
    return submit_once(**kwargs)[0]


def submit_once(*, actor: User, item: Item, channel: str, applicant_type: str, applicant_name: str,
                applicant_id: str,
                applicant_phone: str, paper_materials: Sequence[str] = (),
                idempotency_key: str | None = None) -> tuple[Case, bool]:
    """Receive an application; returns the case and whether this call made it. A retried
    submission with the same key returns the case the first one made."""
    key = f"{actor.pk}:{idempotency_key}" if idempotency_key else None
    if key:
        existing = Case.objects.filter(idempotency_key=key).first()
        if existing:
            return existing, False
    try:
        return _submit(actor=actor, item=item, channel=channel, applicant_type=applicant_type,
                       applicant_name=applicant_name, applicant_id=applicant_id, applicant_phone=applicant_phone,
                       paper_materials=paper_materials, key=key), True
    except IntegrityError:
        existing = Case.objects.filter(idempotency_key=key).first() if key else None
        if existing is None:
            raise
        return existing, False


def _submit(**kwargs: Any) -> Case:
    """Receive in one transaction, its writes sent together with its commit (store.transition)."""
    with store.transition():
        return _receive(**kwargs)


def _receive(*, actor: User, item: Item, channel: str, applicant_type: str, applicant_name: str,
             applicant_id: str, applicant_phone: str,
             paper_materials: Sequence[str], key: str | None) -> Case:
    errors = applicant_errors(applicant_type=applicant_type, applicant_id=applicant_id,
                              applicant_name=applicant_name, applicant_phone=applicant_phone)
    staff = staff_of(actor)
    window = staff.window if staff and channel == Case.Channel.WINDOW else None
    now = timezone.now()
    day = timezone.localdate(now)
    # One round trip: the item's availability, the calendar's version, the window's authority;
    # at a window on PostgreSQL also the case's number and key (rolled back with any refusal).
    reads = store.submit_reads(item_id=item.pk, window_id=window.pk if window else None,
                               centre_id=window.centre_id if window else None, day=day)
    ahead = reads.case_id is not None
    window_takes_item = reads.window_takes
    availability = availability_from(item, reads.versions, reads.reforms)
    if not availability.ok:
        errors["item"] = [availability.reason]
    version = availability.version
    if channel == Case.Channel.WINDOW:
        if not window_takes_item:
            raise PermissionDenied(_("Only a clerk at a window authorised for this item receives it."))
    elif channel == Case.Channel.ONLINE:
        if version is not None and HandlingForm.ONLINE not in version.handling_forms:
            errors["item"] = [_("This item cannot be applied for online.")]
        if staff is not None:
            errors["channel"] = [_("Staff receive applications at their window, not online.")]
    else:
        errors["channel"] = [_("The channel is “window” or “online”.")]
    if version is not None and paper_materials:
        errors.update(_unknown_materials(version, paper_materials))
    _require(errors)
    assert version is not None  # an item without a published version was refused above

    cal = current_calendar(reads.calendar_version)
    centre = window.centre if window else version.centre
    case = Case(
        id=reads.case_id, number=numbering.case_number(
            centre.code, day, reads.last if reads.last is not None else store.next_number(centre.pk, day)),
        query_code=numbering.query_code(), centre=centre, item=item,
        version=version, department=item.department, channel=channel, window=window,
        received_by=actor if window else None, applicant_type=applicant_type,
        applicant_name=applicant_name.strip(), applicant_id=applicant_id.strip().upper(),
        applicant_phone=applicant_phone.strip(), applicant_user=None if window else actor,
        state=lifecycle_target(Action.SUBMIT), idempotency_key=key, received_at=now, received_on=day, clock_start=day,
        acceptance_due=legal.deemed_acceptance_date(cal, day),
        statutory_limit=version.statutory_limit, promised_limit=version.promised_limit,
    )
    case.calendar_version = cal.version
    _mark_provisional(case, cal)
    if not ahead:
        with store.immediate():  # its key, for the materials' rows
            store.insert(case)
    if paper_materials and not ahead:
        CaseMaterial.objects.bulk_create(CaseMaterial(case=case, name=m, paper=True) for m in paper_materials)
    if ahead:
        store.insert(case, need_pk=False)
        for m in paper_materials:  # after the case, in the same round trip
            store.insert(CaseMaterial(case=case, name=m, paper=True, added_at=now), need_pk=False)
    notify.case_changed(case, Action.SUBMIT)
    if window is not None:  # the receipt of materials, printable at once (收件凭证)
        notices.issue(case, Notice.Kind.MATERIALS, received=_received(version, paper_materials))
    _event(case, actor=actor, action=Action.SUBMIT, from_state="", payload={
        "channel": channel, "item": item.implementation_code, "paper_materials": list(paper_materials)})
    return case


def _received(version: ItemVersion, paper: Sequence[str] = (), files: Sequence[tuple[str,
              str]] = ()) -> list[str]:
    """Lines of a receipt of materials: each material handed in on paper with its originals and
    copies as the catalog asks for them, each file uploaded with its name."""
    by_name = {m.name: m for m in materials_of(version)} if paper else {}
    lines = []
    for name in paper:
        m = by_name.get(name)
        counts = []
        if m is not None and m.originals:
            counts.append(f"原件{m.originals}份")
        if m is not None and m.copies:
            counts.append(f"复印件{m.copies}份")
        lines.append(f"{name}(纸质{','.join(counts) and ':' + ','.join(counts)})")
    lines += [f"{name}(电子文件:{original})" for name, original in files]
    return lines


def issue_receipt(*, actor: User, case: Case) -> Notice:
    """The receipt of materials for an online application, once its files are in (收件凭证):
    the applicant who made it, in the transaction that made it."""
    if not (actor and case.applicant_user_id == actor.pk):
        raise PermissionDenied(_("Only the applicant's own submission gets its receipt here."))
    files = list(case.materials.exclude(file="").values_list("name", "original_name"))
    return notices.issue(case, Notice.Kind.MATERIALS, received=_received(case.version, files=files))


# --- acceptance ------------------------------------------------------------------------------

def _do_accept(case: Case, *, actor: User | None, day: datetime.date, cal: WorkCalendar,
               deemed: bool = False) -> str:
    """Acceptance dated ``day``; its clocks count from there (Art. 32, 42)."""
    from_state = _enter(case, Action.DEEM_ACCEPT if deemed else Action.ACCEPT)
    case.accepted_on = day
    case.deemed_accepted = deemed
    _recompute_dues(case, cal)
    if case.version.category != Category.INSTANT:
        first = next(iter(work_stages(case.version)), None)
        if first is not None:
            _start_stage(case, first, cal, today())
    return from_state


def _acceptance_day(case: Case) -> tuple:
    return legal.acceptance_day(clock_start=case.clock_start, acceptance_due=case.acceptance_due,
                                supplemented=bool(case.supplemented_on), on=today())


def material_errors(case: Case, *, handing_in: Sequence[str] = (), note: str = "") -> dict:
    """Art. 32: an application is accepted when its materials are complete. Every required
    material of the item must be in (on paper, now or before, or uploaded); a conditional one
    that is not in needs the clerk's note on why its condition does not apply."""
    names = getattr(case, "material_names", None)  # read with the lock (store.lock_case)
    if names is None:
        names = set(case.materials.values_list("name", flat=True))
    have = names | set(handing_in)
    required: list[str] = []
    conditional: list[str] = []
    for m in materials_of(case.version):
        if m.name not in have:
            (required if m.required else conditional).append(m.name)
    errors = {}
    if required:
        errors["materials"] = [_("Required materials are missing: %(m)s. Ask for a supplement instead, or tick "
                                 "what was handed in.") % {"m": "、".join(required)}]
    if conditional and not _text(note):
        errors["note"] = [_("Not handed in: %(m)s. Say why the condition does not apply to this application.")
                          % {"m": "、".join(conditional)}]
    return errors


def accept(*, actor: User, case: Case, paper_materials: Sequence[str] = (), note: str = "",
           expected_version: int | None = None) -> Case:
    """Art. 32: accept; the decision clock starts on the day of acceptance, or on the day the
    supplement notice was fulfilled. The materials must be complete (material_errors); what is
    handed in at the counter now is recorded with the acceptance. After the 5 working days the
    application is accepted by law from the day the materials were received, complete or not:
    the clerk's acceptance records that date."""
    with _acting(actor=actor, case=case, action=Action.ACCEPT, expected_version=expected_version) as c:
        cal = current_calendar(c.calendar_version)
        day, deemed = _acceptance_day(c)
        _require(_unknown_materials(c.version, paper_materials)
                 or ({} if deemed else material_errors(c, handing_in=paper_materials, note=note)))
        if paper_materials:
            CaseMaterial.objects.bulk_create(CaseMaterial(case=c, name=m, paper=True) for m in paper_materials)
        from_state = _do_accept(c, actor=actor, day=day, cal=cal, deemed=deemed)
        notices.issue(c, Notice.Kind.ACCEPTANCE)
        payload = {"accepted_on": day, "statutory_due": c.statutory_due, "promised_due": c.promised_due}
        if paper_materials:
            payload["paper_materials"] = list(paper_materials)
        if _text(note):
            payload["note"] = _text(note)
        if deemed:
            payload.update(deemed=True, acceptance_due=c.acceptance_due)
        _save(c, actor=actor, action=Action.ACCEPT, from_state=from_state, payload=payload)
        return c


def claim(*, actor: User, case: Case, release: bool = False, expected_version: int | None = None) -> Case:
    """网上预审: a clerk of a window that accepts the item takes an online application from the
    inbox, so that two clerks never answer it at once; the clerk puts it back with ``release``.
    A taken application is answered (accepted, supplemented, refused) by that clerk only."""
    with transaction.atomic():
        staff = staff_of(actor)
        c = store.lock_case(case.pk, window_id=staff.window_id if staff and staff.window_id else None)
        if expected_version is not None and c.row_version != expected_version:
            raise ConflictError(_("The case has changed since you looked at it; reload it."))
        if not may(actor, (Who.CLERK,), c):
            raise PermissionDenied(_("Only a clerk at a window that accepts this item takes it."))
        if c.channel != Case.Channel.ONLINE or c.state != State.SUBMITTED:
            raise ValidationError({"state": [_("Only an online application awaiting pre-review is taken.")]})
        if release:
            if c.claimed_by_id != actor.pk:
                raise ValidationError({"state": [_("You have not taken this application.")]})
            c.claimed_by, c.claimed_at = None, None
        else:
            if c.claimed_by_id and c.claimed_by_id != actor.pk:
                raise ConflictError(_("%(name)s has taken this online application already.")
                                    % {"name": display_name(c.claimed_by)})
            c.claimed_by, c.claimed_at = actor, timezone.now()
        with store.queued():
            _save(c, actor=actor, action=Action.RELEASE if release else Action.CLAIM, from_state=c.state,
                  notify_applicant=False)
        return c


def supplement(*, actor: User, case: Case, materials: Sequence[str] = (), note: str = "",
               expected_version: int | None = None) -> Case:
    """Art. 32: tell the applicant once, everything missing or deficient, within 5 working days."""
    with _acting(actor=actor, case=case, action=Action.SUPPLEMENT, expected_version=expected_version) as c:
        errors = {}
        names = {m.name for m in c.version.materials.all()}
        unknown = [m for m in materials if m not in names]
        if unknown:
            errors["materials"] = [_("Not materials of this item: %(m)s.") % {"m": "、".join(unknown)}]
        if not materials and not _text(note):
            errors["materials"] = [_("List what is missing or deficient: materials of the item or a note.")]
        if c.supplement_notices.exists():
            errors["state"] = [_("A supplement notice was issued already; the law asks for everything at once.")]
        if today() > c.acceptance_due:
            errors["state"] = [_("The 5 working days for a supplement notice ended on %(d)s; the application is "
                                 "deemed accepted from the day it was received.") % {"d": c.acceptance_due}]
        _require(errors)
        SupplementNotice.objects.create(case=c, issued_on=today(), materials=list(materials), note=_text(note))
        notices.issue(c, Notice.Kind.SUPPLEMENT, materials=list(materials), note=_text(note))
        from_state = _enter(c, Action.SUPPLEMENT)
        _save(c, actor=actor, action=Action.SUPPLEMENT, from_state=from_state,
              payload={"materials": list(materials), "note": _text(note)})
        return c


def uploaded_since_notice(case: Case) -> set[str]:
    """The materials uploaded since the supplement notice was issued."""
    issued = case.notices.filter(kind=Notice.Kind.SUPPLEMENT).values_list("issued_at", flat=True).first()
    return set(case.materials.filter(added_at__gte=issued).values_list("name", flat=True)) if issued else set()


def supplement_outstanding(case: Case, notice: SupplementNotice, *,
                           handing_in: Sequence[str] = ()) -> list[str]:
    """The materials the supplement notice asked for that are neither handed in now nor
    uploaded since the notice was issued."""
    have = uploaded_since_notice(case) | set(handing_in)
    return [m for m in notice.materials if m not in have]


def resubmit(*, actor: User, case: Case, paper_materials: Sequence[str] = (), note: str = "",
             expected_version: int | None = None) -> Case:
    """The applicant hands in what the notice asked for; that day starts the clocks (Art. 32).
    Only a complete answer restarts the acceptance period: every material the notice listed,
    handed in on paper now or uploaded since; for the notice's other points (its note),
    something handed in or a word on what was done."""
    with _acting(actor=actor, case=case, action=Action.RESUBMIT, expected_version=expected_version) as c:
        cal = current_calendar(c.calendar_version)
        day = today()
        notice = c.supplement_notices.get()
        errors = {}
        errors.update(_unknown_materials(c.version, paper_materials))
        missing = supplement_outstanding(c, notice, handing_in=paper_materials)
        if missing:
            errors["paper_materials"] = [_("The supplement notice asked for: %(m)s. Hand in each of them before "
                                           "resubmitting.") % {"m": "、".join(missing)}]
        elif notice.note and not _text(note) and not paper_materials and not uploaded_since_notice(c):
            errors["note"] = [_("The supplement notice asked: “%(n)s”. Hand in what answers it, or say what was "
                                "done, before resubmitting.") % {"n": notice.note}]
        _require(errors)
        notice.fulfilled_on = day
        notice.save(update_fields=["fulfilled_on"])
        c.supplemented_on = day
        CaseMaterial.objects.bulk_create(CaseMaterial(case=c, name=m, paper=True) for m in paper_materials)
        from_state = _enter(c, Action.RESUBMIT)
        c.clock_start = day
        c.acceptance_due = legal.deemed_acceptance_date(cal, day)
        files = list(c.materials.exclude(file="").filter(name__in=notice.materials).values_list("name", "original_name"))
        notices.issue(c, Notice.Kind.MATERIALS, seq=c.notices.filter(kind=Notice.Kind.MATERIALS).count() + 1,
                      received=_received(c.version, paper_materials, files))
        _save(c, actor=actor, action=Action.RESUBMIT, from_state=from_state,
              payload={"on": day, "paper_materials": list(paper_materials), "note": _text(note)})
        return c


def refuse(*, actor: User, case: Case, reasons: str, competent_agency: str = "",
           expected_version: int | None = None) -> Case:
    """Art. 32: refuse to accept, with written reasons (and the competent agency when it is another)."""
    with _acting(actor=actor, case=case, action=Action.REFUSE, expected_version=expected_version) as c:
        errors = {"reasons": [_("Give the reasons for not accepting.")]} if not _text(reasons) else {}
        if c.state == State.SUBMITTED and legal.is_deemed_accepted(acceptance_due=c.acceptance_due, on=today()):
            errors["state"] = [_("The 5 working days for refusing ended on %(d)s without a refusal or a supplement "
                                 "notice: the application is accepted by law from %(r)s (Art. 32) and can no longer "
                                 "be refused. Record its acceptance.") % {"d": c.acceptance_due, "r": c.clock_start}]
        _require(errors)
        from_state = _enter(c, Action.REFUSE)
        c.closed_reason = _text(reasons)
        notices.issue(c, Notice.Kind.REFUSAL, reasons=_text(reasons), competent_agency=_text(competent_agency))
        _save(c, actor=actor, action=Action.REFUSE, from_state=from_state,
              payload={"reasons": _text(reasons), "competent_agency": _text(competent_agency)})
        return c


def deem_accepted(*, case_pk: int, on: datetime.date) -> bool:
    """Art. 32: no acceptance, refusal or supplement notice within 5 working days of receipt: the
    application is deemed accepted from the day of receipt. Claimed with a conditional update,
    so two workers never record it twice. Returns whether this call recorded it."""
    with store.transition():
        case = Case.objects.select_related("version").get(pk=case_pk)
        if case.state != State.SUBMITTED or case.acceptance_due >= on:
            return False
        claimed = Case.objects.filter(pk=case.pk, state=State.SUBMITTED, row_version=case.row_version).update(
            state=lifecycle_target(Action.DEEM_ACCEPT), row_version=case.row_version + 1)
        if not claimed:
            return False
        case.refresh_from_db()
        cal = current_calendar()
        _do_accept(case, actor=None, day=case.clock_start, cal=cal, deemed=True)
        _mark_provisional(case, cal)
        case.save()
        notices.issue(case, Notice.Kind.ACCEPTANCE)
        notify.case_changed(case, Action.DEEM_ACCEPT)
        _event(case, actor=None, action=Action.DEEM_ACCEPT, from_state=State.SUBMITTED,
               payload={"accepted_on": case.accepted_on, "acceptance_due": case.acceptance_due})
    return True


# --- steps -----------------------------------------------------------------------------------

def complete_step(*, actor: User, case: Case, step_id: int, outcome: str, opinion: str,
                  return_to_stage: int | None = None,
                  expected_version: int | None = None) -> Case:
    with _acting(actor=actor, case=case, step_id=step_id, action=Action.COMPLETE_STEP,
                         expected_version=expected_version) as (c, step):
        # The case row's lock covers its steps: every change to a step goes through it.
        errors = {}
        if step.status != StepTask.Status.OPEN:
            errors["step"] = [_("The step is done already.")]
        if outcome not in StepTask.Outcome.values:
            errors["outcome"] = [_("The outcome is pass, return or refuse.")]
        if not _text(opinion):
            errors["opinion"] = [_("Write your opinion.")]
        target = None
        if outcome == StepTask.Outcome.RETURN:
            target = next((st for st in work_stages(c.version) if st.order == return_to_stage), None)
            if target is None or target.order >= step.stage_order:
                errors["return_to_stage"] = [_("Return to an earlier stage of the flow.")]
        _require(errors)
        cal = current_calendar(c.calendar_version)
        step.status, step.outcome, step.opinion, step.completed_at = (
            StepTask.Status.DONE, outcome, _text(opinion), timezone.now())
        store.update(step, ("status", "outcome", "opinion", "completed_at"))
        payload = {"step": step.pk, "name": step.name, "outcome": outcome, "opinion": _text(opinion)}
        # The stage's other steps; this step's own update is queued.
        others = [s.pk for s in c.stage_steps if s.pk != step.pk and s.status == StepTask.Status.OPEN]
        if outcome == StepTask.Outcome.RETURN:
            StepTask.objects.filter(pk__in=others).update(status=StepTask.Status.CANCELLED)
            assert target is not None  # refused above otherwise
            _start_stage(c, target, cal, today())
            payload["returned_to"] = target.name
        elif outcome == StepTask.Outcome.REFUSE:
            StepTask.objects.filter(pk__in=others).update(status=StepTask.Status.CANCELLED)
        elif not others:
            nxt = _next_stage(c, step.stage_order)
            if nxt is not None:
                _start_stage(c, nxt, cal, today())
                payload["next_stage"] = nxt.name
        _save(c, actor=actor, action=Action.COMPLETE_STEP, from_state=c.state, payload=payload, notify_applicant=False)
        return c


def may_hold(user: User, step: StepTask) -> bool:
    """Who may do a step: an active member of its department with its role."""
    from shenpi.org.roles import has_role
    staff = staff_of(user)
    return bool(staff and user.is_active and staff.department_id == step.department_id and has_role(user, step.role))


def reassign(*, actor: User, case: Case, step_id: int, assignee: User, reason: str = "",
             expected_version: int | None = None) -> Case:
    """The department head hands a step to another person who may do it, saying why."""
    with _acting(actor=actor, case=case, step_id=step_id, action=Action.REASSIGN,
                         expected_version=expected_version) as (c, step):
        errors = {}
        if step.status != StepTask.Status.OPEN:
            errors["step"] = [_("The step is done already.")]
        if not may_hold(assignee, step):
            errors["assignee"] = [_("Assign the step to someone of %(d)s who holds its role.")
                                  % {"d": step.department.name}]
        elif assignee.pk == step.assignee_id:
            errors["assignee"] = [_("The step is held by that person already.")]
        if not _text(reason):
            errors["reason"] = [_("Say why the step changes hands.")]
        _require(errors)
        before = step.assignee.get_username() if step.assignee else ""
        step.assignee = assignee
        step.save(update_fields=["assignee"])
        _save(c, actor=actor, action=Action.REASSIGN, from_state=c.state, notify_applicant=False,
              payload={"step": step.pk, "from": before, "to": assignee.get_username(), "reason": _text(reason)})
        return c


# --- special procedures and extension ----------------------------------------------------------

def suspend(*, actor: User, case: Case, kind: str, reason: str, expected_days: int,
            expected_version: int | None = None) -> Case:
    """Art. 45: time for hearing, testing, expert review … is not counted; the applicant is told."""
    with _acting(actor=actor, case=case, action=Action.SUSPEND, expected_version=expected_version) as c:
        errors = {}
        if kind not in Suspension.Kind.values:
            errors["kind"] = [_("A special procedure is one of: %(k)s.") % {"k": "、".join(Suspension.Kind.values)}]
        if not _text(reason):
            errors["reason"] = [_("Give the reason for the special procedure.")]
        if not isinstance(expected_days, int) or expected_days < 1:
            errors["expected_days"] = [_("Say how many working days it is expected to take.")]
        _require(errors)
        suspension = Suspension.objects.create(case=c, kind=kind, reason=_text(reason), expected_days=expected_days,
                                               start_on=today())
        from_state = _enter(c, Action.SUSPEND)
        cal = current_calendar(c.calendar_version)
        notices.issue(c, Notice.Kind.SPECIAL, seq=c.suspensions.count(), procedure=kind, reason=_text(reason),
                      expected_days=expected_days, start=suspension.start_on,
                      expected_end=cal.add_workdays(suspension.start_on, expected_days))
        _save(c, actor=actor, action=Action.SUSPEND, from_state=from_state,
              payload={"kind": kind, "reason": _text(reason), "expected_days": expected_days})
        return c


def resume(*, actor: User, case: Case, result: str = "", expected_version: int | None = None) -> Case:
    """The suspension ends; every due date moves by its working days (standards.md §1)."""
    with _acting(actor=actor, case=case, action=Action.RESUME, expected_version=expected_version) as c:
        cal = current_calendar(c.calendar_version)
        s = c.suspensions.select_for_update().get(end_on__isnull=True)
        s.end_on = today()
        s.result = _text(result)
        s.save()
        moved = legal.Suspension(start=s.start_on, end=s.end_on).workdays(cal, s.end_on)
        c.suspended_days += moved
        _recompute_dues(c, cal)
        for step in c.steps.filter(status=StepTask.Status.OPEN):
            step.due_on = cal.add_workdays(step.due_on, moved)
            _mark_provisional(c, cal, step.due_on)
            step.save(update_fields=["due_on"])
        from_state = _enter(c, Action.RESUME)
        _save(c, actor=actor, action=Action.RESUME, from_state=from_state,
              payload={"suspended_workdays": moved, "statutory_due": c.statutory_due, "promised_due": c.promised_due})
        return c


def extend(*, actor: User, case: Case, days: int, reason: str, expected_version: int | None = None) -> Case:
    """Art. 42: once, by at most 10 working days (15 for joint handling), approved by the
    department head (a government leader for joint handling) before the statutory limit has
    passed; the reasons and the new due date go to the applicant in writing."""
    with _acting(actor=actor, case=case, action=Action.EXTEND, expected_version=expected_version) as c:
        errors = {}
        problems = legal.extension_errors(days=days if isinstance(days, int) else 0, joint=is_joint(c.version),
                                          already_extended=Extension.objects.filter(case=c).exists(),
                                          statutory_due=c.statutory_due, on=today())
        if problems:
            errors["days"] = problems
        if not _text(reason):
            errors["reason"] = [_("Give the reasons for the extension; the applicant is told them.")]
        _require(errors)
        before = c.statutory_due
        Extension.objects.create(case=c, days=days, reason=_text(reason), approved_by=actor, on=today())
        c.extension_days = days
        _recompute_dues(c, current_calendar(c.calendar_version))
        notices.issue(c, Notice.Kind.EXTENSION, days=days, reason=_text(reason), before=before,
                      approved_by=display_name(actor))
        _save(c, actor=actor, action=Action.EXTEND, from_state=c.state,
              payload={"days": days, "reason": _text(reason), "statutory_due": c.statutory_due})
        return c


def display_name(user: User | None) -> str:
    staff = staff_of(user)
    return (staff.name if staff and staff.name else user.get_username()) if user else ""


# --- decision and delivery -----------------------------------------------------------------------

def _fee_errors(case: Case, fees: Sequence[dict]) -> tuple[dict, list]:
    """Fees only from the item's fee list and at most its standard (C8)."""
    catalog = {f.pk: f for f in case.version.fees.all()}
    errors, charges = [], []
    if fees and not catalog:
        return {"fees": [_("This item is free of charge; nothing may be charged.")]}, []
    for i, f in enumerate(fees, 1):
        fee = catalog.get(f.get("fee"))  # type: ignore[arg-type]  # a missing or unknown id finds none
        amount = f.get("amount_fen")
        if fee is None:
            errors.append(_("Charge %(n)s: not a fee of this item's catalog entry.") % {"n": i})
        elif not isinstance(amount, int) or not 0 < amount <= fee.standard_fen:
            errors.append(_("Charge %(n)s: %(fee)s is at most %(max)s fen.") % {"n": i, "fee": fee.name, "max": fee.standard_fen})
        else:
            charges.append((fee, amount))
    return ({"fees": errors} if errors else {}), charges


def decide(*, actor: User, case: Case, decision: str, licence_number: str = "", reasons: str = "",
           remedies: str = "",
           fees: Sequence[dict] = (), expected_version: int | None = None) -> Case:
    """Approve with a licence or document number, or deny with reasons and the applicant's
    remedies (Art. 38). A 即办件 is accepted and decided at the window in the same visit."""
    with _acting(actor=actor, case=case, action=Action.DECIDE, expected_version=expected_version) as c:
        instant = c.version.category == Category.INSTANT
        errors = {}
        if c.state == State.SUBMITTED and not instant:
            errors["state"] = [_("Only an instant item is decided before it is accepted.")]
        open_steps, refused = c.open_steps, c.refused_steps  # read with the lock
        if decision == Case.Decision.APPROVE:
            if open_steps or refused:
                errors["decision"] = [_("Every step must pass before the case is approved.")]
            if not _text(licence_number):
                errors["licence_number"] = [_("Give the licence or document number.")]
        elif decision == Case.Decision.DENY:
            if open_steps and not refused:
                errors["decision"] = [_("Steps are still open; a step that refuses closes them.")]
            if not _text(reasons):
                errors["reasons"] = [_("A denial gives its reasons (Art. 38).")]
        else:
            errors["decision"] = [_("The decision is approve or deny.")]
        fee_errors, charges = _fee_errors(c, list(fees)) if fees else ({}, [])
        errors.update(fee_errors)
        _require(errors)
        cal = current_calendar(c.calendar_version)
        day = today()
        if c.state == State.SUBMITTED and not _acceptance_day(c)[1]:
            errors.update(material_errors(c))  # accepted in the same visit: its materials complete
            _require(errors)
        if c.state == State.SUBMITTED:  # the instant item's acceptance, in the same visit
            accepted, deemed = _acceptance_day(c)
            from_state = _do_accept(c, actor=actor, day=accepted, cal=cal, deemed=deemed)
            _save(c, actor=actor, action=Action.ACCEPT, from_state=from_state, notify_applicant=False,
                  payload={"accepted_on": accepted, "at_window": True, **({"deemed": True} if deemed else {})})
        from_state = _enter(c, Action.DECIDE, State.APPROVED if decision == Case.Decision.APPROVE else State.DENIED)
        c.decision, c.decided_on, c.decided_by = decision, day, actor
        c.licence_number = _text(licence_number)
        c.decision_reasons = _text(reasons)
        c.remedies = (_text(remedies) or DEFAULT_REMEDIES) if decision == Case.Decision.DENY else ""
        c.delivery_due = legal.delivery_due(cal, day)
        for fee, amount in charges:
            FeeCharge.objects.create(case=c, fee=fee, amount_fen=amount, charged_by=actor)
        notices.issue(c, Notice.Kind.APPROVAL if decision == Case.Decision.APPROVE else Notice.Kind.DENIAL)
        signals.decided.send(sender=Case, case=c, decision=decision)
        _save(c, actor=actor, action=Action.DECIDE, from_state=from_state, payload={
            "decision": decision, "licence_number": c.licence_number, "reasons": c.decision_reasons,
            "delivery_due": c.delivery_due, "fees": [{"fee": f.pk, "amount_fen": a} for f, a in charges]})
        return c


def deliver(*, actor: User, case: Case, method: str, on: datetime.date | None = None,
            expected_version: int | None = None) -> Case:
    """Art. 44: the licence, or the written denial, reaches the applicant (送达)."""
    with _acting(actor=actor, case=case, action=Action.DELIVER, expected_version=expected_version) as c:
        day = on or today()
        errors = {}
        if not _text(method):
            errors["method"] = [_("Say how it was delivered (in person, by post, electronically …).")]
        if day > today() or day < c.decided_on:
            errors["on"] = [_("The delivery date lies between the decision (%(d)s) and today.") % {"d": c.decided_on}]
        _require(errors)
        from_state = _enter(c, Action.DELIVER)
        c.delivered_on, c.delivery_method = day, _text(method)
        decided = Notice.Kind.APPROVAL if c.decision == Case.Decision.APPROVE else Notice.Kind.DENIAL
        notices.issue(c, Notice.Kind.RECEIPT, document=f"{notices.KIND_TITLES[decided]}({notices.number(c, decided)})",
                      method=c.delivery_method, on=day)
        payload = {"method": c.delivery_method, "on": day, "delivery_due": c.delivery_due}
        # Art. 44: a delivery after its due date is recorded as late, by how many working days.
        late = legal.workdays_late(current_calendar(c.calendar_version), c.delivery_due, day)
        if late:
            payload["late_workdays"] = late
        _save(c, actor=actor, action=Action.DELIVER, from_state=from_state, payload=payload)
        return c


def _close(action: str, *, actor: User, case: Case, reason: str, required: bool,
           expected_version: int | None) -> Case:
    with _acting(actor=actor, case=case, action=action, expected_version=expected_version) as c:
        if required and not _text(reason):
            raise ValidationError({"reason": [_("Give the reason.")]})
        from_state = _enter(c, action)
        c.closed_reason = _text(reason)
        c.steps.filter(status=StepTask.Status.OPEN).update(status=StepTask.Status.CANCELLED)
        c.suspensions.filter(end_on__isnull=True).update(end_on=today())
        if action == Action.TERMINATE:
            notices.issue(c, Notice.Kind.TERMINATION, reason=c.closed_reason)
        _save(c, actor=actor, action=action, from_state=from_state, payload={"reason": _text(reason)})
        return c


def withdraw(*, actor: User, case: Case, reason: str = "", expected_version: int | None = None) -> Case:
    return _close(Action.WITHDRAW, actor=actor, case=case, reason=reason, required=False,
                  expected_version=expected_version)


def terminate(*, actor: User, case: Case, reason: str, expected_version: int | None = None) -> Case:
    return _close(Action.TERMINATE, actor=actor, case=case, reason=reason, required=True,
                  expected_version=expected_version)


# --- materials ---------------------------------------------------------------------------------

def add_material(*, actor: User, case: Case, name: str, upload: UploadedFile) -> CaseMaterial:
    """An uploaded material (pdf, jpg, png, ofd), kept outside the web root with its SHA-256.
    Checked before anything is written, so a refused upload leaves no file behind."""
    import hashlib

    from .uploads import upload_errors

    if not (may(actor, (Who.CLERK, Who.APPLICANT), case)):
        raise PermissionDenied(_("Only the receiving window or the applicant adds materials."))
    errors = {}
    if case.state not in (State.SUBMITTED, State.AWAITING_SUPPLEMENT):
        errors["state"] = [_("Materials are added before the case is accepted.")]
    if name not in {m.name for m in case.version.materials.all()}:
        errors["name"] = [_("Not materials of this item: %(m)s.") % {"m": name}]
    problems = upload_errors(upload)
    if problems:
        errors["file"] = problems
    _require(errors)
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    upload_name = upload.name or ""
    material = CaseMaterial(case=case, name=name, original_name=upload_name[:200],
                            content_type=getattr(upload, "content_type", "") or "", size=upload.size or 0,
                            sha256=digest.hexdigest())
    material.file.save(f"{case.number}-{digest.hexdigest()[:12]}.{upload_name.rsplit('.', 1)[-1].lower()}", upload,
                       save=False)
    try:
        with transaction.atomic():
            c = store.lock_case(case.pk)
            if c.state not in (State.SUBMITTED, State.AWAITING_SUPPLEMENT):
                raise ValidationError({"state": [_("Materials are added before the case is accepted.")]})
            material.case = c
            material.save()
            c.row_version += 1
            store.update(c, ("row_version",))
            _event(c, actor=actor, action="add_material", from_state=c.state,
                   payload={"name": name, "file": upload.name, "sha256": material.sha256, "size": upload.size})
            case.row_version = c.row_version
    except Exception:
        material.file.delete(save=False)  # no orphan file when the row could not be written
        raise
    return material


# --- the calendar's recount (standards.md §1) ----------------------------------------------------



def _step_due(step: StepTask, cal: WorkCalendar, suspensions: Sequence[Suspension]) -> datetime.date:
    """A step's due date counted again: its budget from its start, moved by every suspension
    it was open through (resume moves the open steps by the suspension's working days)."""
    moved = 0
    for s in suspensions:
        done_on = timezone.localdate(step.completed_at) if step.completed_at else None
        if s.end_on and step.started_on <= s.start_on and (done_on is None or done_on >= s.end_on):
            moved += legal.Suspension(start=s.start_on, end=s.end_on).workdays(cal, s.end_on)
    return cal.add_workdays(step.started_on, step.budget + moved)


def recount_dates(*, case_pk: int, reason: str, actor: User | None = None) -> bool:
    """Count every stored date of a case again on the calendar as it is now (after a year's
    official schedule was entered): the acceptance period, the decision clocks with their
    extension and suspended days, the delivery date and the steps' due dates. A case whose
    dates moved gets an event naming each move and the reason, and its applicant a message
    while the case is still running. Returns whether anything moved."""
    with transaction.atomic():
        c = store.lock_case(case_pk)
        cal = current_calendar(c.calendar_version)
        before = {f: getattr(c, f) for f in Case.DUE_DATES}
        c.acceptance_due = legal.deemed_acceptance_date(cal, c.clock_start)
        suspensions = list(c.suspensions.order_by("start_on"))
        if c.accepted_on:
            c.suspended_days = sum(legal.Suspension(start=s.start_on, end=s.end_on).workdays(cal, s.end_on)
                                   for s in suspensions if s.end_on)
            _recompute_dues(c, cal)
        if c.decided_on:
            c.delivery_due = legal.delivery_due(cal, c.decided_on)
        moved = {f: [before[f], getattr(c, f)] for f in Case.DUE_DATES if getattr(c, f) != before[f]}
        steps_moved, step_dues = [], []
        for step in c.steps.all():
            due = _step_due(step, cal, suspensions)
            step_dues.append(due)
            if due != step.due_on:
                steps_moved.append({"step": step.pk, "name": step.name, "from": step.due_on, "to": due})
                step.due_on = due
                step.save(update_fields=["due_on"])
        c.provisional = False
        _mark_provisional(c, cal, *step_dues)
        if not moved and not steps_moved:
            store.update(c, store.changed_fields(c))  # only the mark: no event, nothing to tell
            store.mark_saved(c)
            return False
        with store.queued():
            _save(c, actor=actor, action=Action.RECOUNT, from_state=c.state,
                  notify_applicant=c.state in (*OPEN, State.APPROVED, State.DENIED),
                  payload={"reason": reason, "moved": moved, "steps": steps_moved, "provisional": c.provisional})
        return True


def recount_provisional(*, reason: str, actor: User | None = None, **_signal: Any) -> Recount:
    """Every case marked provisional, recounted: called inside the transaction that enters a
    year (workdays.signals.years_added). Each case has its own savepoint, so one that cannot
    be recounted is logged and named and stays provisional, and the year still goes in."""
    result = Recount()
    for pk, number in Case.objects.filter(provisional=True).order_by("pk").values_list("pk", "number"):
        result.checked += 1
        try:
            if recount_dates(case_pk=pk, reason=reason, actor=actor):
                result.moved += 1
        except Exception:
            log.exception("recounting the dates of case %s failed", number)
            result.failed.append(number)
    return result
