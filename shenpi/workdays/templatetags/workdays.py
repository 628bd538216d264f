"""``{% load workdays %}{% due some_date %}``: a date as pages show it, with the provisional mark
(暂定) beside it when it was counted before its year's official holidays were known."""

from django import template
from django.utils.html import format_html
from django.utils.translation import gettext as _

register = template.Library()


def page_calendar(context):
    # One look at the calendar's version per rendering, however many dates the page shows.
    cal = context.render_context.get("workdays_calendar")
    if cal is None:
        from shenpi.workdays.selectors import current_calendar
        cal = context.render_context["workdays_calendar"] = current_calendar()
    return cal


@register.simple_tag(takes_context=True)
def due(context, day):
    return due_html(day, page_calendar(context)) if day else "—"


def due_html(day, cal) -> str:
    """What ``{% due %}`` shows, for a view that prepares its rows itself."""
    if not day:
        return "—"
    text = day.isoformat()
    if not cal.is_provisional(day):
        return text
    return format_html('{}<span class="tag provisional" title="{}">{}</span>', text,
                       _("Counted Monday to Friday before the official holiday schedule of %(year)s was known; "
                         "recounted when it is entered.") % {"year": day.year}, _("provisional"))
