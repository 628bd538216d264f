"""`shenpi workdays add|between|is`: the working-day clock from the shell.

Bad input or a date outside the calendar prints one line and exits with status 2.
"""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from shenpi.workdays.calendar import CalendarRangeError
from shenpi.workdays.parsing import mark, parse_date, parse_n, range_message, recount_text
from shenpi.workdays.selectors import current_calendar
from shenpi.workdays.services import sync_from_package

USAGE = "usage: shenpi workdays add YYYY-MM-DD N | between YYYY-MM-DD YYYY-MM-DD | is YYYY-MM-DD | sync"


class Command(BaseCommand):
    help = "Working-day arithmetic on the official calendar: add, between, is."

    def add_arguments(self, parser):
        parser.add_argument("words", nargs="*")

    def handle(self, *args, words, **options):
        try:
            self.stdout.write(self.answer(words))
        except CalendarRangeError as exc:
            raise CommandError(range_message(exc), returncode=2) from None
        except ValueError as exc:
            raise CommandError(str(exc), returncode=2) from None

    def answer(self, words) -> str:
        cal = current_calendar()
        match words:
            case ["add", day, n]:
                start = parse_date(day, "date")
                result = cal.add_workdays_strict(start, parse_n(n))
                return result.isoformat() + mark(cal, start, result)
            case ["between", start, end]:
                first, last = parse_date(start, "start"), parse_date(end, "end")
                cal.require(first, last)
                return str(cal.workdays_between(first, last)) + mark(cal, first, last)
            case ["is", day]:
                when = parse_date(day, "date")
                cal.require(when)
                info = cal.info(when)
                if info.is_swapped_workday:
                    text = _("%(day)s working day (调休, swapped for %(name)s)") % {"day": day, "name": info.name}
                elif info.is_workday:
                    text = _("%(day)s working day") % {"day": day}
                elif info.name:
                    text = _("%(day)s day off (%(name)s)") % {"day": day, "name": info.name}
                else:
                    text = _("%(day)s day off (weekend)") % {"day": day}
                return text + mark(cal, when)
            case ["sync"]:
                added = sync_from_package()
                if not added.years:
                    first_year, last_year = cal.years
                    return _("The calendar already has every year chinesecalendar knows (%(first)s–%(last)s).") % {
                        "first": first_year, "last": last_year}
                text = _("Added from chinesecalendar: %(years)s.") % {"years": ", ".join(map(str, added.years))}
                return text + " " + recount_text(added.recount)
            case _:
                raise ValueError(USAGE)

