"""The clock against a brute-force walk over chinese_calendar: identical on 10,000+ random cases.

Past the last year the package knows the walk counts Monday to Friday (standards.md §1: the
provisional year, and beyond it the estimate a legal act falls back on); before the first
known year there is nothing to count on and the clock refuses."""

from datetime import date, timedelta

import chinese_calendar
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shenpi.workdays.calendar import CalendarRangeError
from shenpi.workdays.source import known_range

FIRST, LAST = known_range()
# chinese_calendar answers each date once; the walks below step over its answers day by day.
WORKDAY = {FIRST + timedelta(days=i): chinese_calendar.is_workday(FIRST + timedelta(days=i))
           for i in range((LAST - FIRST).days + 1)}


def works(day: date) -> bool:
    return WORKDAY[day] if day <= LAST else day.weekday() < 5


def walk_add(day: date, n: int) -> date | None:
    """The n-th working day after ``day``, by stepping one day at a time; None before the known years."""
    step = 1 if n >= 0 else -1
    left = abs(n)
    while left:
        day += timedelta(days=step)
        if day < FIRST:
            return None
        if works(day):
            left -= 1
    return day


def walk_between(start: date, end: date) -> int:
    if end < start:
        return -walk_between(end, start)
    return sum(1 for i in range(1, (end - start).days + 1) if works(start + timedelta(days=i)))


@pytest.fixture
def cal(db):
    # Through the db fixture, so pytest-django runs these tests before any transactional test's
    # flush could empty the seeded calendar.
    from shenpi.workdays.selectors import current_calendar
    return current_calendar()


dates = st.dates(min_value=FIRST, max_value=date(LAST.year + 1, 12, 31))
SETTINGS = settings(max_examples=10_000, deadline=None, database=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


def test_calendar_covers_every_known_year_and_one_provisional_year(cal):
    assert cal.first == FIRST and cal.known_last == LAST and cal.last == date(LAST.year + 1, 12, 31)
    assert cal.years == (FIRST.year, LAST.year) and FIRST.year <= 2025 and LAST.year >= 2026
    assert cal.provisional_year == LAST.year + 1
    assert not cal.is_provisional(LAST) and cal.is_provisional(LAST + timedelta(days=1))


@SETTINGS
@given(day=dates, n=st.integers(min_value=-260, max_value=260))
def test_add_workdays_matches_the_walk(cal, day, n):
    expected = walk_add(day, n)
    if expected is None:
        with pytest.raises(CalendarRangeError):
            cal.add_workdays(day, n)
    else:
        result = cal.add_workdays(day, n)
        assert result == expected
        assert cal.is_provisional(result) == (result > LAST)


@SETTINGS
@given(start=dates, span=st.integers(min_value=-400, max_value=400))
def test_workdays_between_matches_the_walk(cal, start, span):
    end = start + timedelta(days=span)
    if end < FIRST:
        with pytest.raises(CalendarRangeError):
            cal.workdays_between(start, end)
    else:
        assert cal.workdays_between(start, end) == walk_between(start, end)


@settings(max_examples=2000, deadline=None, database=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(day=dates)
def test_is_workday_and_next_workday(cal, day):
    assert cal.is_workday(day) == (chinese_calendar.is_workday(day) if day <= LAST else day.weekday() < 5)
    assert cal.info(day).provisional == (day > LAST)
    assert cal.next_workday(day) == walk_add(day, 1)


@SETTINGS
@given(day=dates, n=st.integers(min_value=-260, max_value=260))
def test_the_strict_add_agrees_within_the_horizon_and_refuses_outside(cal, day, n):
    expected = walk_add(day, n)
    if expected is None or expected > cal.last:
        with pytest.raises(CalendarRangeError):
            cal.add_workdays_strict(day, n)
    else:
        assert cal.add_workdays_strict(day, n) == expected
