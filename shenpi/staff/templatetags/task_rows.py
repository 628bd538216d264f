"""The rows of a task list, written in Python.

A task list shows fifty rows of a dozen cells; through the template language each cell's
lookup and escaping cost about 10 ms a page on a small server, the largest part of the page
(issue 16). ``{% task_rows rows %}`` writes the same markup with ``format_html`` (every value
escaped), from the rows the view worked out (staff.case_views._with_lights)."""

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

register = template.Library()


def _reassign(r: dict, csrf_input: str) -> str:
    """The department queue's cell: reassign the step to a colleague who holds its role."""
    if not r.get("candidates"):
        return format_html('<td><small class="muted">{}</small></td>', _("Nobody in the department holds this role."))
    holder = r["step"].assignee_id
    options = format_html_join("", '<option value="{}"{}>{}</option>', (
        (u.username, mark_safe(" selected") if u.pk == holder else "",
         getattr(getattr(u, "staff", None), "name", "") or u.username) for u in r["candidates"]))
    reason = _("reason")
    return format_html(
        '<td><form method="post" action="{}" class="reassign">{}\n'
        '    <select name="assignee" aria-label="{}">{}</select>\n'
        '    <input name="reason" required placeholder="{}" aria-label="{}">\n'
        '    <button type="submit" class="outline">{}</button></form></td>',
        r["reassign_href"], csrf_input, _("responsible person"), options, reason, reason, _("Reassign step"))


@register.simple_tag
def task_rows(rows, queue=False, csrf_input=""):
    if not rows:
        return format_html('<tr><td colspan="7">{}</td></tr>', _("None."))
    unassigned = format_html('<span class="muted">{}</span>', _("unassigned"))
    out = []
    for r in rows:
        light = format_html(' <span class="tag light-{}">{}</span>', r["light"], r["light_word"]) if r["light"] else ""
        left = format_html('<span class="tag {}">{}</span>', r["left_class"], r["left"]) if r.get("left") else "—"
        out.append(format_html(
            '<tr>\n  <td><a href="{}">{}</a>{}</td><td>{}</td>\n  <td>{}</td><td>{}</td><td class="date">{}</td>\n'
            '  <td>{}</td>\n  {}\n</tr>',
            r["href"], r["number"], light, r["item"], r["stage"], r["holder"] or unassigned, r["due"], left,
            _reassign(r, csrf_input) if queue else ""))
    return mark_safe("".join(out))
