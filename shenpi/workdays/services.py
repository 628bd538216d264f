from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from shenpi.audit.services import record
from shenpi.org.roles import is_centre_admin

from .models import CalendarDay, CalendarVersion


def change_day_errors(*, reason: str, document_number: str) -> dict:
    errors = {}
    if not (reason or "").strip():
        errors["reason"] = [_("Say why the day changes.")]
    if not (document_number or "").strip():
        errors["document_number"] = [_("Give the number of the document that decides the change.")]
    return errors


@transaction.atomic
def change_day(*, actor, day, is_workday: bool, name: str, reason: str, document_number: str) -> CalendarDay:
    """Change one date of the calendar; every process picks it up on its next look at the version."""
    if not is_centre_admin(actor):
        raise PermissionDenied(_("Only centre administrators may change the calendar."))
    errors = change_day_errors(reason=reason, document_number=document_number)
    row = CalendarDay.objects.select_for_update().filter(date=day).first()
    if row is None:
        errors["date"] = [_("%(day)s is not in the calendar.") % {"day": day}]
    if errors:
        raise ValidationError(errors)
    before = {"is_workday": row.is_workday, "name": row.name}
    row.is_workday = is_workday
    row.name = (name or "").strip()
    row.reason = reason.strip()
    row.document_number = document_number.strip()
    row.changed_at = timezone.now()
    row.changed_by = actor
    row.save()
    CalendarVersion.objects.filter(pk=1).update(version=F("version") + 1)
    record(actor=actor, action="workdays.day.change", obj=row, before=before,
           after={"is_workday": is_workday, "name": row.name, "reason": row.reason,
                  "document_number": row.document_number})
    return row
