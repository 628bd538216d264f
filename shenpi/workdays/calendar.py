"""Working-day arithmetic in constant time.

The calendar is held as three arrays over the known days: a working flag per day, the count
of working days up to and including each day, and the dates of the working days in order.
Adding N working days or counting them between two dates is then two index look-ups.

Conventions (standards.md §1, general rule of periods): the day a period starts from is not
counted; "N working days from D" ends on the N-th working day after D.

Next year before its official schedule is known (standards.md §1): the year after the last
known one is counted Monday to Friday with no holidays, and every date after the last known
day is **provisional** (``is_provisional``): whatever reaches into that year was counted
without its holidays. That one year is the calendar's horizon: the shell and the public clock
refuse beyond it (``require``). The law does not wait for the calendar, so the arithmetic
itself never refuses a date after the first known year: past the horizon it goes on counting
Monday to Friday, logs that it did, and the date is provisional like the others.
"""

import logging
from bisect import bisect_right
from dataclasses import dataclass
from datetime import date, timedelta

from shenpi.core.exceptions import CalendarUnavailable

log = logging.getLogger(__name__)

# How far past the horizon the arithmetic keeps counting weekdays when the calendar is stale.
ESTIMATE_YEARS = 30


class CalendarRangeError(CalendarUnavailable):
    """A date outside the calendar's horizon (its known years and the one provisional year
    after them): the shell and the public clock refuse rather than guess further."""

    def __init__(self, day: date, first: date, last: date, known_last: date | None = None):
        self.day, self.first, self.last = day, first, last
        self.known_last = known_last or last
        super().__init__(
            f"{day.isoformat()} is outside the working-day calendar, which knows "
            f"{first.year}–{self.known_last.year} and counts up to {last.isoformat()} "
            f"({first.isoformat()} to {last.isoformat()})")

    def user_message(self) -> str:
        from .parsing import range_message
        return range_message(self)


@dataclass(frozen=True)
class DayInfo:
    date: date
    is_workday: bool
    name: str
    provisional: bool = False

    @property
    def is_swapped_workday(self) -> bool:
        return self.is_workday and self.date.weekday() >= 5


def weekdays(first: date, last: date):
    """(date, is_workday, name) for every date from first to last, Monday to Friday working:
    how a year is counted before its official schedule is known."""
    day = first
    while day <= last:
        yield day, day.weekday() < 5, ""
        day += timedelta(days=1)


class WorkCalendar:
    __slots__ = ("version", "first", "last", "known_last", "_first_ord", "_size", "_flags", "_cum", "_dates",
                 "_count", "_names", "_wide")

    def __init__(self, days, *, version: int = 0, provisional: bool = True):
        """``days``: (date, is_workday, name) for every date of a contiguous range, in order.
        With ``provisional``, the year after the last one is counted Monday to Friday."""
        days = list(days)
        if not days:
            raise ValueError("the working-day calendar is empty")
        self.version = version
        self.known_last = days[-1][0]
        if provisional:
            days += weekdays(self.known_last + timedelta(days=1), date(self.known_last.year + 1, 12, 31))
        self._wide: WorkCalendar | None = None
        self.first = days[0][0]
        self.last = days[-1][0]
        self._first_ord = self.first.toordinal()
        self._size = len(days)
        if self.last.toordinal() - self._first_ord + 1 != self._size:
            raise ValueError("the working-day calendar has gaps")
        flags, cum, dates, names = [], [], [], {}
        count = 0
        for d, work, name in days:
            flags.append(bool(work))
            if work:
                count += 1
                dates.append(d)
            cum.append(count)
            if name:
                names[d] = name
        self._flags, self._cum, self._dates, self._count, self._names = flags, cum, dates, count, names

    # --- the horizon ---------------------------------------------------------------------

    def is_provisional(self, day: date | None) -> bool:
        """Whether a date lies after the last day whose official schedule is known: a due date
        there was counted without that year's holidays (暂定)."""
        return day is not None and day > self.known_last

    def require(self, *days: date) -> None:
        """Refuse (CalendarRangeError) a date outside the horizon: for the shell and the public
        clock, which answer questions; a legal act never calls this."""
        for day in days:
            self._index(day)

    def _error(self, day: date) -> CalendarRangeError:
        return CalendarRangeError(day, self.first, self.last, self.known_last)

    def _estimate(self, day: date) -> "WorkCalendar":
        """This calendar with weekdays counted far past its horizon, for a period the stale
        calendar cannot hold (built once per calendar, and only when needed)."""
        if day < self.first or self._wide is self:
            raise self._error(day)  # before the first known year, or past even the estimate
        if self._wide is None:
            log.warning("working-day calendar: counting Monday to Friday past %s, the end of the provisional "
                        "year; enter the missing years' holiday schedules", self.last.isoformat())
            known = [(self.first + timedelta(days=i), self._flags[i],
                      self._names.get(self.first + timedelta(days=i), ""))
                     for i in range(self.known_last.toordinal() - self._first_ord + 1)]
            known += weekdays(self.known_last + timedelta(days=1), date(self.last.year + ESTIMATE_YEARS, 12, 31))
            wide = WorkCalendar(known, version=self.version, provisional=False)
            wide.known_last, wide._wide = self.known_last, wide
            self._wide = wide
        return self._wide

    # --- look-ups ------------------------------------------------------------------------

    def _index(self, day: date) -> int:
        i = day.toordinal() - self._first_ord
        if not 0 <= i < self._size:
            raise self._error(day)
        return i

    def is_workday(self, day: date) -> bool:
        i = day.toordinal() - self._first_ord
        if not 0 <= i < self._size:
            return self._estimate(day).is_workday(day)
        return self._flags[i]

    def info(self, day: date) -> DayInfo:
        i = day.toordinal() - self._first_ord
        if not 0 <= i < self._size:
            return self._estimate(day).info(day)
        return DayInfo(day, self._flags[i], self._names.get(day, ""), day > self.known_last)

    def add_workdays(self, day: date, n: int) -> date:
        """The n-th working day after ``day`` (before it for negative n); ``day`` itself for 0.
        Never refuses a day after the first known one: past the horizon it counts weekdays."""
        i = day.toordinal() - self._first_ord
        if n > 0 and 0 <= i < self._size:  # the common case, kept to a few operations
            k = self._cum[i] + n
            if k <= self._count:
                return self._dates[k - 1]
            return self._estimate(day).add_workdays(day, n)
        if not 0 <= i < self._size:
            return self._estimate(day).add_workdays(day, n)
        if n == 0:
            return day
        before = self._cum[i] - self._flags[i]  # working days strictly before ``day``
        k = before + n  # 0-based index of the target among working days
        if k < 0:
            raise self._error(self.first - timedelta(days=1))
        return self._dates[k]

    def add_workdays_strict(self, day: date, n: int) -> date:
        """As add_workdays, but a period reaching outside the horizon is refused (CalendarRangeError)
        instead of estimated: for the shell and the public clock, which answer questions."""
        i = self._index(day)
        if n == 0:
            return day
        k = self._cum[i] + n - 1 if n > 0 else self._cum[i] - self._flags[i] + n  # 0-based among working days
        if k >= self._count:
            raise self._error(self.last + timedelta(days=1))
        if k < 0:
            raise self._error(self.first - timedelta(days=1))
        return self._dates[k]

    def workdays_between(self, start: date, end: date) -> int:
        """Working days after ``start`` up to and including ``end`` (negative when end < start).
        Never refuses days after the first known one (see add_workdays)."""
        i, j = start.toordinal() - self._first_ord, end.toordinal() - self._first_ord
        if 0 <= i < self._size and 0 <= j < self._size:
            return self._cum[j] - self._cum[i]
        return self._estimate(min(start, end)).workdays_between(start, end)

    def next_workday(self, day: date) -> date:
        """The first working day after ``day``."""
        return self.add_workdays(day, 1)

    def workday_on_or_after(self, day: date) -> date:
        if self.is_workday(day):
            return day
        return self.add_workdays(day, 1)

    def workdays_in(self, start: date, end: date) -> list[date]:
        """The working days from ``start`` to ``end``, both included (within the horizon)."""
        self.require(start, end)
        return self._dates[bisect_right(self._dates, start - timedelta(days=1)):bisect_right(self._dates, end)]

    @property
    def years(self) -> tuple[int, int]:
        """The first and last year whose official schedule the calendar holds."""
        return self.first.year, self.known_last.year

    @property
    def provisional_year(self) -> int | None:
        """The year counted Monday to Friday until its schedule is entered (None: none)."""
        return self.last.year if self.last > self.known_last else None
