"""The warning cards list's rows (staff/templatetags/card_rows.py) are written in Python; they
must say exactly what the template they replaced said, for every kind of card: withdrawn or
not, appealed or not, with or without a step, a department or a responsible person, and a
responsible person without a staff record."""

import pytest
from django.contrib.auth import get_user_model
from django.template import Context, Template

from shenpi.staff.templatetags.card_rows import card_rows
from shenpi.supervision import selectors
from shenpi.supervision.models import Appeal, Card
from tests.cases.conftest import user
from tests.supervision.test_pages import overdue  # noqa: F401  (cards past their promises)

pytestmark = pytest.mark.usefixtures("demo")

# The rows as staff/supervision/cards.html wrote them before the tag.
REFERENCE = Template("""{% load i18n %}{% for c in page %}<tr>
<td><a href="{% url 'staff:case' c.case.number %}">{{ c.case.number }}</a></td><td>{{ c.case.version.name }}</td>
<td><a href="{% url 'staff:sv-card' c.pk %}"><span class="tag {% if c.level == 'yellow' %}yellow{% else %}warn{% endif %}">{{ c.get_level_display }}</span></a>{% if c.withdrawn %} <span class="muted">{% translate "withdrawn" %}</span>{% endif %}</td>
<td>{{ c.get_clock_display }}{% if c.step %} · {{ c.step.name }}{% endif %}</td><td>{{ c.due_on|date:"Y-m-d" }}</td><td>{{ c.on|date:"Y-m-d" }}</td>
<td>{% if c.responsible %}{{ c.responsible.staff.name|default:c.responsible.get_username }}{% else %}—{% endif %}{% if c.department %} · {{ c.department.short_name|default:c.department.name }}{% endif %}</td>
<td>{% if c.appeal %}{{ c.appeal.get_status_display }}{% else %}—{% endif %}</td>
</tr>{% empty %}<tr><td colspan="8">{% translate "None." %}</td></tr>{% endfor %}""")


def _cards():
    return list(selectors.cards_for(user("supervisor")).select_related("appeal"))


def test_every_kind_of_card_reads_as_the_template_wrote_it(overdue):  # noqa: F811
    cards = Card.objects.order_by("pk")
    assert cards.count() >= 2
    first, second = cards[0], cards[1]
    Card.objects.filter(pk=first.pk).update(withdrawn=True)
    Appeal.objects.create(card=second, filed_by=user("approver"), reason="系统故障<测试>")
    nobody = get_user_model().objects.create_user("no-staff-record", password="x-Secret-9")
    Card.objects.create(case=first.case, clock=first.clock, level="yellow", due_on=first.due_on, on=first.on,
                        responsible=nobody, department=None, step=None)
    Card.objects.create(case=first.case, clock="statutory", level="red", due_on=first.due_on, on=first.on,
                        responsible=None, department=first.department, step=None)
    shown = _cards()
    kinds = {(c.withdrawn, hasattr(c, "appeal"), c.step_id is None, c.responsible_id is None, c.department_id is None)
             for c in shown}
    assert len(kinds) >= 4, kinds
    expected = REFERENCE.render(Context({"page": shown}))
    assert str(card_rows(shown)) == expected
    assert expected.count('<span class="muted">') == 1  # the withdrawn card's mark
    assert "no-staff-record" in expected and "系统故障" not in expected  # the appeal shows its status only


def test_no_cards_is_one_row_that_says_so():
    assert str(card_rows([])) == REFERENCE.render(Context({"page": []}))


def test_the_page_shows_the_rows(client, overdue):  # noqa: F811
    client.force_login(user("supervisor"))
    page = client.get("/staff/supervision/cards/").content.decode()
    assert str(card_rows(_cards())) in page
