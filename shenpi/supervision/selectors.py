"""Supervision's reads: the lights of open cases (E1), the dashboard's figures (E6), and the
cards, findings, orders and accountability records as each user may see them. Every figure
comes from range scans over the stored due dates or grouped index scans: its cost follows the
cases that matter, not the table (bench/sweep.py measures it on 1,000,000 cases)."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shenpi.cases.lifecycle import State
from shenpi.cases.models import Case, CaseEvent
from shenpi.org.models import Department
from shenpi.workdays.selectors import current_calendar

from . import tally
from .access import scoped
from .figures import by_day
from .models import Accountability, Card, Finding, Order

LIGHTS = ("green", "yellow", "red", "severe")
LIGHT_WORDS = {"green": _("Normal"), "yellow": _("Due soon"), "red": _("Overdue"),  # 正常 预警 超期
               "severe": _("Past the statutory limit")}  # 严重超期
WATCHED = tally.WATCHED
DECIDED = (State.APPROVED, State.DENIED)


def warning_horizon(on: datetime.date) -> datetime.date:
    return current_calendar().add_workdays(on, settings.SHENPI_WARNING_DAYS)


def light_q(light: str, on: datetime.date, soon: datetime.date | None = None) -> Q:
    """The cases in a light, as conditions over the stored due dates: severe, past the
    statutory limit; red, past a running due date (acceptance, the promise, delivery) but not
    the statutory one; yellow, a running due date within the warning days; green, the rest of
    the cases being handled or awaiting delivery (a suspended case's clock stands still); any,
    all of those."""
    soon = soon or warning_horizon(on)
    severe = Q(state=State.ACCEPTED, statutory_due__lt=on)
    red = (Q(state=State.SUBMITTED, acceptance_due__lt=on)
           | Q(state=State.ACCEPTED, promised_due__lt=on, statutory_due__gte=on)
           | Q(state__in=DECIDED, delivery_due__lt=on))
    yellow = (Q(state=State.SUBMITTED, acceptance_due__gte=on, acceptance_due__lte=soon)
              | Q(state=State.ACCEPTED, promised_due__gte=on, promised_due__lte=soon)
              | Q(state__in=DECIDED, delivery_due__gte=on, delivery_due__lte=soon))
    if light == "severe":
        return severe
    if light == "red":
        return red
    if light == "yellow":
        return yellow
    if light == "any":  # every case being watched, whatever its light
        return Q(state__in=WATCHED)
    return Q(state__in=WATCHED) & ~severe & ~red & ~yellow


def light_of(case: Case, on: datetime.date, soon: datetime.date) -> str:
    """The same lights for one case in hand (the pages' tags)."""
    s = case.state
    if s == State.ACCEPTED and case.statutory_due and case.statutory_due < on:
        return "severe"
    running: dict[str, datetime.date | None] = {
        State.SUBMITTED: case.acceptance_due, State.ACCEPTED: case.promised_due,
        State.APPROVED: case.delivery_due, State.DENIED: case.delivery_due}
    due = running.get(s)
    if due is None:
        return "green" if s in WATCHED else ""
    if due < on:
        return "red"
    return "yellow" if due <= soon else "green"


def _by_department(qs: Any) -> dict[int, int]:
    # COUNT(*), not COUNT(id): the (department, state) index answers it alone.
    return dict(qs.values_list("department_id").annotate(n=Count("*")).values_list("department_id", "n"))


def dashboard(user: Any, *, on: datetime.date, days: int = 30, weeks: int = 8) -> dict:
    """The figures of the dashboard and the big screen, over what the user may see."""
    soon = warning_horizon(on)
    since = on - datetime.timedelta(days=days)
    # The cases being watched and their lights by department, from their tally (a few thousand
    # rows however many cases are open), not from every open case (supervision.tally).
    lit = tally.lights(user, on, soon)
    watched = {r["department_id"]: r["n"] for r in lit}
    per_light = {light: {r["department_id"]: r[light] for r in lit} for light in ("yellow", "red", "severe")}
    # From the start of that day in the centre's time zone: a range over the stored instants
    # (their indexes), not a date computed from each row.
    start_of_since = datetime.datetime.combine(since, datetime.time(), timezone.get_current_timezone())
    cards = _by_department(scoped(Card.objects.filter(created_at__gte=start_of_since, withdrawn=False), user))
    findings = _by_department(scoped(Finding.objects.filter(found_at__gte=start_of_since), user))
    names = dict(Department.objects.values_list("pk", "short_name"))
    full = dict(Department.objects.values_list("pk", "name"))
    departments: list[dict[str, Any]] = []
    for pk in sorted(set(watched) | set(cards) | set(findings), key=lambda d: -watched.get(d, 0)):
        row: dict[str, Any] = {"id": pk, "name": names.get(pk) or full.get(pk, ""), "open": watched.get(pk, 0),
               "cards": cards.get(pk, 0), "findings": findings.get(pk, 0)}
        for light in ("yellow", "red", "severe"):
            row[light] = per_light[light].get(pk, 0)
        row["green"] = row["open"] - row["yellow"] - row["red"] - row["severe"]
        departments.append(row)
    lights = {light: sum(d[light] for d in departments) for light in LIGHTS}

    # The days' figures: received and decided, within the limits, the share of the promised
    # limit used; made once for the days that are over, counted live for today (figures.py).
    start = on - datetime.timedelta(days=7 * weeks - 1)
    days_figures = by_day(user, min(since, start), on)
    total = on_time = within_law = 0
    used: dict[int, list[float]] = {}
    received: dict[datetime.date, int] = {}
    decided_weekly: dict[datetime.date, int] = {}
    for day, per_department in days_figures.items():
        monday = day - datetime.timedelta(days=day.weekday())
        for dept, f in per_department.items():
            if since <= day:
                total, on_time, within_law = total + f.decided, on_time + f.on_time, within_law + f.within_law
                if f.used_n:
                    sums = used.setdefault(dept, [0.0, 0])
                    sums[0] += f.used_sum
                    sums[1] += f.used_n
            if start <= day:
                received[monday] = received.get(monday, 0) + f.received
                decided_weekly[monday] = decided_weekly.get(monday, 0) + f.decided
    for row in departments:
        share_sum, count = used.get(row["id"], (0.0, 0))
        row["used"] = round(100 * share_sum / count) if count else None

    def weekly(qs: Any, field: str) -> dict[datetime.date, int]:
        """Counts per week, from counts per day (grouped on the indexed date itself, which an
        index-only scan answers, then added up here)."""
        rows = (qs.filter(**{f"{field}__gte": start, f"{field}__lte": on}).order_by()
                .values_list(field).annotate(n=Count("*")).values_list(field, "n"))
        weeks: dict[datetime.date, int] = {}
        for day, n in rows:
            monday = day - datetime.timedelta(days=day.weekday())
            weeks[monday] = weeks.get(monday, 0) + n
        return weeks
    cards_weekly = weekly(scoped(Card.objects.filter(withdrawn=False), user), "on")
    monday = start - datetime.timedelta(days=start.weekday())
    week_list = [monday + datetime.timedelta(weeks=i) for i in range(weeks + 1) if monday + datetime.timedelta(weeks=i) <= on]
    trend = [{"week": w, "received": received.get(w, 0), "decided": decided_weekly.get(w, 0),
              "cards": cards_weekly.get(w, 0)} for w in week_list]
    return {"on": on, "lights": lights, "departments": departments, "days": days,
            "decided": total, "on_time": on_time, "within_law": within_law,
            "on_time_rate": round(100 * on_time / total, 1) if total else None,
            "within_law_rate": round(100 * within_law / total, 1) if total else None,
            "trend": trend}


def cards_for(user: Any, *, level: str = "", clock: str = "", department: int | None = None,
              appealed: bool = False) -> Any:
    qs = scoped(Card.objects.select_related("case", "case__version", "responsible__staff", "department", "step"), user)
    if level:
        qs = qs.filter(level=level)
    if clock:
        qs = qs.filter(clock=clock)
    if department:
        qs = qs.filter(department_id=department)
    if appealed:
        qs = qs.filter(appeal__isnull=False)
    return qs.order_by("-created_at")


def findings_for(user: Any, *, category: str = "", severity: str = "", rule: str = "", department: int | None = None,
                 found_from: datetime.date | None = None, found_to: datetime.date | None = None) -> Any:
    qs = scoped(Finding.objects.select_related("case", "case__version", "person__staff", "department", "event"), user)
    if category:
        qs = qs.filter(category=category)
    if severity:
        qs = qs.filter(severity=severity)
    if rule:
        qs = qs.filter(rule=rule)
    if department:
        qs = qs.filter(department_id=department)
    if found_from:
        qs = qs.filter(found_at__date__gte=found_from)
    if found_to:
        qs = qs.filter(found_at__date__lte=found_to)
    return qs.order_by("-found_at")


def orders_for(user: Any, *, status: str = "") -> Any:
    qs = scoped(Order.objects.select_related("case", "department", "issued_by__staff", "replied_by__staff"), user)
    return (qs.filter(status=status) if status else qs).order_by("-issued_at")


def accountability_for(user: Any, *, person: int | None = None) -> Any:
    qs = scoped(Accountability.objects.select_related("person__staff", "department", "case", "recorded_by__staff"),
                user)
    return (qs.filter(person_id=person) if person else qs).order_by("-recorded_at")


VIDEO_BEFORE, VIDEO_AFTER = datetime.timedelta(minutes=2), datetime.timedelta(minutes=5)
AT_WINDOW = {"submit", "accept", "supplement", "resubmit", "refuse", "decide", "deliver", "withdraw"}


def event_videos(case: Case, events: Iterable[CaseEvent] | None = None) -> dict[int, str]:
    """Each event's recording (E1): the window camera of the clerk who acted, or for an act at
    the window by no one in particular, the case's window, from two minutes before the event to
    five after (times as YYYYMMDDhhmmss in the centre's zone). The events read with their
    actors' staff and windows may be given, so a page that lists them reads them once."""
    from django.utils import timezone
    out = {}
    if events is None:
        events = case.event_list("actor__staff__window")
    for e in events:
        staff = getattr(e.actor, "staff", None) if e.actor_id else None
        window = staff.window if staff and staff.window_id else None
        if window is None and e.action in AT_WINDOW and case.window_id and not (staff and e.actor_id):
            window = case.window
        template = window.video_url_template if window else ""
        if not template:
            continue
        at = timezone.localtime(e.at)
        out[e.seq] = template.replace("{start}", f"{at - VIDEO_BEFORE:%Y%m%d%H%M%S}").replace(
            "{end}", f"{at + VIDEO_AFTER:%Y%m%d%H%M%S}")
    return out
