"""The official schedule as the ``chinesecalendar`` package knows it."""

from datetime import date, timedelta

import chinese_calendar
from chinese_calendar import constants

CHINESE_NAMES = {h.value: h.chinese for h in constants.Holiday}


def known_range() -> tuple[date, date]:
    years = [d.year for d in constants.holidays]
    return date(min(years), 1, 1), date(max(years), 12, 31)


def days(first: date | None = None, last: date | None = None):
    """(date, is_workday, Chinese holiday name) for every date the package knows."""
    lo, hi = known_range()
    day, last = first or lo, last or hi
    while day <= last:
        work = chinese_calendar.is_workday(day)
        _holiday, name = chinese_calendar.get_holiday_detail(day)
        yield day, work, CHINESE_NAMES.get(name, name or "")
        day += timedelta(days=1)
