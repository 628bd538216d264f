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
    if exc.last > exc.known_last:
        return _("%(day)s is outside the working-day calendar, which knows %(first_year)s–%(last_year)s and counts "
                 "%(provisional_year)s provisionally, Monday to Friday (%(first)s to %(last)s).") % {
            "day": exc.day.isoformat(), "first_year": exc.first.year, "last_year": exc.known_last.year,
            "provisional_year": exc.last.year, "first": exc.first.isoformat(), "last": exc.last.isoformat()}
    return _("%(day)s is outside the working-day calendar, which knows %(first_year)s–%(last_year)s "
             "(%(first)s to %(last)s).") % {
        "day": exc.day.isoformat(), "first_year": exc.first.year, "last_year": exc.last.year,
        "first": exc.first.isoformat(), "last": exc.last.isoformat()}


def mark(cal, *days) -> str:
    """The provisional mark after an answer that reaches past the last known day."""
    if any(cal.is_provisional(d) for d in days):
        return "  " + _("(provisional: %(year)s is counted Monday to Friday until its official holiday schedule "
                        "is entered)") % {"year": cal.provisional_year}
    return ""


def recount_text(recount) -> str:
    text = _("Provisional dates recounted: %(moved)s of %(checked)s cases moved.") % {
        "moved": recount.moved, "checked": recount.checked}
    if recount.failed:
        text += " " + _("Could not recount (still provisional, see the log): %(cases)s.") % {
            "cases": "、".join(recount.failed)}
    return text


OFF_WORDS = {"休", "off"}
WORK_WORDS = {"班", "work"}


def parse_schedule(text: str, year: int) -> tuple[list[tuple[date, bool, str]], list[str]]:
    """Read a year's holiday schedule as the State Council publishes it, one line per range:

        2027-01-01..2027-01-03 元旦 休
        2027-02-07 春节 班

    Returns (date, is_workday, name) entries and the errors, each naming its line."""
    from datetime import timedelta

    entries: dict[date, tuple[bool, str]] = {}
    errors = []
    for number, raw in enumerate((text or "").splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        parts = line.split()
        if len(parts) != 3:
            errors.append(_("Line %(n)s: write “DATE[..DATE] NAME 休|班”.") % {"n": number})
            continue
        span, name, kind = parts
        if kind not in OFF_WORDS | WORK_WORDS:
            errors.append(_("Line %(n)s: the last word is 休 (day off) or 班 (working day).") % {"n": number})
            continue
        try:
            first_s, _sep, last_s = span.partition("..")
            first = parse_date(first_s, _("line %(n)s") % {"n": number})
            last = parse_date(last_s, _("line %(n)s") % {"n": number}) if last_s else first
        except ValueError as exc:
            errors.append(str(exc))
            continue
        if first.year != year or last.year != year or last < first:
            errors.append(_("Line %(n)s: the dates must lie in %(year)s, the first not after the last.")
                          % {"n": number, "year": year})
            continue
        day = first
        while day <= last:
            work = kind in WORK_WORDS
            if work and day.weekday() < 5:
                errors.append(_("Line %(n)s: %(day)s is a weekday already; only a weekend day can be swapped "
                                "into a working day.") % {"n": number, "day": day.isoformat()})
            elif day in entries:
                errors.append(_("Line %(n)s: %(day)s is listed twice.") % {"n": number, "day": day.isoformat()})
            else:
                entries[day] = (work, name)
            day += timedelta(days=1)
    return [(d, work, name) for d, (work, name) in sorted(entries.items())], errors
