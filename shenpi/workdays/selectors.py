"""The calendar each process works with, reloaded when an administrator changes a day."""

import threading
from datetime import date
from functools import cache

from asgiref.local import Local
from django.core.signals import request_finished, request_started

from shenpi.core.sql import Statement, read_together, table

from .calendar import WorkCalendar
from .models import CalendarDay, CalendarVersion

_lock = threading.Lock()
_cached: WorkCalendar | None = None
# Within one request the calendar's version is read once: a page shows many dates, its parts
# each take the calendar, and a change made by another process shows from the next request.
_request = Local()


@cache
def calendar_version_sql() -> str:
    """The calendar's version as one hand-written statement, for nearly every page and for the
    case lock's read (docs/hot-path.md): the same as
    CalendarVersion.objects.order_by("id").values_list("version", flat=True).first()."""
    return f"SELECT v.version FROM {table(CalendarVersion)} v ORDER BY v.id LIMIT 1"


def calendar_version() -> int:
    """The calendar's version number: it moves with every change of a day or a year."""
    version = getattr(_request, "version", None)
    if version is not None:
        return version
    rows = read_together(Statement(calendar_version_sql()))[0]
    version = (rows[0][0] if rows else None) or 0
    if getattr(_request, "active", False):
        _request.version = version
    return version


def forget_version() -> None:
    """After this process changed the calendar: read its version again, even in this request."""
    _request.version = None


def _request_begins(**_kw: object) -> None:
    _request.active, _request.version = True, None


def _request_ends(**_kw: object) -> None:
    _request.active, _request.version = False, None


request_started.connect(_request_begins, dispatch_uid="workdays-calendar-version")
request_finished.connect(_request_ends, dispatch_uid="workdays-calendar-version")


def current_calendar(version: int | None = None) -> WorkCalendar:
    """The calendar as the database has it now: one small query to compare versions (or the
    version a caller read in its own statement), and a rebuild only after a change. Take it
    once per request or service call and do the arithmetic on it; its methods touch no
    database."""
    global _cached
    if version is None:
        version = calendar_version()
    cal = _cached
    if cal is None or cal.version != version:
        with _lock:
            cal = _cached
            if cal is None or cal.version != version:
                rows = CalendarDay.objects.order_by("date").values_list("date", "is_workday", "name")
                cal = _cached = WorkCalendar(rows.iterator(chunk_size=4000), version=version)
    return cal


def add_workdays(day: date, n: int) -> date:
    return current_calendar().add_workdays(day, n)


def workdays_between(start: date, end: date) -> int:
    return current_calendar().workdays_between(start, end)


def is_workday(day: date) -> bool:
    return current_calendar().is_workday(day)


def next_workday(day: date) -> date:
    return current_calendar().next_workday(day)
