"""Overtime warnings on the clocks of complaints and poor ratings (notice §四(五)1 applied to
F1 and F2), as supervision warns on a case's: yellow when a due date is at most
SHENPI_WARNING_DAYS working days away, red once it has passed; each made once (a unique rule:
a second sweep, or two at once, make nothing new), with an SMS to the work mobiles of those who
must act: supervisors for a complaint's acceptance, the handling department's head or chief
representative and the complaint's handler for its reply, the rated department's head or chief
representative for a follow-up. One record that fails is that record's failure alone."""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from shenpi.cases.models import Outbox
from shenpi.core.sweeps import SweepResult, sweep
from shenpi.org.roles import Role
from shenpi.workdays.selectors import current_calendar

from .models import Complaint, FollowUp, Reminder


def _level(due: datetime.date, on: datetime.date, horizon: datetime.date) -> str | None:
    if on > due:
        return Reminder.Level.RED
    if due <= horizon:
        return Reminder.Level.YELLOW
    return None


def _phones(*, department_id: int | None = None, supervisors: bool = False, also: Any = None) -> list[str]:
    users = get_user_model().objects.filter(is_active=True)
    if supervisors:
        users = users.filter(groups__name=Role.SUPERVISOR)
    elif department_id is None:
        users = users.none()
    else:
        users = users.filter(staff__department_id=department_id, groups__name__in=(Role.DEPT_HEAD, Role.CHIEF_REP))
    phones = set(users.exclude(staff__phone="").values_list("staff__phone", flat=True))
    staff = getattr(also, "staff", None) if also is not None else None
    if staff and staff.phone:
        phones.add(staff.phone)
    return sorted(phones)


def _not_red(field: str, clock: str) -> Any:
    """Leaves out the records already warned red on this clock: nothing more to say of them."""
    return ~Exists(Reminder.objects.filter(**{field: OuterRef("pk")}, clock=clock, level=Reminder.Level.RED))


def _candidates(on: datetime.date, horizon: datetime.date) -> list[tuple]:
    """(clock, due, record) for every open clock due by the horizon and not yet warned red."""
    out: list[tuple] = []
    accept, reply = Reminder.Clock.ACCEPT, Reminder.Clock.REPLY
    for c in Complaint.objects.filter(_not_red("complaint", accept), status=Complaint.Status.RECEIVED,
                                      accept_due__lte=horizon):
        out.append((accept, c.accept_due, c))
    for c in Complaint.objects.filter(_not_red("complaint", reply), status=Complaint.Status.INVESTIGATING,
                                      reply_due__lte=horizon).select_related("assignee__staff"):
        out.append((reply, c.reply_due, c))
    open_follow_ups = FollowUp.objects.filter(rating__excluded=False, second_level__isnull=True).select_related(
        "rating__case")
    call_back, rectify = Reminder.Clock.CALL_BACK, Reminder.Clock.RECTIFY
    for f in open_follow_ups.filter(_not_red("follow_up", call_back), called_back_at__isnull=True,
                                    call_back_due__lte=horizon):
        out.append((call_back, f.call_back_due, f))
    for f in open_follow_ups.filter(_not_red("follow_up", rectify), rectified_at__isnull=True,
                                    rectify_due__lte=horizon):
        out.append((rectify, f.rectify_due, f))
    return out


def _warn(entry: tuple, on: datetime.date, horizon: datetime.date) -> bool:
    clock, due, record = entry
    level = _level(due, on, horizon)
    if level is None:
        return False
    complaint = record if isinstance(record, Complaint) else None
    subject = f"c{record.pk}" if complaint else f"f{record.pk}"
    department_id = (complaint.handling_department_id or complaint.against_department_id) if complaint \
        else record.department_id
    if Reminder.objects.filter(subject=subject, clock=clock, level=level).exists():
        return False
    try:
        with transaction.atomic():
            Reminder.objects.create(clock=clock, level=level, complaint=complaint,
                                    follow_up=None if complaint else record, subject=subject,
                                    department_id=department_id, due_on=due, on=on)
            if clock == Reminder.Clock.ACCEPT:
                phones = _phones(supervisors=True)
            else:
                phones = _phones(department_id=department_id, also=complaint.assignee if complaint else None)
            with translation.override(settings.LANGUAGE_CODE):
                what = (_("complaint %(number)s") % {"number": complaint.number} if complaint else
                        _("the poor rating of case %(number)s") % {"number": record.rating.case.number})
                text = (_("[%(centre)s] %(level)s: %(clock)s of %(what)s is due on %(due)s.") % {
                    "centre": settings.SHENPI["CENTRE_NAME"], "level": Reminder.Level(level).label,
                    "clock": Reminder.Clock(clock).label, "what": what, "due": due})
            Outbox.objects.bulk_create([Outbox(case=None if complaint else record.rating.case, phone=p, body=text)
                                        for p in phones])
    except IntegrityError:  # another sweep made it first
        return False
    return True


def sweep_reminders(on: datetime.date | None = None) -> SweepResult:
    on = on or timezone.localdate()
    horizon = current_calendar().add_workdays(on, settings.SHENPI_WARNING_DAYS)
    return sweep("sweep_feedback_warnings", _candidates(on, horizon), lambda entry: _warn(entry, on, horizon),
                 name=lambda entry: f"{entry[0]} {entry[2].pk}")
