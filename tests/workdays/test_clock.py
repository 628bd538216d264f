"""Hand-written cases around the 2025 and 2026 holidays, and the law's own cases."""

import io
from datetime import date

import pytest
from django.core.management import call_command

from shenpi.workdays import legal
from shenpi.workdays.calendar import CalendarRangeError
from shenpi.workdays.legal import CaseClock, Suspension

D = date


@pytest.fixture
def cal(db):
    from shenpi.workdays.selectors import current_calendar
    return current_calendar()


@pytest.mark.parametrize("day, n, expected", [
    # Spring Festival 2025: 1-28 to 2-4 off; Sunday 1-26 and Saturday 2-8 worked (调休).
    (D(2025, 1, 24), 1, D(2025, 1, 26)),
    (D(2025, 1, 26), 1, D(2025, 1, 27)),
    (D(2025, 1, 27), 1, D(2025, 2, 5)),
    (D(2025, 2, 7), 1, D(2025, 2, 8)),
    (D(2025, 1, 30), 1, D(2025, 2, 5)),    # from inside the holiday
    (D(2025, 2, 5), -1, D(2025, 1, 27)),
    # National Day 2025: 10-1 to 10-8 off; Sunday 9-28 and Saturday 10-11 worked.
    (D(2025, 9, 26), 1, D(2025, 9, 28)),
    (D(2025, 9, 30), 1, D(2025, 10, 9)),
    (D(2025, 9, 28), 5, D(2025, 10, 11)),
    # Spring Festival 2026: 2-15 to 2-23 off; Saturdays 2-14 and 2-28 worked.
    (D(2026, 2, 13), 1, D(2026, 2, 14)),
    (D(2026, 2, 14), 1, D(2026, 2, 24)),
    (D(2026, 2, 27), 1, D(2026, 2, 28)),
    (D(2026, 2, 28), 1, D(2026, 3, 2)),
    # National Day 2026: 10-1 to 10-7 off; Sunday 9-20 and Saturday 10-10 worked.
    (D(2026, 9, 18), 1, D(2026, 9, 20)),
    (D(2026, 9, 30), 1, D(2026, 10, 8)),
    (D(2026, 10, 9), 1, D(2026, 10, 10)),
    (D(2026, 10, 10), 1, D(2026, 10, 12)),
    # n = 0 is the day itself, working or not.
    (D(2026, 2, 17), 0, D(2026, 2, 17)),
])
def test_add_around_holidays(cal, day, n, expected):
    assert cal.add_workdays(day, n) == expected


@pytest.mark.parametrize("start, end, expected", [
    (D(2025, 1, 27), D(2025, 2, 10), 5),   # 2-5, 2-6, 2-7, 2-8 (Sat, worked), 2-10
    (D(2025, 9, 27), D(2025, 10, 12), 6),  # 9-28 (Sun), 9-29, 9-30, 10-9, 10-10, 10-11 (Sat)
    (D(2026, 2, 13), D(2026, 2, 24), 2),   # 2-14 (Sat, worked), 2-24
    (D(2026, 2, 14), D(2026, 2, 14), 0),
    (D(2026, 2, 24), D(2026, 2, 13), -2),
])
def test_between_around_holidays(cal, start, end, expected):
    assert cal.workdays_between(start, end) == expected


@pytest.mark.parametrize("day, workday, name", [
    (D(2025, 1, 26), True, "春节"), (D(2025, 2, 8), True, "春节"), (D(2025, 1, 29), False, "春节"),
    (D(2025, 9, 28), True, "国庆节"), (D(2025, 10, 11), True, "国庆节"), (D(2025, 10, 6), False, "中秋"),
    (D(2026, 2, 14), True, "春节"), (D(2026, 2, 28), True, "春节"), (D(2026, 2, 17), False, "春节"),
    (D(2026, 9, 20), True, "国庆节"), (D(2026, 10, 10), True, "国庆节"), (D(2026, 10, 1), False, "国庆节"),
    (D(2026, 3, 7), False, ""), (D(2026, 3, 9), True, ""),
])
def test_day_info(cal, day, workday, name):
    info = cal.info(day)
    assert (info.is_workday, info.name) == (workday, name)
    assert info.is_swapped_workday == (workday and day.weekday() >= 5)


def test_outside_the_horizon_require_refuses_with_the_years(cal):
    """The shell and the public clock refuse before the first known year and past the one
    provisional year; the message names both."""
    first, last = cal.years
    for bad in (D(first - 1, 12, 31), D(last + 2, 1, 1)):
        with pytest.raises(CalendarRangeError, match=f"{first}–{last}") as e:
            cal.require(bad)
        assert e.value.known_last == D(last, 12, 31) and e.value.last == D(last + 1, 12, 31)
    cal.require(D(last + 1, 1, 1), D(last + 1, 12, 31))  # the provisional year is within
    with pytest.raises(CalendarRangeError):
        cal.is_workday(D(first - 1, 12, 31))  # nothing to count on before the first year
    with pytest.raises(CalendarRangeError):
        cal.add_workdays(D(first, 1, 3), -5)


def test_the_provisional_year_counts_monday_to_friday_and_is_marked(cal):
    _first, last = cal.years
    nxt = last + 1
    jan1 = D(nxt, 1, 1)
    # Whatever the real schedule of the next year will be, it is counted by the week until known.
    assert cal.is_workday(jan1) == (jan1.weekday() < 5) and cal.info(jan1).provisional
    assert not cal.info(D(last, 12, 31)).provisional
    due = cal.add_workdays(D(last, 12, 28), 5)
    assert due.year == nxt and cal.is_provisional(due)
    assert cal.workdays_between(D(last, 12, 31), D(nxt, 1, 31)) == sum(
        1 for i in range(1, 32) if D(nxt, 1, i).weekday() < 5)


def test_a_legal_period_past_the_horizon_is_still_counted_and_logged(db, caplog, monkeypatch):
    """No legal act waits for the calendar: past the provisional year the arithmetic goes on by
    the week, says so in the log, and the date is provisional."""
    from shenpi.workdays import selectors
    # A calendar of its own: a calendar says this once, and the process's shared one may have
    # said it already in an earlier test.
    monkeypatch.setattr(selectors, "_cached", None)
    cal = selectors.current_calendar()
    _first, last = cal.years
    start = D(last + 1, 12, 20)
    with caplog.at_level("WARNING", logger="shenpi.workdays.calendar"):
        due = cal.add_workdays(start, 10)
    assert due.year == last + 2 and due.weekday() < 5 and cal.is_provisional(due)
    assert cal.workdays_between(start, due) == 10
    assert "enter the missing years" in caplog.text


# --- the law's cases (standards.md §1) ---------------------------------------------------------

def test_art32_deemed_acceptance_five_working_days_after_receipt(cal):
    # Received Thursday 2026-02-12: 2-13, 2-14 (Sat, worked), 2-24, 2-25, 2-26.
    assert legal.deemed_acceptance_date(cal, D(2026, 2, 12)) == D(2026, 2, 26)
    assert legal.deemed_acceptance_date(cal, D(2025, 9, 26)) == D(2025, 10, 10)


def test_art42_twenty_days_plus_one_extension_of_ten(cal):
    clock = CaseClock(accepted=D(2025, 9, 25), statutory_limit=20, promised_limit=10)
    assert clock.statutory_due(cal) == D(2025, 10, 29)
    assert clock.promised_due(cal) == D(2025, 10, 15)
    extended = CaseClock(accepted=D(2025, 9, 25), statutory_limit=20, promised_limit=10, extension_days=10)
    assert extended.statutory_due(cal) == D(2025, 11, 12)
    assert extended.promised_due(cal) == D(2025, 10, 15)  # the promise is not extended
    assert legal.extension_errors(days=10, joint=False, already_extended=False) == []
    assert legal.extension_errors(days=11, joint=False, already_extended=False)
    assert legal.extension_errors(days=0, joint=False, already_extended=False)
    assert legal.extension_errors(days=5, joint=False, already_extended=True)


def test_art42_joint_handling_forty_five_plus_fifteen(cal):
    clock = CaseClock(accepted=D(2026, 1, 5), statutory_limit=legal.JOINT_DECISION_DAYS, promised_limit=5)
    # January 2026 after the 5th: 19 working days to 1-30; 2-2..2-14 gives 11 more (2-14 is a worked
    # Saturday) = 30; 2-24..2-28 gives 5 (2-28 worked) = 35; 3-2..3-13 gives 10 = 45.
    assert clock.statutory_due(cal) == D(2026, 3, 13)
    joint = CaseClock(accepted=D(2026, 1, 5), statutory_limit=45, promised_limit=5, extension_days=15)
    assert joint.statutory_due(cal) == D(2026, 4, 3)  # 3-16..3-31 (12), 4-1..4-3 (15)
    assert legal.max_extension(joint=True) == 15
    assert legal.extension_errors(days=15, joint=True, already_extended=False) == []
    assert legal.extension_errors(days=16, joint=True, already_extended=False)


def test_art45_suspension_moves_due_dates_by_its_working_days(cal):
    base = CaseClock(accepted=D(2026, 3, 2), statutory_limit=20, promised_limit=10)
    assert base.statutory_due(cal) == D(2026, 3, 30)
    assert base.promised_due(cal) == D(2026, 3, 16)
    # Expert review from Tuesday 3-10 to Tuesday 3-17: 3-11, 3-12, 3-13, 3-16, 3-17 = 5 working days.
    s = Suspension(start=D(2026, 3, 10), end=D(2026, 3, 17))
    assert s.workdays(cal, as_of=D(2026, 3, 17)) == 5
    clock = CaseClock(accepted=D(2026, 3, 2), statutory_limit=20, promised_limit=10, suspensions=(s,))
    # 3-30 plus 5: 3-31, 4-1, 4-2, 4-3, then Qingming (4-4..4-6) off, 4-7.
    assert clock.statutory_due(cal) == D(2026, 4, 7)
    assert clock.promised_due(cal) == D(2026, 3, 23)
    # While a suspension lasts, the due date moves with each working day it lasts.
    running = CaseClock(accepted=D(2026, 3, 2), statutory_limit=20, promised_limit=10,
                        suspensions=(Suspension(start=D(2026, 3, 10)),))
    assert running.statutory_due(cal, as_of=D(2026, 3, 12)) == D(2026, 4, 1)
    # Two suspensions add up; one over a weekend counts only working days.
    two = CaseClock(accepted=D(2026, 3, 2), statutory_limit=20, promised_limit=10,
                    suspensions=(s, Suspension(start=D(2026, 3, 20), end=D(2026, 3, 23))))
    assert two.suspended_workdays(cal, as_of=D(2026, 3, 23)) == 6


def test_art44_delivery_within_ten_working_days(cal):
    assert legal.delivery_due(cal, D(2026, 9, 28)) == D(2026, 10, 16)


def test_remaining_working_days(cal):
    due = D(2026, 2, 24)
    assert legal.remaining_workdays(cal, due, on=D(2026, 2, 13)) == 2
    assert legal.remaining_workdays(cal, due, on=D(2026, 2, 14)) == 1
    assert legal.remaining_workdays(cal, due, on=D(2026, 2, 20)) == 1  # a holiday still has one to go
    assert legal.remaining_workdays(cal, due, on=due) == 0
    assert legal.remaining_workdays(cal, due, on=D(2026, 2, 26)) == -2


# --- CLI ---------------------------------------------------------------------------------

def run_cli(*args):
    out = io.StringIO()
    call_command("workdays", *args, stdout=out)
    return out.getvalue().strip()


@pytest.mark.django_db
def test_cli_answers():
    assert run_cli("add", "2026-02-13", "1") == "2026-02-14"
    assert run_cli("between", "2026-02-13", "2026-02-24") == "2"
    assert "调休" in run_cli("is", "2026-02-14") and "春节" in run_cli("is", "2026-02-14")
    assert "春节" in run_cli("is", "2026-02-17")
    assert "调休" not in run_cli("is", "2026-03-02")
