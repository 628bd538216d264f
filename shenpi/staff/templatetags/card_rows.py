"""The rows of the warning cards list, written in Python.

Fifty cards a page, each with its case, item, level, clock, step, dates, responsible person,
department and appeal: through the template language the lookups, the choice labels and the
escaping took most of the page's time (38 ms of a 40 ms page on a 2-core server, issue 16).
``{% card_rows page %}`` writes the same markup with ``format_html`` (every value escaped)."""

from django import template
from django.core.exceptions import ObjectDoesNotExist
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from shenpi.core.links import path_for
from shenpi.supervision.models import Card

register = template.Library()


def _related(obj, name: str):
    """A one-to-one that may be missing (a person without a staff record, a card not appealed)."""
    try:
        return getattr(obj, name)
    except ObjectDoesNotExist:
        return None


def _responsible(card: Card) -> str:
    person = card.responsible
    who = "—"
    if person is not None:
        staff = _related(person, "staff")
        who = (staff.name if staff is not None else "") or person.get_username()
    if card.department is not None:
        return format_html("{} · {}", who, card.department.short_name or card.department.name)
    return format_html("{}", who)


@register.simple_tag
def card_rows(cards):
    cards = list(cards)
    if not cards:
        return format_html('<tr><td colspan="8">{}</td></tr>', _("None."))
    case_path, card_path = path_for("staff:case"), path_for("staff:sv-card")
    levels, clocks = dict(Card.Level.choices), dict(Card.Clock.choices)
    withdrawn = format_html(' <span class="muted">{}</span>', _("withdrawn"))
    out = []
    for c in cards:
        clock = clocks.get(c.clock, c.clock)
        if c.step is not None:
            clock = format_html("{} · {}", clock, c.step.name)
        appeal = _related(c, "appeal")
        out.append(format_html(
            '<tr>\n<td><a href="{}">{}</a></td><td>{}</td>\n'
            '<td><a href="{}"><span class="tag {}">{}</span></a>{}</td>\n'
            '<td>{}</td><td>{}</td><td>{}</td>\n<td>{}</td>\n<td>{}</td>\n</tr>',
            case_path(c.case.number), c.case.number, c.case.version.name,
            card_path(c.pk), "yellow" if c.level == "yellow" else "warn", levels.get(c.level, c.level),
            withdrawn if c.withdrawn else "",
            clock, c.due_on.isoformat() if c.due_on else "", c.on.isoformat() if c.on else "",
            _responsible(c), appeal.get_status_display() if appeal is not None else "—"))
    return mark_safe("".join(out))
