"""No list page or API list reads row by row (issue 16, item 2): every page and API list that
takes no id in its address, for every demo role, and the pages of one case, complaint and
project, are read on the living demo centre; a query that runs again and again with only its
values changed is the mark of a read per row (N+1), and fails the walk. The lists that grow
without end are also measured at two sizes (tests/cases/test_api_flows.py, the case list;
tests/cases/test_staff_pages.py, the task lists), with the same count at both."""

import io
import re
from collections import Counter

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, URLResolver, get_resolver

from tests.cases.conftest import user

# The demo accounts, one per kind of work.
ROLES = [None, "13800138000", "clerk", "clerk_general", "handler", "reviewer", "approver", "depthead", "supervisor",
         "leader", "admin"]
# Pages that are not lists: leaving, downloads of one file, forms that only post, the browsable
# schema, the admin (Django's own).
SKIP = re.compile(r"^/(admin/|api/(schema|docs|redoc)/|staff/logout/|i18n/|favicon|staff/window/tablet/poll/)")
SAME_TIMES = 4  # one query shape this often or more on one page reads row by row


def shape(sql: str) -> str:
    sql = re.sub(r"'(?:[^']|'')*'", "?", sql)
    sql = re.sub(r"\b\d+(\.\d+)?\b", "?", sql)
    return re.sub(r"\((\?, )+\?\)", "(…)", sql)


def addresses(resolver=None, prefix=""):
    """Every address without an id in it: path() routes and the API router's regular
    expressions (`^org/departments/$`), not their `.json` suffix forms."""
    for p in (resolver or get_resolver()).url_patterns:
        part = str(p.pattern)
        if part.startswith("^"):
            part = part[1:].removesuffix("$")
        route = prefix + part
        if isinstance(p, URLResolver):
            yield from addresses(p, route)
        elif isinstance(p, URLPattern) and not any(mark in route for mark in ("<", "(?P", "\\", "(", "[")):
            yield "/" + route


@pytest.fixture
def living(db):
    call_command("demo-data", "--cases", stdout=io.StringIO())


def test_no_page_or_api_list_reads_row_by_row(living):
    from shenpi.cases.models import Case
    from shenpi.feedback.models import Complaint
    from shenpi.joint.models import Inspection, Project
    listed = sorted({a for a in addresses() if not SKIP.match(a)})
    case = Case.objects.filter(steps__isnull=False, events__isnull=False).order_by("-pk").first()
    complaint = Complaint.objects.order_by("pk").first()
    project = Project.objects.order_by("pk").first()
    joint = Inspection.objects.order_by("pk").first().case
    details = {"clerk": [f"/staff/cases/{case.number}/", f"/api/v1/cases/{case.number}/",
                         f"/staff/cases/{joint.number}/", f"/api/v1/cases/{joint.number}/inspections/"],
               "supervisor": [f"/staff/complaints/{complaint.number}/", f"/api/v1/complaints/{complaint.number}/"],
               "depthead": [f"/staff/projects/{project.code}/"]}
    read, offenders = 0, []
    for who in ROLES:
        c = Client(raise_request_exception=True)
        if who:
            c.force_login(user(who))
        for path in listed + details.get(who, []):
            with CaptureQueriesContext(connection) as q:
                r = c.get(path)
            if r.status_code != 200:
                continue
            read += 1
            for sql, n in Counter(shape(x["sql"]) for x in q.captured_queries).items():
                if n >= SAME_TIMES:
                    offenders.append((who, path, n, sql[:300]))
    assert read > 150, read  # the walk read pages, not only refusals
    assert not offenders, "\n".join(map(str, offenders))


@pytest.mark.django_db
def test_a_page_reads_the_calendar_version_and_the_user_s_staff_record_once(living):
    """The calendar's version once a request however many parts count days, and the signed-in
    user with their staff record, window and roles in one statement (org.store.signed_in,
    through org.accounts.AccountBackend): for a clerk who signed in with a password, and for an
    applicant, who has no staff record (and is not asked for one again)."""
    for username, login_page, page in (("clerk", "/staff/login/", "/staff/tasks/"), ("13800138000", "/login/", "/my/")):
        c = Client()
        r = c.post(login_page, {"username": username, "password": "shenpi-demo-2026"})
        assert r.status_code == 302, (username, r.status_code)
        with CaptureQueriesContext(connection) as q:
            assert c.get(page).status_code == 200
        sqls = [x["sql"] for x in q.captured_queries]
        assert sum('FROM "workdays_calendarversion"' in x for x in sqls) <= 1, sqls
        assert not any(x.startswith('SELECT "org_staff"') for x in sqls), sqls
        assert not any(x.startswith('SELECT "auth_group"') for x in sqls), sqls
        assert sum('"org_staff"' in x and '"auth_user_groups"' in x for x in sqls) == 1, sqls


@pytest.mark.django_db
def test_the_case_page_asks_for_cards_ratings_complaints_and_bundles_only_where_there_are_some(living):
    """Most cases have no warning card, rating, complaint or bundle application and are not
    joint acceptances: their page does not ask for those (one statement each, every time);
    a case that has them shows them."""
    from shenpi.cases.models import Case
    from shenpi.feedback import complaints
    from shenpi.feedback.models import Complaint, Rating
    from shenpi.joint.models import AcceptanceItem
    from shenpi.supervision.models import Card
    c = Client()
    c.force_login(user("supervisor"))  # sees every case
    parts = ('"supervision_card"', '"feedback_rating"', '"feedback_complaint"', '"joint_bundleapplication"',
             '"joint_inspection"')
    plain = (Case.objects.exclude(cards__isnull=False).exclude(ratings__isnull=False)
             .exclude(complaints__isnull=False).exclude(bundle_applications__isnull=False)
             .exclude(item__in=AcceptanceItem.objects.values("item")).first())
    with CaptureQueriesContext(connection) as q:
        assert c.get(f"/staff/cases/{plain.number}/").status_code == 200
    asked = [x["sql"] for x in q.captured_queries if x["sql"].startswith("SELECT")]
    assert not [x for x in asked if any(x.startswith(f"SELECT {p}") for p in parts)], asked

    carded = Card.objects.select_related("case").first().case
    assert 'id="cards"' in c.get(f"/staff/cases/{carded.number}/").content.decode()
    rated = Rating.objects.select_related("case").first()
    page = c.get(f"/staff/cases/{rated.case.number}/").content.decode()
    assert 'id="feedback"' in page and rated.get_level_display() in page
    complaint = complaints.submit(actor=None, source=Complaint.Source.PORTAL, against_department=plain.department,
                                  content="窗口答复不清楚", case_number=plain.number, name="王五",
                                  phone="13900000000")
    page = c.get(f"/staff/cases/{plain.number}/").content.decode()
    assert complaint.number in page
    joint = Case.objects.filter(item__in=AcceptanceItem.objects.values("item")).first()
    assert 'id="joint"' in c.get(f"/staff/cases/{joint.number}/").content.decode()


@pytest.mark.django_db
def test_the_case_list_writes_each_case_as_the_summary_serializer_does(living):
    """The API's case list builds its rows directly (cases.api.summaries), not field by field
    through CaseSummary; on every demo case, in every state, the two write the same."""
    from shenpi.cases.api import SUMMARY_COLUMNS, CaseSummary, clock_context, summaries
    from shenpi.cases.models import Case
    cases = list(Case.objects.select_related("version").only(*SUMMARY_COLUMNS, "version__name").order_by("pk"))
    fast, reference = summaries(cases, clock_context()), CaseSummary(cases, many=True, context=clock_context()).data
    assert len(cases) > 20 and len({c.state for c in cases}) >= 5
    assert any(r["promised"]["remaining"] is not None for r in fast) and any(r["accepted_on"] for r in fast)
    assert any(r["provisional_dates"] for r in fast)  # dates past the last calendar year entered
    assert [dict(r) for r in reference] == fast
    c = Client()
    c.force_login(user("supervisor"))
    listed = c.get("/api/v1/cases/?page_size=100").json()["results"]
    assert listed and all(r == next(f for f in fast if f["number"] == r["number"]) for r in listed)


@pytest.mark.django_db
def test_a_case_is_written_as_the_detail_serializer_does(living):
    """Every answer of the API about one case is built directly (cases.api.detail), not
    through CaseDetail; on every demo case the two write the same."""
    from shenpi.cases.api import CaseDetail, clock_context, detail
    from shenpi.cases.models import Case
    cases = list(Case.objects.prefetch_related("steps__assignee", "steps__department", "events", "notices")
                 .select_related("version").order_by("pk"))
    assert sum(bool(c.steps.all()) for c in cases) > 10 and any(c.event_list() and c.notice_list() for c in cases)
    for case in cases:
        assert detail(case, clock_context()) == dict(CaseDetail(case, context=clock_context()).data), case.number
    c = Client()
    c.force_login(user("supervisor"))
    one = cases[len(cases) // 2]
    assert c.get(f"/api/v1/cases/{one.number}/").json() == detail(one, clock_context())


# The real-time view's rows as staff/search.html wrote them before {% case_rows %}.
SEARCH_ROWS = """{% load i18n workdays %}{% for c in page %}<tr>
  <td><a href="{% url 'staff:case' c.number %}">{{ c.number }}</a>{% if c.light %} <span class="tag light-{{ c.light }}">{{ c.light_word }}</span>{% endif %}</td>
  <td>{{ c.version.name }}</td><td>{{ c.department.short_name|default:c.department.name }}</td><td>{{ c.applicant_name }}</td>
  <td>{{ c.get_state_display }}</td><td>{{ c.received_on|date:"Y-m-d" }}</td><td>{% due c.promised_due %}</td><td>{% due c.statutory_due %}</td>
</tr>{% empty %}<tr><td colspan="8">{% translate "None." %}</td></tr>{% endfor %}"""


def test_the_real_time_view_writes_each_case_as_its_template_did(living):
    """The real-time view's rows are written by {% case_rows %} (staff/templatetags/case_rows.py);
    on every demo case, in every state and light, with provisional dates, they say what the
    template said, and the page shows them."""
    from django.template import Context, Template
    from django.utils import timezone

    from shenpi.cases.models import Case
    from shenpi.staff.templatetags.case_rows import case_rows
    from shenpi.supervision import selectors as supervision
    on = timezone.localdate()
    soon = supervision.warning_horizon(on)
    cases = list(Case.objects.select_related("version", "department", "window").order_by("-received_at", "-pk"))
    for c in cases:
        c.light = supervision.light_of(c, on, soon)
        c.light_word = supervision.LIGHT_WORDS.get(c.light, "")
    assert len({c.state for c in cases}) >= 5 and len({c.light for c in cases}) >= 3
    reference = Template(SEARCH_ROWS).render(Context({"page": cases}))
    assert "provisional" in reference
    assert str(case_rows(Context({}), cases)) == reference
    assert str(case_rows(Context({}), [])) == Template(SEARCH_ROWS).render(Context({"page": []}))
    c = Client()
    c.force_login(user("supervisor"))
    page = c.get("/staff/search/").content.decode()
    assert str(case_rows(Context({}), cases[:50])) in page


@pytest.mark.django_db
def test_the_case_page_of_a_projects_case_reads_the_project_with_the_case(living):
    """A case filed under a construction project links to it by its code and name: read in the
    case's own statement, not asked for again while the page is drawn."""
    from shenpi.joint.models import ProjectCase
    link = ProjectCase.objects.select_related("case", "project").first()
    c = Client()
    c.force_login(user("supervisor"))
    with CaptureQueriesContext(connection) as q:
        page = c.get(f"/staff/cases/{link.case.number}/").content.decode()
    assert link.project.name in page and f"/staff/projects/{link.project.code}/" in page
    asked = [x["sql"] for x in q.captured_queries]
    assert not [x for x in asked if x.startswith('SELECT "joint_project"')], asked
