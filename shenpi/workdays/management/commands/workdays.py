"""`shenpi workdays add|between|is`: the working-day clock from the shell.

Bad input or a date outside the calendar prints one line and exits with status 2.
"""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from shenpi.workdays.calendar import CalendarRangeError
from shenpi.workdays.parsing import parse_date, parse_n, range_message
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
                return cal.add_workdays(parse_date(day, "date"), parse_n(n)).isoformat()
            case ["between", start, end]:
                return str(cal.workdays_between(parse_date(start, "start"), parse_date(end, "end")))
            case ["is", day]:
                info = cal.info(parse_date(day, "date"))
                if info.is_swapped_workday:
                    return _("%(day)s working day (调休, swapped for %(name)s)") % {"day": day, "name": info.name}
                if info.is_workday:
                    return _("%(day)s working day") % {"day": day}
                if info.name:
                    return _("%(day)s day off (%(name)s)") % {"day": day, "name": info.name}
                return _("%(day)s day off (weekend)") % {"day": day}
            case ["sync"]:
                years = sync_from_package()
                if not years:
                    return _("The calendar already has every year chinesecalendar knows (%(first)s–%(last)s).") % {
                        "first": cal.first.year, "last": cal.last.year}
                return _("Added from chinesecalendar: %(years)s.") % {"years": ", ".join(map(str, years))}
            case _:
                raise ValueError(USAGE)
