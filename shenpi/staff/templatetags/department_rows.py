"""The supervision dashboard's rows by department, written in Python.

One row a department the reader may see, each with six links (its cases by light, its cards
and findings): through the template language the six ``{% url %}`` tags and eight translations
of each row took 0.8 ms a row, most of the page's rendering (eleven departments, 8.6 of 10.6 ms
on a 2-core server; a province's dashboard lists many more), issue 16.
``{% department_rows f.departments words %}`` writes the same markup with ``format_html``
(every value escaped)."""

from django import template
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

register = template.Library()


@register.simple_tag
def department_rows(departments, words):
    if not departments:
        return format_html('<tr><td colspan="8">{}</td></tr>', _("None."))
    search, cards, findings = reverse("staff:search"), reverse("staff:sv-cards"), reverse("staff:sv-findings")
    handled, used, card_label, finding_label = (_("Being handled"), _("Time used of the promised limit"),
                                                _("Warning cards"), _("Findings"))
    out = []
    for d in departments:
        lights = [format_html('\n<td data-label="{}"><a href="{}?department={}&light={}">{}</a></td>',
                              words[light], search, d["id"], light, d[light]) for light in ("yellow", "red", "severe")]
        out.append(format_html(
            '<tr><td><strong>{}</strong></td>\n'
            '<td data-label="{}"><a href="{}?department={}&light=any">{}</a></td>{}\n'
            '<td data-label="{}">{}</td>\n'
            '<td data-label="{}"><a href="{}?department={}">{}</a></td>\n'
            '<td data-label="{}"><a href="{}?department={}">{}</a></td></tr>\n',
            d["name"], handled, search, d["id"], d["open"], mark_safe("".join(lights)),
            used, "—" if d["used"] is None else f"{d['used']}%",
            card_label, cards, d["id"], d["cards"], finding_label, findings, d["id"], d["findings"]))
    return mark_safe("".join(out))
