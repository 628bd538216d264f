"""Complaints (投诉, F1): taken from the portal, the phone, the window or a letter; accepted or
refused by a supervisor within SHENPI_COMPLAINT_ACCEPT_DAYS working days and given to a
handling department; investigated (notes), replied to within SHENPI_COMPLAINT_REPLY_DAYS
working days of acceptance, extended once with reasons by at most
SHENPI_COMPLAINT_EXTENSION_DAYS, and answered with a finding; a supervisor may record whom it
holds to account. The complainant follows it by number and query code and rates the handling;
an anonymous complaint has neither a query code nor a follow-up. Every write audited; bad
input changes nothing."""

from __future__ import annotations

import re
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shenpi.audit.services import record
from shenpi.cases.models import Case, Outbox
from shenpi.cases.numbering import query_code
from shenpi.core.exceptions import Refused
from shenpi.core.validation import require as _require
from shenpi.core.validation import text as _text
from shenpi.org.models import Department
from shenpi.org.roles import Role, has_role, is_staff_member
from shenpi.supervision import services as supervision
from shenpi.workdays.selectors import current_calendar

from . import access
from .models import Complaint, ComplaintNote, Rating
from .services import level_errors

PHONE = re.compile(r"1\d{10}|0\d{2,3}-?\d{7,8}")
STAFF_SOURCES = (Complaint.Source.PHONE, Complaint.Source.WINDOW, Complaint.Source.LETTER)


def _tell(complaint: Complaint, message: Any, **values: Any) -> None:
    """An SMS to the complainant, queued with the change (never for an anonymous one), in the
    centre's language whatever the request's."""
    if complaint.complainant_phone and not complaint.anonymous:
        with translation.override(settings.LANGUAGE_CODE):
            text = str(message) % values
        Outbox.objects.create(case=None, phone=complaint.complainant_phone,
                              body=f"【{settings.SHENPI['CENTRE_NAME']}】{text}")


def _number(today) -> str:
    prefix = f"TS{today:%Y%m%d}"
    last = Complaint.objects.filter(number__startswith=prefix).order_by("-number").values_list("number", flat=True)
    sequence = int(last[0][len(prefix):]) + 1 if last else 1
    return f"{prefix}{sequence:04d}"


def may_register(actor: Any) -> bool:
    """Complaints by phone, at the window or by letter are registered by window clerks and
    supervisors."""
    return is_staff_member(actor) and (access.is_supervisor(actor) or has_role(actor, Role.WINDOW_CLERK))


def submit(*, actor: Any, source: Any, against_department: Any, content: Any, against_name: Any = "",
           case_number: Any = "", anonymous: Any = False, name: Any = "", phone: Any = "") -> Complaint:
    """A complaint taken: from the portal by anyone (signed in or not), or registered by staff
    for one that came by phone, at the window or by letter."""
    signed_in = bool(actor and actor.is_authenticated)
    errors: dict[str, list[str]] = {}
    if source == Complaint.Source.PORTAL:
        pass
    elif source in STAFF_SOURCES:
        if not may_register(actor):
            raise Refused(_("Complaints by phone, at the window or by letter are registered by the centre's staff."))
    else:
        errors["source"] = [_("Unknown source.")]
    if not isinstance(against_department, Department):
        errors["against_department"] = [_("Choose the department complained of.")]
    if not _text(content) or len(_text(content)) > 4000:
        errors["content"] = [_("Say what happened (at most 4000 characters).")]
    if not isinstance(against_name, str) or len(against_name) > 100:
        errors["against_name"] = [_("At most 100 characters.")]
    anonymous = anonymous is True
    own_account = signed_in and source == Complaint.Source.PORTAL and not anonymous
    name, phone = _text(name), _text(phone) or (actor.get_username() if own_account else "")
    if not anonymous:
        if not name or len(name) > 100:
            errors["name"] = [_("Give your name, or complain anonymously.")]
        if not PHONE.fullmatch(phone):
            errors["phone"] = [_("Give a mobile or telephone number for the reply, or complain anonymously.")]
    case = None
    if _text(case_number):
        case = Case.objects.filter(number=_text(case_number).upper()[:40]).first()
        if case is None or (source == Complaint.Source.PORTAL and own_account and case.applicant_user_id
                            and case.applicant_user_id != actor.pk):
            errors["case_number"] = [_("No such case of yours; leave it empty if you do not know it.")]
    _require(errors)
    today = timezone.localdate()
    for _attempt in range(5):
        try:
            with transaction.atomic():
                complaint = Complaint.objects.create(
                    number=_number(today), query_code="" if anonymous else query_code(), source=source,
                    anonymous=anonymous, complainant_user=actor if own_account else None,
                    complainant_name="" if anonymous else name, complainant_phone="" if anonymous else phone,
                    against_department=against_department, against_name=_text(against_name), case=case,
                    content=_text(content), received_at=timezone.now(),
                    received_by=actor if source in STAFF_SOURCES else None,
                    accept_due=current_calendar().add_workdays(today, settings.SHENPI_COMPLAINT_ACCEPT_DAYS))
                _tell(complaint, gettext_lazy("Your complaint %(number)s is received; query code %(code)s. We accept or "
                                    "refuse it by %(due)s."), number=complaint.number, code=complaint.query_code,
                      due=complaint.accept_due)
                record(actor=actor if signed_in else None, action="feedback.complaint.submit", obj=complaint,
                       after={"source": source, "anonymous": anonymous, "department": against_department.pk,
                              "case": case.number if case else ""})
                return complaint
        except IntegrityError:  # another complaint took the number: count again
            continue
    raise ValidationError({"number": [_("The centre is busy; try again.")]})


def _locked(complaint: Complaint) -> Complaint:
    return Complaint.objects.select_for_update().get(pk=complaint.pk)


def _supervisor(actor: Any) -> None:
    if not access.is_supervisor(actor):
        raise Refused(_("Only a supervisor may do this."))


def _handler(actor: Any, complaint: Complaint) -> None:
    if not access.handles(actor, complaint):
        raise Refused(_("Only those handling the complaint may do this."))


def _state(complaint: Complaint, *allowed: str) -> None:
    if complaint.status not in allowed:
        _require({"status": [_("Not possible while the complaint is %(status)s.")
                             % {"status": complaint.get_status_display()}]})


def _staff_of(department: Department | None, user: Any) -> bool:
    staff = getattr(user, "staff", None) if user is not None else None
    return bool(staff and department and staff.department_id == department.pk and user.is_active)


@transaction.atomic
def accept(*, actor: Any, complaint: Complaint, handling_department: Any = None,
           against_person: Any = None) -> Complaint:
    """Accepted (受理): the handling department (the one complained of unless named) replies
    within SHENPI_COMPLAINT_REPLY_DAYS working days."""
    _supervisor(actor)
    complaint = _locked(complaint)
    _state(complaint, Complaint.Status.RECEIVED)
    department = handling_department or complaint.against_department
    errors = {}
    if not isinstance(department, Department):
        errors["handling_department"] = [_("Choose the handling department.")]
    if against_person is not None and not _staff_of(complaint.against_department, against_person):
        errors["against_person"] = [_("Choose a member of staff of the department complained of.")]
    _require(errors)
    today = timezone.localdate()
    due = current_calendar().add_workdays(today, settings.SHENPI_COMPLAINT_REPLY_DAYS)
    complaint.status, complaint.accepted_at, complaint.accepted_by = Complaint.Status.INVESTIGATING, timezone.now(), actor
    complaint.handling_department, complaint.first_reply_due, complaint.reply_due = department, due, due
    if against_person is not None:
        complaint.against_person = against_person
    complaint.save()
    _tell(complaint, gettext_lazy("Your complaint %(number)s is accepted; you will have a reply by %(due)s."),
          number=complaint.number, due=due)
    record(actor=actor, action="feedback.complaint.accept", obj=complaint,
           after={"handling_department": department.pk, "reply_due": due,
                  "on_time": today <= complaint.accept_due})
    return complaint


@transaction.atomic
def refuse(*, actor: Any, complaint: Complaint, reason: Any) -> Complaint:
    """Not accepted (不予受理), with the reason the complainant is told."""
    _supervisor(actor)
    complaint = _locked(complaint)
    _state(complaint, Complaint.Status.RECEIVED)
    if not _text(reason) or len(_text(reason)) > 2000:
        _require({"reason": [_("Give the reason the complainant is told (at most 2000 characters).")]})
    complaint.status, complaint.accepted_at, complaint.accepted_by = Complaint.Status.NOT_ACCEPTED, timezone.now(), actor
    complaint.not_accepted_reason = _text(reason)
    complaint.save()
    _tell(complaint, gettext_lazy("Your complaint %(number)s is not accepted: %(reason)s"), number=complaint.number,
          reason=complaint.not_accepted_reason)
    record(actor=actor, action="feedback.complaint.refuse", obj=complaint,
           after={"reason": complaint.not_accepted_reason, "on_time": timezone.localdate() <= complaint.accept_due})
    return complaint


@transaction.atomic
def assign(*, actor: Any, complaint: Complaint, assignee: Any) -> Complaint:
    """The handling department's head (or a supervisor) gives the investigation to a member of
    the department; never to the person complained of."""
    complaint = _locked(complaint)
    if not (access.is_supervisor(actor) or access.answers_for(actor, complaint.handling_department_id)) \
            or complaint.against_person_id == getattr(actor, "pk", None):
        raise Refused(_("Only a supervisor or the handling department's head may assign the complaint."))
    _state(complaint, Complaint.Status.INVESTIGATING)
    if not _staff_of(complaint.handling_department, assignee) or assignee.pk == complaint.against_person_id:
        _require({"assignee": [_("Choose a member of the handling department other than the person complained "
                                 "of.")]})
    complaint.assignee = assignee
    complaint.save(update_fields=["assignee"])
    record(actor=actor, action="feedback.complaint.assign", obj=complaint, after={"assignee": assignee.pk})
    return complaint


@transaction.atomic
def add_note(*, actor: Any, complaint: Complaint, text: Any) -> ComplaintNote:
    complaint = _locked(complaint)
    _handler(actor, complaint)
    _state(complaint, Complaint.Status.INVESTIGATING)
    if not _text(text) or len(_text(text)) > 4000:
        _require({"text": [_("Write the note (at most 4000 characters).")]})
    note = ComplaintNote.objects.create(complaint=complaint, author=actor, text=_text(text))
    record(actor=actor, action="feedback.complaint.note", obj=complaint, after={"note": note.pk})
    return note


def extension_limit() -> int:
    return settings.SHENPI_COMPLAINT_EXTENSION_DAYS


@transaction.atomic
def extend(*, actor: Any, complaint: Complaint, days: Any, reason: Any) -> Complaint:
    """The reply put off once, before it is due, by at most SHENPI_COMPLAINT_EXTENSION_DAYS
    working days, with the reasons the complainant is told."""
    complaint = _locked(complaint)
    _handler(actor, complaint)
    _state(complaint, Complaint.Status.INVESTIGATING)
    errors = {}
    if complaint.extended_days:
        errors["days"] = [_("The reply has been extended once already.")]
    elif complaint.reply_due and timezone.localdate() > complaint.reply_due:
        errors["days"] = [_("The reply is overdue: it can no longer be extended.")]
    elif not isinstance(days, int) or isinstance(days, bool) or not 1 <= days <= extension_limit():
        errors["days"] = [_("Between 1 and %(n)d working days.") % {"n": extension_limit()}]
    if not _text(reason) or len(_text(reason)) > 2000:
        errors["reason"] = [_("Give the reasons for the extension (at most 2000 characters).")]
    _require(errors)
    assert complaint.reply_due is not None  # set on acceptance
    complaint.reply_due = current_calendar().add_workdays(complaint.reply_due, days)
    complaint.extended_days, complaint.extension_reason, complaint.extended_by = days, _text(reason), actor
    complaint.save()
    _tell(complaint, gettext_lazy("The reply to your complaint %(number)s is put off to %(due)s: %(reason)s"),
          number=complaint.number, due=complaint.reply_due, reason=complaint.extension_reason)
    record(actor=actor, action="feedback.complaint.extend", obj=complaint,
           after={"days": days, "reason": complaint.extension_reason, "reply_due": complaint.reply_due})
    return complaint


@transaction.atomic
def reply(*, actor: Any, complaint: Complaint, finding: Any, text: Any) -> Complaint:
    """The reply with the finding and what was done (答复)."""
    complaint = _locked(complaint)
    _handler(actor, complaint)
    _state(complaint, Complaint.Status.INVESTIGATING)
    errors = {}
    if finding not in Complaint.Finding.values:
        errors["finding"] = [_("Choose the finding.")]
    if not _text(text) or len(_text(text)) > 4000:
        errors["reply"] = [_("Write the reply and what was done (at most 4000 characters).")]
    _require(errors)
    complaint.status, complaint.finding, complaint.reply = Complaint.Status.REPLIED, finding, _text(text)
    complaint.replied_at, complaint.replied_by = timezone.now(), actor
    complaint.save()
    _tell(complaint, gettext_lazy("Your complaint %(number)s is answered; see the reply and rate our handling with its "
                        "number and query code."), number=complaint.number)
    record(actor=actor, action="feedback.complaint.reply", obj=complaint,
           after={"finding": finding, "on_time": replied_on_time(complaint)})
    return complaint


def replied_on_time(complaint: Complaint) -> bool | None:
    if complaint.replied_at is None or complaint.reply_due is None:
        return None
    return timezone.localtime(complaint.replied_at).date() <= complaint.reply_due


@transaction.atomic
def hold_to_account(*, actor: Any, complaint: Complaint, person: Any, measure: Any, reason: Any) -> Complaint:
    """The accountability the complaint led to, as a supervision record (问责记录)."""
    _supervisor(actor)
    complaint = _locked(complaint)
    _state(complaint, Complaint.Status.INVESTIGATING, Complaint.Status.REPLIED)
    if complaint.accountability_id:
        _require({"person": [_("The accountability is recorded already.")]})
    if not isinstance(person, get_user_model()):
        _require({"person": [_("Choose a member of staff.")]})
    entry = supervision.hold_to_account(actor=actor, person=person, measure=measure,
                                        reason=f"{_('Complaint')} {complaint.number}: {_text(reason)}"
                                        if _text(reason) else "", case=complaint.case)
    complaint.accountability = entry
    complaint.save(update_fields=["accountability"])
    record(actor=actor, action="feedback.complaint.account", obj=complaint, after={"accountability": entry.pk})
    return complaint


def complainant_proved(complaint: Complaint, actor: Any, code: Any) -> bool:
    if complaint.anonymous:
        return False
    if actor and actor.is_authenticated and complaint.complainant_user_id == actor.pk:
        return True
    return isinstance(code, str) and bool(complaint.query_code) and code.strip().upper() == complaint.query_code


@transaction.atomic
def rate_handling(*, complaint: Complaint, level: Any, text: Any = "", actor: Any = None,
                  code: Any = "") -> Complaint:
    """The complainant's rating of how the complaint was handled, once, after the reply."""
    if not complainant_proved(complaint, actor, code):
        raise Refused(_("Only the complainant rates the handling."))
    complaint = _locked(complaint)
    errors: dict[str, list[str]] = {}
    if complaint.status != Complaint.Status.REPLIED:
        errors["status"] = [_("The handling is rated once the complaint is answered.")]
    elif complaint.handling_level:
        errors["status"] = [_("You have rated the handling already.")]
    if level_errors(level):
        errors["level"] = level_errors(level)
    if not isinstance(text, str) or len(text) > 2000:
        errors["text"] = [_("At most 2000 characters.")]
    _require(errors)
    complaint.handling_level, complaint.handling_text = level, _text(text)
    complaint.handling_rated_at = timezone.now()
    complaint.save(update_fields=["handling_level", "handling_text", "handling_rated_at"])
    record(actor=actor if actor and actor.is_authenticated else None, action="feedback.complaint.rate",
           obj=complaint, after={"level": level, "poor": level in Rating.POOR})
    return complaint
