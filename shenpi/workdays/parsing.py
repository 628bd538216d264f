"""Reading dates and counts from people (CLI, API), with messages that say what is wrong."""

from datetime import date

from django.utils.translation import gettext as _

MAX_N = 3650


def parse_date(value, field: str) -> date:
    try:
        return date.fromisoformat(str(value).strip())
    except (TypeError, ValueError):
        raise ValueError(_("%(field)s: “%(value)s” is not a date as YYYY-MM-DD.") % {"field": field, "value": value}) from None


def parse_n(value, field: str = "n") -> int:
    try:
        n = int(str(value).strip())
    except (TypeError, ValueError):
        raise ValueError(_("%(field)s: “%(value)s” is not a whole number.") % {"field": field, "value": value}) from None
    if abs(n) > MAX_N:
        raise ValueError(_("%(field)s: at most %(max)s working days either way.") % {"field": field, "max": MAX_N})
    return n


def range_message(exc) -> str:
    """A CalendarRangeError in the user's language."""
    return _("%(day)s is outside the working-day calendar, which knows %(first_year)s–%(last_year)s "
             "(%(first)s to %(last)s).") % {
        "day": exc.day.isoformat(), "first_year": exc.first.year, "last_year": exc.last.year,
        "first": exc.first.isoformat(), "last": exc.last.isoformat()}
