"""The rows of the real-time view (staff/search.html), written in Python.

Fifty cases a page, each with its light, item, department, applicant, state and three dates:
through the template language the lookups, the state labels, the ``{% due %}`` tags and the
escaping took most of the page's time (issue 16), as on the task list and the cards list.
``{% case_rows page %}`` writes the same markup with ``format_html`` (every value escaped)."""

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from shenpi.cases.lifecycle import State
from shenpi.core.links import path_for
from shenpi.workdays.templatetags.workdays import due_html, page_calendar

register = template.Library()


@register.simple_tag(takes_context=True)
def case_rows(context, cases):
    cases = list(cases)
    if not cases:
        return format_html('<tr><td colspan="8">{}</td></tr>', _("None."))
    cal = page_calendar(context)
    case_path = path_for("staff:case")
    states = dict(State.choices)
    out = []
    for c in cases:
        tag = format_html(' <span class="tag light-{}">{}</span>', c.light, c.light_word) if c.light else ""
        out.append(format_html(
            '<tr>\n  <td><a href="{}">{}</a>{}</td>\n  <td>{}</td><td>{}</td><td>{}</td>\n'
            '  <td>{}</td><td>{}</td><td>{}</td><td>{}</td>\n</tr>',
            case_path(c.number), c.number, tag,
            c.version.name, c.department.short_name or c.department.name, c.applicant_name,
            states.get(c.state, c.state), c.received_on.isoformat() if c.received_on else "",
            due_html(c.promised_due, cal), due_html(c.statutory_due, cal)))
    return mark_safe("".join(out))
