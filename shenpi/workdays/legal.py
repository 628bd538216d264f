"""The legal clock of the Administrative Licensing Law (中华人民共和国行政许可法).

Every time rule the case lifecycle relies on lives here, each with its article; the arithmetic
is the calendar's (calendar.py). All limits are in working days (Art. 82) and a period does
not count the day it starts from.
"""

from dataclasses import dataclass, field
from datetime import date

from .calendar import CalendarRangeError, WorkCalendar

# Art. 32: accept, refuse, or tell the applicant once everything to supply, within 5 working days.
ACCEPTANCE_DAYS = 5
# Art. 42: a decision within 20 working days of acceptance unless law sets another limit;
# extendable once by 10 with the agency head's approval.
DECISION_DAYS = 20
EXTENSION_DAYS = 10
# Art. 42: joint, unified or centralised handling: 45 working days, extendable by 15.
JOINT_DECISION_DAYS = 45
JOINT_EXTENSION_DAYS = 15
# Art. 44: the licence is issued or delivered within 10 working days of the decision to grant.
DELIVERY_DAYS = 10


def deemed_acceptance_date(cal: WorkCalendar, received: date) -> date:
    """Art. 32: the last day for acceptance, refusal or a supplement notice. With none by the end
    of it, the application is deemed accepted from the day the materials were received."""
    return cal.add_workdays(received, ACCEPTANCE_DAYS)


def is_deemed_accepted(*, acceptance_due: date, on: date) -> bool:
    """Art. 32: once the acceptance period has passed with no supplement notice and no refusal,
    the application *is* accepted, as a fact of law: whether or not any sweep has recorded it."""
    return on > acceptance_due


def acceptance_day(*, clock_start: date, acceptance_due: date, supplemented: bool, on: date) -> tuple[date, bool]:
    """Art. 32: the day acceptance dates from, and whether it is deemed. Within the period: the
    day of acceptance, or the day the supplement was complete. After it: deemed, from the day
    the materials were received (``clock_start``: receipt, or the complete resubmission)."""
    if is_deemed_accepted(acceptance_due=acceptance_due, on=on):
        return clock_start, True
    return (clock_start if supplemented else on), False


def max_extension(*, joint: bool) -> int:
    """Art. 42: the most a decision limit may be extended, once."""
    return JOINT_EXTENSION_DAYS if joint else EXTENSION_DAYS


def delivery_due(cal: WorkCalendar, decided: date) -> date:
    """Art. 44: the licence is issued or delivered within 10 working days of the decision."""
    return cal.add_workdays(decided, DELIVERY_DAYS)


def workdays_late(cal: WorkCalendar, due: date | None, on: date) -> int:
    """Working days after a due date up to ``on``; 0 when on time."""
    return max(cal.workdays_between(due, on), 0) if due else 0


@dataclass(frozen=True)
class Suspension:
    """Art. 45: hearing, bidding, auction, inspection, testing, quarantine, appraisal or expert
    review time is not counted. ``end`` is None while it lasts."""

    start: date
    end: date | None = None

    def workdays(self, cal: WorkCalendar, as_of: date) -> int:
        """Working days the suspension moves due dates by (convention of standards.md §1: the
        working days after its start up to and including its end, or ``as_of`` while it lasts)."""
        end = self.end or max(as_of, self.start)
        return max(cal.workdays_between(self.start, end), 0)


@dataclass(frozen=True)
class CaseClock:
    """A case's clocks, counted from acceptance (or from receipt when deemed accepted)."""

    accepted: date
    statutory_limit: int
    promised_limit: int
    extension_days: int = 0
    suspensions: tuple[Suspension, ...] = field(default_factory=tuple)

    def suspended_workdays(self, cal: WorkCalendar, as_of: date) -> int:
        return sum(s.workdays(cal, as_of) for s in self.suspensions)

    def statutory_due(self, cal: WorkCalendar, as_of: date | None = None) -> date:
        """Art. 42 and 45: the statutory limit plus an approved extension plus suspended days."""
        as_of = as_of or self.accepted
        return cal.add_workdays(self.accepted, self.statutory_limit + self.extension_days
                                + self.suspended_workdays(cal, as_of))

    def promised_due(self, cal: WorkCalendar, as_of: date | None = None) -> date:
        """The centre's promise (承诺时限). An extension lengthens the statutory limit only; the
        promise is never longer than the statutory limit, and suspended days do not count."""
        as_of = as_of or self.accepted
        return cal.add_workdays(self.accepted, self.promised_limit + self.suspended_workdays(cal, as_of))


def remaining_workdays(cal: WorkCalendar, due: date, on: date) -> int | None:
    """Working days left after ``on`` up to the due date: 0 on the due day, negative when overdue.
    None for a date nothing can be counted on (before the first known year: a bad record),
    so that one bad row never stops a page or a sweep."""
    try:
        return cal.workdays_between(on, due)
    except CalendarRangeError:
        return None


def extension_errors(*, days: int, joint: bool, already_extended: bool, statutory_due: date | None = None,
                     on: date | None = None) -> list[str]:
    """Art. 42: once, at most 10 working days (15 for joint handling), and decided before the
    statutory limit has passed: a limit that has run out cannot be extended."""
    from django.utils.translation import gettext as _

    errors = []
    if already_extended:
        errors.append(_("The decision limit has been extended once already; the law allows only one extension."))
    if statutory_due is not None and on is not None and on > statutory_due:
        errors.append(_("The statutory limit ended on %(due)s; an extension is approved before it passes.")
                      % {"due": statutory_due.isoformat()})
    limit = max_extension(joint=joint)
    if not 1 <= days <= limit:
        errors.append(_("An extension is 1 to %(limit)s working days.") % {"limit": limit})
    return errors
