"""Reads of cases, always scoped to who asks (design.md, Security)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from django.db.models import Exists, OuterRef, Q, QuerySet

from shenpi.org.models import Window
from shenpi.org.roles import Role, has_role, is_centre_admin
from shenpi.workdays import legal
from shenpi.workdays.selectors import current_calendar

from .lifecycle import State
from .models import Case, StepTask
from .permissions import staff_of

if TYPE_CHECKING:
    import datetime
    from collections.abc import Iterable

    from django.contrib.auth.models import User

    from shenpi.cases.models import CaseMaterial, StepTask
    from shenpi.catalog.models import Material
    from shenpi.workdays.calendar import WorkCalendar

# Looks like a whole case number: the centre's code (HY, HY-BDC), the day and a serial.
WHOLE_NUMBER = re.compile(r"[A-Z][A-Z0-9_-]*\d{12}")

RUNNING = (State.SUBMITTED, State.AWAITING_SUPPLEMENT, State.ACCEPTED, State.SUSPENDED)


def cases_visible_to(user: User) -> QuerySet[Case]:
    """Centre administrators, supervisors and leaders read every case; department staff their
    department's cases and the cases where they hold a step; a window clerk the cases of the
    items the window accepts; an applicant their own."""
    qs = Case.objects.select_related("item", "version", "department", "centre", "window")
    if not user or not user.is_authenticated:
        return qs.none()
    if is_centre_admin(user) or has_role(user, Role.SUPERVISOR, Role.LEADER):
        return qs
    staff = staff_of(user)
    if staff is None:
        return qs.filter(applicant_user=user)
    # No join that multiplies rows and no IN over the whole list: each case is tested by
    # itself (its own columns, then an index probe into its steps), so a list read newest first
    # along the index stops as soon as its page is full (issue 16).
    held = Q(assignee=user)
    if staff.department_id:
        held |= Q(department_id=staff.department_id)
    cond: Any = Exists(StepTask.objects.filter(held, case=OuterRef("pk")))
    if staff.department_id:
        cond = Q(department_id=staff.department_id) | cond
    if staff.window_id:
        accepted = Window.accept_items.through.objects.filter(window_id=staff.window_id).values("item_id")
        cond = cond | Q(item_id__in=accepted, centre_id=staff.window.centre_id)
    return qs.filter(cond)


def public_lookup(*, number: str, query_code: str) -> Case | None:
    """The applicant's lookup by case number and the query code on the receipt."""
    if not number or not query_code:
        return None
    return Case.objects.select_related("item", "version", "centre").filter(
        number=number.strip().upper(), query_code=query_code.strip().upper()).first()


def colour(remaining: int | None) -> str:
    """Green; yellow with 1 working day or less; red when overdue (issue 4, 4)."""
    if remaining is None:
        return ""
    if remaining < 0:
        return "red"
    return "yellow" if remaining <= 1 else "green"


# Which stored due date runs, and so warns, in which states.
CLOCKS = (
    ("acceptance", "acceptance_due", (State.SUBMITTED,)),  # Art. 32
    ("promised", "promised_due", (State.ACCEPTED,)),
    ("statutory", "statutory_due", (State.ACCEPTED,)),  # Art. 42
    ("delivery", "delivery_due", (State.APPROVED, State.DENIED)),  # Art. 44, awaiting delivery
)


def clock_view(case: Case, *, on: datetime.date | None = None, cal: WorkCalendar | None = None) -> dict:
    """Each of the case's stored due dates with the working days left and a colour while it
    runs, and whether it is provisional (counted before its year's holidays were known). The
    acceptance clock only while the case awaits acceptance, the delivery clock while a
    decided case awaits delivery."""
    from django.utils import timezone

    on = on or timezone.localdate()
    cal = cal or current_calendar()
    out = {}
    for name, field, running in CLOCKS:
        due = getattr(case, field)
        if name in ("acceptance", "delivery") and (due is None or case.state not in running):
            continue
        remaining = legal.remaining_workdays(cal, due, on) if due and case.state in running else None
        # The acceptance period's last day is red: after it the law has decided (Art. 32).
        shade = "red" if name == "acceptance" and remaining == 0 else colour(remaining)
        out[name] = {"due": due, "remaining": remaining, "colour": shade,
                     "overdue": -remaining if remaining is not None and remaining < 0 else 0,
                     "provisional": cal.is_provisional(due)}
    return out


def step_rows(steps: Iterable[StepTask], *, on: datetime.date, cal: WorkCalendar) -> list[dict]:
    """Open steps with the working days left and their colour. A suspended case's time is not
    counted (Art. 45): its steps' dates move when it resumes, so none is shown overdue."""
    rows = []
    for s in steps:
        remaining = None if s.case.state == State.SUSPENDED else legal.remaining_workdays(cal, s.due_on, on)
        rows.append({"step": s, "remaining": remaining, "colour": colour(remaining),
                     "overdue": -remaining if remaining is not None and remaining < 0 else 0})
    return rows


def provisional_dates(case: Case, cal: WorkCalendar) -> list[str]:
    """The names of the case's stored dates that are provisional (standards.md §1)."""
    return [f for f in Case.DUE_DATES if cal.is_provisional(getattr(case, f))]


def deemed_by_law(case: Case, on: datetime.date) -> bool:
    """Art. 32: accepted by law (from the day the materials were received), recorded or not."""
    return case.deemed_accepted or (case.state == State.SUBMITTED
                                    and legal.is_deemed_accepted(acceptance_due=case.acceptance_due, on=on))


def online_inbox(user: User) -> QuerySet[Case]:
    """网上预审: the online applications awaiting an answer from the windows this clerk's window
    stands for (its centre, the items it accepts), the oldest acceptance period first."""
    staff = staff_of(user)
    window = staff.window if staff else None
    if window is None:
        return Case.objects.none()
    return (Case.objects.filter(channel=Case.Channel.ONLINE, state=State.SUBMITTED, centre_id=window.centre_id,
                                item__accepting_windows=window.pk)
            .select_related("version", "claimed_by__staff").order_by("acceptance_due", "received_at"))


def inbox_rows(cases: Iterable[Case], *, on: datetime.date, cal: WorkCalendar) -> list[dict]:
    """Each application with its age in working days since its materials came in, and the
    working days left of the 5 for an answer (Art. 32): red on the last day and after."""
    rows = []
    for case in cases:
        left = legal.remaining_workdays(cal, case.acceptance_due, on)
        rows.append({"case": case, "age": legal.remaining_workdays(cal, on, case.clock_start), "left": left,
                     "colour": "" if left is None else "red" if left <= 0 else "yellow" if left == 1 else "green"})
    return rows


def materials_view(materials: Iterable[CaseMaterial], listed: Iterable[Material]) -> list[dict]:
    """The item's materials (`listed`, as the catalog orders them) with what the case has of
    each (`materials`: paper, files); and anything the case has that the catalog does not list."""
    have: dict[str, list] = {}
    for m in materials:
        have.setdefault(m.name, []).append(m)
    rows = [{"name": m.name, "requirement": m.requirement, "condition": m.condition, "originals": m.originals,
             "copies": m.copies, "received": have.pop(m.name, [])} for m in listed]
    rows += [{"name": name, "requirement": "", "condition": "", "received": got} for name, got in have.items()]
    return rows


def overdue_q(on: datetime.date | None) -> Q:
    """Cases past a running due date: acceptance (Art. 32), the promise, delivery (Art. 44)."""
    return (Q(state=State.SUBMITTED, acceptance_due__lt=on) | Q(state=State.ACCEPTED, promised_due__lt=on)
            | Q(state__in=(State.APPROVED, State.DENIED), delivery_due__lt=on))


def search_cases(user: User, *, q: str = "", item: str = "", department: int | None = None,
                 state: str = "", received_from: datetime.date | None = None, received_to: datetime.date | None = None,
                 overdue: bool = False, on: datetime.date | None = None) -> QuerySet[Case]:
    """The read-only search of supervisors, leaders and administrators (and of anyone over what
    they may see): number or applicant, item, department, state, received dates, overdue."""
    qs = cases_visible_to(user)
    exact = q.strip().upper()
    if q and WHOLE_NUMBER.fullmatch(exact) and Case.objects.filter(number=exact).exists():
        qs = qs.filter(number=exact)  # a whole case number: its unique index, not a scan of every case
    elif q:
        qs = qs.filter(Q(number__icontains=q) | Q(applicant_name__icontains=q))
    if item:
        qs = qs.filter(version__name__icontains=item)
    if department:
        qs = qs.filter(department_id=department)
    if state:
        qs = qs.filter(state=state)
    if received_from:
        qs = qs.filter(received_on__gte=received_from)
    if received_to:
        qs = qs.filter(received_on__lte=received_to)
    if overdue:
        qs = qs.filter(overdue_q(on))
    return qs.order_by("-received_at")


def lookup_failures(*, on: datetime.date, days: int = 7) -> dict:
    """Failed and refused public lookups over the last ``days`` days, for supervisors: totals,
    the case numbers most tried and the addresses trying most."""
    from datetime import timedelta

    from django.db.models import Sum

    from .models import LookupFailure
    rows = LookupFailure.objects.filter(day__gt=on - timedelta(days=days), day__lte=on)
    totals = rows.aggregate(failures=Sum("failures"), throttled=Sum("throttled"))
    tries = Sum("failures") + Sum("throttled")
    return {
        "days": days, "failures": totals["failures"] or 0, "throttled": totals["throttled"] or 0,
        "numbers": list(rows.values("number").annotate(tries=tries).order_by("-tries", "number")[:5]),
        "addresses": list(rows.values("address").annotate(tries=tries).order_by("-tries", "address")[:5]),
    }
