"""The dashboard's figures of the days that are over, made once (issue 16).

The supervision dashboard and the big screen show, over the last 30 days and 8 weeks, how many
cases were received and decided, how many decisions kept the promised and the statutory limit,
and the share of the promised limit they used. Counted live, each refresh reads every case
received or decided in those weeks: hundreds a day in a city, tens of thousands in a province.
A day that is over does not change, so a sweep counts it once per department (`DayFigures`)
and the dashboard adds those rows up, counting live only the days not made yet: today, a day
never made, a day made before it was over (and an hour more, for the transactions that were
still committing at midnight), and a day made under another version of the calendar (the
share of a limit used counts working days). The figures are the live count's, made sooner
(tests/supervision/test_figures.py). They are derived from the cases, like an index: the
sweep that makes them is not audited, and they may be dropped and made again at any time.
"""

from __future__ import annotations

import datetime
from dataclasses import asdict, dataclass
from typing import Any

from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from shenpi.cases.models import Case
from shenpi.core.sweeps import SweepResult, sweep
from shenpi.workdays.selectors import calendar_version, current_calendar

from .access import scoped
from .models import DayFigures, FiguresDay

KEEP_DAYS = 70  # the dashboard reads 30 days of decisions and a trend of 8 weeks
SETTLE = datetime.timedelta(hours=1)
PER_RUN = 31  # days a sweep makes at most (the first run after an upgrade takes three)


@dataclass
class Figures:
    received: int = 0
    decided: int = 0
    on_time: int = 0
    within_law: int = 0
    used_sum: float = 0.0
    used_n: int = 0


Days = dict[datetime.date, dict[int, Figures]]


def counted(cases: Any, first: datetime.date, last: datetime.date) -> Days:
    """Each day's figures from first to last, department by department, counted from the cases
    (grouped in the database: a department decides many cases a day against the same dates)."""
    out: Days = {}

    def at(day: datetime.date, department: int) -> Figures:
        return out.setdefault(day, {}).setdefault(department, Figures())

    for department, day, n in (cases.filter(received_on__gte=first, received_on__lte=last).order_by()
                               .values_list("department_id", "received_on").annotate(n=Count("*"))
                               .values_list("department_id", "received_on", "n")):
        at(day, department).received += n
    cal = current_calendar()
    for department, day, promised, statutory, accepted, limit, n in (
            cases.filter(decided_on__gte=first, decided_on__lte=last).order_by()
            .values_list("department_id", "decided_on", "promised_due", "statutory_due", "accepted_on",
                         "promised_limit").annotate(n=Count("*"))):
        f = at(day, department)
        f.decided += n
        if promised is None or day <= promised:
            f.on_time += n
        if statutory is None or day <= statutory:
            f.within_law += n
        if accepted and limit:
            f.used_sum += cal.workdays_between(accepted, day) / limit * n
            f.used_n += n
    return out


def _settled(day: datetime.date, made_at: datetime.datetime) -> bool:
    ended = datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time(),
                                      timezone.get_current_timezone())
    return made_at >= ended + SETTLE


def _made(first: datetime.date, last: datetime.date) -> set[datetime.date]:
    """The days from first to last whose made figures hold."""
    version = calendar_version()
    return {day for day, made_at, calendar in FiguresDay.objects.filter(day__gte=first, day__lte=last)
            .values_list("day", "made_at", "calendar") if calendar == version and _settled(day, made_at)}


def by_day(user: Any, first: datetime.date, last: datetime.date) -> Days:
    """The figures of each day from first to last, of what the user may see: made ones where
    they hold, counted ones for the rest."""
    made = _made(first, last)
    out: Days = {}
    for row in scoped(DayFigures.objects.filter(day__gte=first, day__lte=last), user).values():
        if row["day"] in made:
            out.setdefault(row["day"], {})[row["department_id"]] = Figures(**{
                k: row[k] for k in ("received", "decided", "on_time", "within_law", "used_sum", "used_n")})
    missing = [first + datetime.timedelta(days=i) for i in range((last - first).days + 1)]
    missing = [day for day in missing if day not in made]
    if missing:
        live = counted(scoped(Case.objects.all(), user), missing[0], missing[-1])
        for day in missing:
            if day in live:
                out[day] = live[day]
    return out


def make_days(on: datetime.date | None = None) -> SweepResult:
    """Make the figures of the last KEEP_DAYS days that are over and not made yet (or made too
    early, or under another calendar), at most PER_RUN of them."""
    today = on or timezone.localdate()
    first = today - datetime.timedelta(days=KEEP_DAYS)
    yesterday = today - datetime.timedelta(days=1)
    made = _made(first, yesterday)
    due = [day for day in (first + datetime.timedelta(days=i) for i in range(KEEP_DAYS)) if day not in made]

    def make(day: datetime.date) -> int:
        made_at, version = timezone.now(), calendar_version()  # before counting: what commits later is not in it
        figures = counted(Case.objects.all(), day, day).get(day, {})
        with transaction.atomic():
            DayFigures.objects.filter(day=day).delete()
            DayFigures.objects.bulk_create([DayFigures(day=day, department_id=department, **asdict(f))
                                            for department, f in figures.items()])
            FiguresDay.objects.update_or_create(day=day, defaults={"made_at": made_at, "calendar": version})
        return 1
    return sweep("day-figures", due[:PER_RUN], make, name=lambda day: day.isoformat())
