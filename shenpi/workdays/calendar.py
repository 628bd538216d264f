"""Working-day arithmetic in constant time.

The calendar is held as three arrays over the known days: a working flag per day, the count
of working days up to and including each day, and the dates of the working days in order.
Adding N working days or counting them between two dates is then two index look-ups.

Conventions (standards.md §1, general rule of periods): the day a period starts from is not
counted; "N working days from D" ends on the N-th working day after D.
"""

from bisect import bisect_right
from dataclasses import dataclass
from datetime import date, timedelta


class CalendarRangeError(ValueError):
    """A date outside the years the calendar knows: the clock refuses rather than guess."""

    def __init__(self, day: date, first: date, last: date):
        self.day, self.first, self.last = day, first, last
        super().__init__(
            f"{day.isoformat()} is outside the working-day calendar, which knows "
            f"{first.year}–{last.year} ({first.isoformat()} to {last.isoformat()})")


@dataclass(frozen=True)
class DayInfo:
    date: date
    is_workday: bool
    name: str

    @property
    def is_swapped_workday(self) -> bool:
        return self.is_workday and self.date.weekday() >= 5


class WorkCalendar:
    __slots__ = ("version", "first", "last", "_first_ord", "_size", "_flags", "_cum", "_dates", "_count", "_names")

    def __init__(self, days, *, version: int = 0):
        """``days``: (date, is_workday, name) for every date of a contiguous range, in order."""
        days = list(days)
        if not days:
            raise ValueError("the working-day calendar is empty")
        self.version = version
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

    # --- look-ups ------------------------------------------------------------------------

    def _index(self, day: date) -> int:
        i = day.toordinal() - self._first_ord
        if not 0 <= i < self._size:
            raise CalendarRangeError(day, self.first, self.last)
        return i

    def is_workday(self, day: date) -> bool:
        return self._flags[self._index(day)]

    def info(self, day: date) -> DayInfo:
        return DayInfo(day, self._flags[self._index(day)], self._names.get(day, ""))

    def add_workdays(self, day: date, n: int) -> date:
        """The n-th working day after ``day`` (before it for negative n); ``day`` itself for 0."""
        i = day.toordinal() - self._first_ord
        if n > 0 and 0 <= i < self._size:  # the common case, kept to a few operations
            k = self._cum[i] + n
            if k <= self._count:
                return self._dates[k - 1]
            raise CalendarRangeError(self.last + timedelta(days=1), self.first, self.last)
        i = self._index(day)
        if n == 0:
            return day
        before = self._cum[i] - self._flags[i]  # working days strictly before ``day``
        k = before + n  # 0-based index of the target among working days
        if k < 0:
            raise CalendarRangeError(self.first - timedelta(days=1), self.first, self.last)
        return self._dates[k]

    def workdays_between(self, start: date, end: date) -> int:
        """Working days after ``start`` up to and including ``end`` (negative when end < start)."""
        return self._cum[self._index(end)] - self._cum[self._index(start)]

    def next_workday(self, day: date) -> date:
        """The first working day after ``day``."""
        return self.add_workdays(day, 1)

    def workday_on_or_after(self, day: date) -> date:
        i = self._index(day)
        if self._flags[i]:
            return day
        return self.add_workdays(day, 1)

    def workdays_in(self, start: date, end: date) -> list[date]:
        """The working days from ``start`` to ``end``, both included."""
        self._index(start)
        self._index(end)
        return self._dates[bisect_right(self._dates, start - timedelta(days=1)):bisect_right(self._dates, end)]

    @property
    def years(self) -> tuple[int, int]:
        return self.first.year, self.last.year
