"""Supervision's writes (E5): orders (督办) and replies, rulings, appeals against cards (申诉)
and accountability records (问责). Each checks who acts (supervision.access), refuses bad
input with reasons per field and changes nothing then, and is audited. None changes a case."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shenpi.audit.services import record
from shenpi.cases.models import Case
from shenpi.core.exceptions import Refused
from shenpi.core.validation import require as _require
from shenpi.core.validation import text as _text
from shenpi.org.models import Department
from shenpi.workdays.selectors import current_calendar

from .access import answers_for, is_supervisor
from .models import Accountability, Appeal, Card, Finding, Order

MAX_REPLY_DAYS = 30


def _supervisor(actor: Any) -> None:
    if not is_supervisor(actor):
        raise Refused(_("Only a supervisor may do this."))


@transaction.atomic
def issue_order(*, actor: Any, department: Department | None, content: str, reply_days: Any,
                case: Case | None = None) -> Order:
    _supervisor(actor)
    errors = {}
    if case is not None:
        department = department or case.department
        if department.pk != case.department_id:
            errors["department"] = [_("An order on a case goes to the case's department.")]
    if department is None:
        errors["department"] = [_("Choose the department to order.")]
    if not _text(content):
        errors["content"] = [_("Say what is to be done.")]
    if not isinstance(reply_days, int) or isinstance(reply_days, bool) or not 1 <= reply_days <= MAX_REPLY_DAYS:
        errors["reply_days"] = [_("Between 1 and %(n)s working days.") % {"n": MAX_REPLY_DAYS}]
    _require(errors)
    assert department is not None
    due = current_calendar().add_workdays(timezone.localdate(), reply_days)
    order = Order.objects.create(case=case, department=department, content=_text(content), reply_due=due,
                                 issued_by=actor)
    record(actor=actor, action="supervision.order.issue", obj=order,
           after={"case": case.number if case else None, "department": department.pk, "reply_due": due})
    return order


def _lock(model: Any, pk: int) -> Any:
    return model.objects.select_for_update().get(pk=pk)


@transaction.atomic
def reply_order(*, actor: Any, order: Order, reply: str) -> Order:
    order = _lock(Order, order.pk)
    if not answers_for(actor, order.department_id):
        raise Refused(_("Only the department's head or chief representative replies for it."))
    if order.status not in (Order.Status.OPEN, Order.Status.RETURNED):
        raise ValidationError({"status": [_("This order has been answered already.")]})
    if not _text(reply):
        raise ValidationError({"reply": [_("Write the reply.")]})
    order.reply, order.replied_by, order.replied_at = _text(reply), actor, timezone.now()
    order.status = Order.Status.REPLIED
    order.save()
    record(actor=actor, action="supervision.order.reply", obj=order, after={"reply": order.reply})
    return order


@transaction.atomic
def rule_order(*, actor: Any, order: Order, accept: bool, ruling: str) -> Order:
    _supervisor(actor)
    order = _lock(Order, order.pk)
    if order.status != Order.Status.REPLIED:
        raise ValidationError({"status": [_("Only a reply can be ruled on.")]})
    if not accept and not _text(ruling):
        raise ValidationError({"ruling": [_("Say why the reply is returned.")]})
    order.ruling, order.ruled_by, order.ruled_at = _text(ruling), actor, timezone.now()
    order.status = Order.Status.CLOSED if accept else Order.Status.RETURNED
    order.save()
    record(actor=actor, action="supervision.order.rule", obj=order, after={"status": order.status,
                                                                             "ruling": order.ruling})
    return order


@transaction.atomic
def file_appeal(*, actor: Any, card: Card, reason: str) -> Appeal:
    card = _lock(Card, card.pk)
    if not answers_for(actor, card.department_id):
        raise Refused(_("Only the department's head or chief representative appeals for it."))
    if Appeal.objects.filter(card=card).exists():
        raise ValidationError({"card": [_("This card has been appealed already.")]})
    if not _text(reason):
        raise ValidationError({"reason": [_("Give the reason for the appeal.")]})
    appeal = Appeal.objects.create(card=card, reason=_text(reason), filed_by=actor)
    record(actor=actor, action="supervision.appeal.file", obj=appeal, after={"card": card.pk, "reason": appeal.reason})
    return appeal


@transaction.atomic
def rule_appeal(*, actor: Any, appeal: Appeal, uphold: bool, ruling: str) -> Appeal:
    _supervisor(actor)
    appeal = _lock(Appeal, appeal.pk)
    if appeal.status != Appeal.Status.PENDING:
        raise ValidationError({"status": [_("This appeal has been ruled on already.")]})
    if not _text(ruling):
        raise ValidationError({"ruling": [_("Give the reasons for the ruling.")]})
    appeal.status = Appeal.Status.UPHELD if uphold else Appeal.Status.REJECTED
    appeal.ruling, appeal.ruled_by, appeal.ruled_at = _text(ruling), actor, timezone.now()
    appeal.save()
    if uphold:
        Card.objects.filter(pk=appeal.card_id).update(withdrawn=True)
    record(actor=actor, action="supervision.appeal.rule", obj=appeal,
           after={"status": appeal.status, "ruling": appeal.ruling})
    return appeal


@transaction.atomic
def hold_to_account(*, actor: Any, person: Any, measure: str, reason: str, case: Case | None = None,
                    card: Card | None = None, finding: Finding | None = None,
                    order: Order | None = None) -> Accountability:
    _supervisor(actor)
    errors = {}
    staff = getattr(person, "staff", None) if person is not None else None
    if staff is None:
        errors["person"] = [_("Choose a member of staff.")]
    if measure not in Accountability.Measure.values:
        errors["measure"] = [_("Choose a measure.")]
    if not _text(reason):
        errors["reason"] = [_("Give the reason.")]
    _require(errors)
    assert staff is not None  # refused above otherwise
    entry = Accountability.objects.create(person=person, department_id=staff.department_id, measure=measure,
                                          reason=_text(reason), case=case or (card.case if card else None),
                                          card=card, finding=finding, order=order, recorded_by=actor)
    record(actor=actor, action="supervision.accountability.record", obj=entry,
           after={"person": person.pk, "measure": measure, "reason": entry.reason})
    return entry


def reply_overdue(order: Order, on: datetime.date) -> bool:
    return order.status in (Order.Status.OPEN, Order.Status.RETURNED) and order.reply_due < on
