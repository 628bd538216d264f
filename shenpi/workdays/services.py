
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from shenpi.audit.services import record
from shenpi.core import stamps
from shenpi.org.roles import is_centre_admin

from . import selectors
from .models import CalendarDay, CalendarVersion
from .signals import Recount, years_added

if TYPE_CHECKING:
    import datetime

    from django.contrib.auth.models import User


@dataclass(frozen=True)
class YearsAdded:
    """Years put into the calendar, and the recount of the dates counted provisionally in them."""

    years: list[int]
    days: int
    recount: Recount


def _recount(*, actor: User | None, years: list[int], reason: str) -> Recount:
    """Recount, in the calendar change's own transaction, every date that was counted before
    these years' schedule was known (the receivers live above this app: cases, …)."""
    total = Recount()
    for _receiver, result in years_added.send(sender=CalendarDay, years=years, reason=reason, actor=actor):
        if isinstance(result, Recount):
            total = total + result
    return total


def change_day_errors(*, reason: str, document_number: str) -> dict:
    errors = {}
    if not (reason or "").strip():
        errors["reason"] = [_("Say why the day changes.")]
    if not (document_number or "").strip():
        errors["document_number"] = [_("Give the number of the document that decides the change.")]
    return errors


@transaction.atomic
def change_day(*, actor: User, day: datetime.date, is_workday: bool, name: str, reason: str,
               document_number: str) -> CalendarDay:
    """Change one date of the calendar; every process picks it up on its next look at the version."""
    if not is_centre_admin(actor):
        raise PermissionDenied(_("Only centre administrators may change the calendar."))
    errors = change_day_errors(reason=reason, document_number=document_number)
    row = CalendarDay.objects.select_for_update().filter(date=day).first()
    if row is None:
        errors["date"] = [_("%(day)s is not in the calendar.") % {"day": day}]
    if errors or row is None:
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
    selectors.forget_version()
    stamps.bump(stamps.PUBLIC)  # guides count in working days
    record(actor=actor, action="workdays.day.change", obj=row, before=before,
           after={"is_workday": is_workday, "name": row.name, "reason": row.reason,
                  "document_number": row.document_number})
    return row


@transaction.atomic
def add_year(*, actor: User, year: int, document_number: str, schedule: str) -> YearsAdded:
    """Extend the calendar by the year after its last one, from the official holiday schedule
    (before the chinesecalendar package has it). Days not in the schedule follow the week.
    Every date counted provisionally in that year is recounted in the same transaction."""
    from datetime import date, timedelta

    from .parsing import parse_schedule

    if not is_centre_admin(actor):
        raise PermissionDenied(_("Only centre administrators may change the calendar."))
    last = CalendarDay.objects.order_by("-date").values_list("date", flat=True).first()
    errors = {}
    if last is not None and year != last.year + 1:
        errors["year"] = [_("The calendar ends in %(last)s; the next year to add is %(next)s.")
                          % {"last": last.year, "next": last.year + 1}]
    if not (document_number or "").strip():
        errors["document_number"] = [_("Give the number of the State Council's holiday notice.")]
    entries, schedule_errors = parse_schedule(schedule, year)
    if schedule_errors:
        errors["schedule"] = schedule_errors
    elif not any(not work for _d, work, _n in entries):
        errors["schedule"] = [_("The schedule lists no holiday; the clock does not guess a year from weekends.")]
    if errors:
        raise ValidationError(errors)
    listed = {d: (work, name) for d, work, name in entries}
    now = timezone.now()
    rows, day = [], date(year, 1, 1)
    while day.year == year:
        work, name = listed.get(day, (day.weekday() < 5, ""))
        rows.append(CalendarDay(date=day, is_workday=work, name=name, reason=_("Annual holiday schedule"),
                                document_number=document_number.strip(), changed_at=now, changed_by=actor))
        day += timedelta(days=1)
    CalendarDay.objects.bulk_create(rows)
    CalendarVersion.objects.filter(pk=1).update(version=F("version") + 1)
    selectors.forget_version()
    stamps.bump(stamps.PUBLIC)  # guides count in working days
    record(actor=actor, action="workdays.year.add", object_type="workdays.calendaryear", object_id=year,
           after={"year": year, "document_number": document_number.strip(), "schedule": schedule.strip()})
    reason = _("The official holiday schedule of %(year)s was entered (%(document)s).") % {
        "year": year, "document": document_number.strip()}
    return YearsAdded([year], len(rows), _recount(actor=actor, years=[year], reason=reason))


@transaction.atomic
def sync_from_package() -> YearsAdded:
    """Add the years the installed chinesecalendar knows beyond the calendar's last year (run by
    the operator after upgrading the package). Days already in the calendar are never touched,
    so a year an administrator entered by hand stays as entered. Dates counted provisionally
    in the years added are recounted in the same transaction."""
    from datetime import date

    from .source import days, known_range

    last = CalendarDay.objects.order_by("-date").values_list("date", flat=True).first()
    _first, package_last = known_range()
    if last is None or package_last <= last:
        return YearsAdded([], 0, Recount())
    start = date(last.year + 1, 1, 1)
    rows = [CalendarDay(date=d, is_workday=w, name=n) for d, w, n in days(start, package_last)]
    CalendarDay.objects.bulk_create(rows, batch_size=2000)
    CalendarVersion.objects.filter(pk=1).update(version=F("version") + 1)
    selectors.forget_version()
    stamps.bump(stamps.PUBLIC)  # guides count in working days
    years = list(range(start.year, package_last.year + 1))
    record(actor=None, action="workdays.year.sync", object_type="workdays.calendaryear",
           object_id=",".join(map(str, years)), after={"years": years, "source": "chinesecalendar"})
    reason = _("The official holiday schedule of %(year)s was synced from chinesecalendar.") % {
        "year": "、".join(map(str, years))}
    return YearsAdded(years, len(rows), _recount(actor=None, years=years, reason=reason))
