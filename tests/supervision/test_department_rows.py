"""The dashboard's rows by department (staff/templatetags/department_rows.py) are written in
Python; they must say exactly what the template they replaced said: names to escape, a
department with no time used, each light's link, and no department at all."""

import pytest
from django.template import Context, Template
from django.utils import timezone

from shenpi.staff.templatetags.department_rows import department_rows
from shenpi.supervision import selectors
from tests.cases.conftest import user
from tests.supervision.test_pages import overdue  # noqa: F401  (cases past their promises, carded)

pytestmark = pytest.mark.usefixtures("demo")

# The rows as staff/supervision/dashboard.html wrote them before the tag.
REFERENCE = Template("""{% load i18n %}{% for d in f.departments %}<tr><td><strong>{{ d.name }}</strong></td>
<td data-label="{% translate 'Being handled' %}"><a href="{% url 'staff:search' %}?department={{ d.id }}&light=any">{{ d.open }}</a></td>
<td data-label="{{ words.yellow }}"><a href="{% url 'staff:search' %}?department={{ d.id }}&light=yellow">{{ d.yellow }}</a></td>
<td data-label="{{ words.red }}"><a href="{% url 'staff:search' %}?department={{ d.id }}&light=red">{{ d.red }}</a></td>
<td data-label="{{ words.severe }}"><a href="{% url 'staff:search' %}?department={{ d.id }}&light=severe">{{ d.severe }}</a></td>
<td data-label="{% translate 'Time used of the promised limit' %}">{% if d.used is None %}—{% else %}{{ d.used }}%{% endif %}</td>
<td data-label="{% translate 'Warning cards' %}"><a href="{% url 'staff:sv-cards' %}?department={{ d.id }}">{{ d.cards }}</a></td>
<td data-label="{% translate 'Findings' %}"><a href="{% url 'staff:sv-findings' %}?department={{ d.id }}">{{ d.findings }}</a></td></tr>
{% empty %}<tr><td colspan="8">{% translate "None." %}</td></tr>{% endfor %}""")


def test_the_rows_read_as_the_template_wrote_them(overdue):  # noqa: F811
    departments = selectors.dashboard(user("supervisor"), on=timezone.localdate())["departments"]
    assert len(departments) >= 2 and any(d["red"] for d in departments) and any(d["cards"] for d in departments)
    odd = {**departments[0], "name": "<规划&国土>", "used": None}
    timed = {**departments[1], "used": 37}
    for rows in ([odd, timed, *departments[2:]], []):
        context = {"f": {"departments": rows}, "words": selectors.LIGHT_WORDS}
        expected = REFERENCE.render(Context(context))
        assert str(department_rows(rows, selectors.LIGHT_WORDS)) == expected
    assert "&lt;规划&amp;国土&gt;" in str(department_rows([odd], selectors.LIGHT_WORDS))


def test_the_dashboard_shows_the_rows(client, overdue):  # noqa: F811
    client.force_login(user("supervisor"))
    page = client.get("/staff/supervision/").content.decode()
    table = page[page.index('<table id="departments">'):]
    shown = selectors.dashboard(user("supervisor"), on=timezone.localdate())["departments"]
    assert table.count("<tr>") == 1 + len(shown)
    assert "?light=red" not in table and "&light=red" in table
