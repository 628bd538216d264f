"""Duty and attendance at the centre (B3, §四(四)3): the roster of the deputy heads in charge
(on site three times a week) and the approval section chiefs sitting at the window (科长坐班);
everyone's sign-in and sign-out; and each department's compliance for a month.

Compliance, per department and month:
- the deputy head in charge: in each week, as many days on site as the week has working days
  in the month, up to three; a day counts when a deputy head of the department signed in;
- the section chiefs: each rostered day met by the rostered person's sign-in;
- the window staff: each working day of the month up to today met by a sign-in.
A department without a deputy head on record, or without a shift on the roster, shows no data
for that line, never zero."""

from __future__ import annotations

import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shenpi.audit.services import record
from shenpi.core.exceptions import Refused
from shenpi.core.params import day as read_day
from shenpi.core.validation import require
from shenpi.org.models import Department, Staff
from shenpi.org.roles import is_centre_admin, is_staff_member
from shenpi.supervision.access import answers_for, department_of, is_watcher
from shenpi.workdays.selectors import current_calendar

from .models import Attendance, DutyShift

PER_WEEK = 3  # the deputy head in charge on site three times a week


def may_plan(user: Any, department_id: int | None) -> bool:
    return is_centre_admin(user) or answers_for(user, department_id)


@transaction.atomic
def plan_shift(*, actor: Any, person: Any, kind: Any, day: Any) -> DutyShift:
    pk = person.pk if hasattr(person, "pk") else person
    staff = Staff.objects.filter(user_id=pk if isinstance(pk, int) and not isinstance(pk, bool) else 0,
                                 user__is_active=True).select_related("user").first()
    if staff is not None and staff.department_id and not may_plan(actor, staff.department_id):
        raise Refused(_("Only the department's head or chief representative, or the centre, plans its duty."))
    errors: dict[str, list[str]] = {}
    if staff is None or not staff.department_id:
        errors["person"] = [_("A member of a department's staff.")]
    code = kind if isinstance(kind, str) and kind in DutyShift.Kind.values else ""
    if not code:
        errors["kind"] = [_("Choose the duty: deputy head on site or section chief at the window.")]
    elif staff is not None and staff.position != code:
        errors["person"] = [_("Only a %(position)s takes this duty.") % {"position": Staff.Position(code).label}]
    when = read_day(day)
    if when is None:
        errors["day"] = [_("A date, YYYY-MM-DD.")]
    elif not current_calendar().is_workday(when):
        errors["day"] = [_("%(day)s is not a working day.") % {"day": when.isoformat()}]
    require(errors)
    assert staff is not None and staff.department_id is not None and when is not None
    try:
        with transaction.atomic():
            shift = DutyShift.objects.create(department_id=staff.department_id, person=staff.user, kind=code,
                                             day=when, planned_by=actor)
    except IntegrityError:
        require({"day": [_("Already on the roster that day.")]})
    record(actor=actor, action="duty.plan", obj=shift, after={"person": staff.user_id, "kind": code,
                                                              "day": when.isoformat()})
    return shift


@transaction.atomic
def sign_in(*, actor: Any) -> Attendance:
    if not is_staff_member(actor):
        raise Refused(_("Only the centre's and departments' staff sign in."))
    now = timezone.now()
    found, made = Attendance.objects.get_or_create(
        person=actor, day=timezone.localdate(now),
        defaults={"signed_in_at": now, "department_id": department_of(actor)})
    if made:
        record(actor=actor, action="duty.sign_in", obj=found)
    return found


@transaction.atomic
def sign_out(*, actor: Any) -> Attendance:
    found = Attendance.objects.select_for_update().filter(person=actor, day=timezone.localdate()).first()
    if found is None:
        require({"attendance": [_("Sign in first.")]})
    assert found is not None
    found.signed_out_at = timezone.now()
    found.save(update_fields=["signed_out_at"])
    record(actor=actor, action="duty.sign_out", obj=found)
    return found


def month_bounds(key: Any, today: datetime.date) -> tuple[datetime.date, datetime.date] | None:
    if key in (None, ""):
        key = f"{today:%Y-%m}"
    if not isinstance(key, str) or len(key) != 7 or key[4] != "-" or not (key[:4] + key[5:]).isdigit():
        return None
    year, month = int(key[:4]), int(key[5:])
    if not (2000 <= year <= 2100 and 1 <= month <= 12):
        return None
    first = datetime.date(year, month, 1)
    after = datetime.date(year + month // 12, month % 12 + 1, 1)
    return first, after - datetime.timedelta(days=1)


def departments_for(user: Any) -> Any:
    qs = Department.objects.order_by("pk")
    if is_watcher(user):
        return qs
    own = department_of(user)
    return qs.filter(pk=own) if own and answers_for(user, own) else qs.none()


def report(user: Any, key: Any, *, today: datetime.date | None = None) -> dict[str, Any] | None:
    """Each department's compliance for the month (up to today), as the user may see it."""
    today = today or timezone.localdate()
    bounds = month_bounds(key, today)
    if bounds is None:
        return None
    first, last = bounds
    until = min(last, today)
    cal = current_calendar()
    days = [first + datetime.timedelta(days=n) for n in range((until - first).days + 1)] if until >= first else []
    workdays = [d for d in days if cal.is_workday(d)]
    departments = list(departments_for(user))
    ids = [d.pk for d in departments]
    staff = list(Staff.objects.filter(department_id__in=ids, user__is_active=True).values(
        "user_id", "department_id", "position", "window_id"))
    signed = set(Attendance.objects.filter(day__gte=first, day__lte=until, person_id__in=[s["user_id"] for s in staff])
                 .values_list("person_id", "day"))
    shifts = list(DutyShift.objects.filter(day__gte=first, day__lte=until, department_id__in=ids)
                  .select_related("person__staff"))
    weeks: dict[tuple[int, int], list[datetime.date]] = {}
    for d in workdays:
        weeks.setdefault(d.isocalendar()[:2], []).append(d)
    rows = []
    for dept in departments:
        mine = [s for s in staff if s["department_id"] == dept.pk]
        deputies = [s["user_id"] for s in mine if s["position"] == Staff.Position.DEPUTY_HEAD]
        deputy = None
        if deputies:
            required = sum(min(PER_WEEK, len(w)) for w in weeks.values())
            done = sum(min(min(PER_WEEK, len(w)), sum(1 for d in w if any((p, d) in signed for p in deputies)))
                       for w in weeks.values())
            deputy = {"done": done, "required": required}
        chief_shifts = [s for s in shifts if s.department_id == dept.pk and s.kind == DutyShift.Kind.SECTION_CHIEF]
        missed = [s for s in chief_shifts if (s.person_id, s.day) not in signed]
        chiefs = {"done": len(chief_shifts) - len(missed), "required": len(chief_shifts)} if chief_shifts else None
        window = [s["user_id"] for s in mine if s["window_id"]]
        windows = ({"done": sum(1 for p in window for d in workdays if (p, d) in signed),
                    "required": len(window) * len(workdays)} if window and workdays else None)
        deputy_missed = [s for s in shifts if s.department_id == dept.pk and s.kind == DutyShift.Kind.DEPUTY_HEAD
                         and (s.person_id, s.day) not in signed]
        rows.append({"department": dept, "deputy": deputy, "chiefs": chiefs, "windows": windows,
                     "missed": sorted(missed + deputy_missed, key=lambda s: s.day)})
    return {"month": f"{first:%Y-%m}", "first": first, "last": last, "until": until, "rows": rows,
            "workdays": len(workdays)}


def roster(user: Any, first: datetime.date, last: datetime.date) -> Any:
    """The shifts between two days, of the departments the user may see (everyone on staff
    reads the roster: who is on duty is no secret inside the centre)."""
    return (DutyShift.objects.filter(day__gte=first, day__lte=last).select_related("person__staff", "department")
            .order_by("day", "department_id", "kind"))


def people_on_duty(day: datetime.date) -> list[dict[str, Any]]:
    signed = set(Attendance.objects.filter(day=day).values_list("person_id", flat=True))
    return [{"shift": s, "signed_in": s.person_id in signed}
            for s in DutyShift.objects.filter(day=day).select_related("person__staff", "department")]

