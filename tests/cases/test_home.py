"""The demo centre lives (issue 10, items 4 and 10): `shenpi demo-data --cases` makes cases in
every state, and each role's home shows that role's work from them; supervisors and leaders
search every case, read only."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from shenpi.audit.services import first_broken_entry
from shenpi.cases.models import Case

pytestmark = pytest.mark.django_db


@pytest.fixture
def living(db, on):
    on(2026, 11, 27)  # a Friday: the demo's last-day application is due today
    out = io.StringIO()
    call_command("demo-data", "--cases", stdout=out)
    assert "13800138000" in out.getvalue()
    return {c.state for c in Case.objects.all()}


def login(client, name):
    client.force_login(get_user_model().objects.get(username=name))
    return client


def test_the_demo_has_cases_in_every_state_with_a_whole_audit_chain(living):
    assert living >= {"submitted", "awaiting_supplement", "accepted", "suspended", "approved", "delivered",
                      "not_accepted"}
    assert Case.objects.filter(channel="online", state="submitted").count() >= 2
    assert first_broken_entry() is None


HOMES = [
    ("clerk", "home-inbox", "最后一天"),          # an online application on its last day
    ("clerk", "home-window", "特别程序中"),
    ("reviewer", "home-tasks", "审核"),
    ("approver", "home-tasks", "核准"),
    ("handler", "home-tasks", "验收"),           # a step of the joint acceptance
    ("depthead", "home-department", "本部门在办"),
    ("depthead", "home-feedback", "待跟进的差评"),  # poor ratings to call back and rectify
    ("supervisor", "home-centre", "超期"),
    ("supervisor", "home-feedback", "待受理或答复的投诉"),
    ("leader", "home-centre", "在办"),
    ("admin", "home-centre", "今日收件"),
]


def test_each_role_lands_on_its_work(client, living):
    """Every role's home on one load of the demo centre (it takes seconds): each the section of
    its work, with the words that show it is the demo's."""
    missing = []
    for name, section, words in HOMES:
        page = login(client.__class__(), name).get("/staff/").content.decode()
        start = page.find(f'id="{section}"')
        if start < 0 or words not in page[start:start + 6000]:
            missing.append((name, section, words))
    assert not missing


def test_a_department_s_open_cases_on_its_home_are_the_dashboard_s_and_its_link_lists_them(client, living):
    """The workbench's "open in the department" counts what the supervision dashboard counts as
    being handled (awaiting delivery included), and its link lists exactly those cases."""
    import re
    c = login(client, "depthead")
    page = c.get("/staff/").content.decode()
    section = page[page.find('id="home-department"'):]
    open_here = int(re.search(r"本部门在办\s*(\d+)", section).group(1))
    link = re.search(r'href="(/staff/search/\?department=\d+&amp;light=any)"', section).group(1).replace("&amp;", "&")
    dashboard = c.get("/staff/supervision/").context["f"]["departments"]
    mine = get_user_model().objects.get(username="depthead").staff.department_id
    assert open_here == next(d["open"] for d in dashboard if d["id"] == mine)
    listed = c.get(link).content.decode()
    assert open_here == len(set(re.findall(r'href="/staff/cases/([^/"]+)/"', listed))) > 0


def test_supervisors_search_every_case_read_only(client, living):
    c = login(client, "supervisor")
    page = c.get("/staff/search/").content.decode()
    pages = page + c.get("/staff/search/?page=2").content.decode()  # 50 to a page
    assert all(n in pages for n in Case.objects.values_list("number", flat=True))
    overdue = c.get("/staff/search/?overdue=on").content.decode()
    assert "超期" in overdue and overdue.count("/staff/cases/") < page.count("/staff/cases/")
    for bad in ("department=abc", "department=%C2%B2", "received_from=2026-13-01", "state=nonsense", "page=x"):
        r = c.get(f"/staff/search/?{bad}")
        assert r.status_code == 200, bad
    assert c.get("/staff/search/?q=%00").status_code == 400  # refused before the search (core.middleware)
    number = Case.objects.filter(state="accepted").first().number
    case_page = c.get(f"/staff/cases/{number}/").content.decode()
    assert number in case_page and 'id="accept"' not in case_page and "/act/" not in case_page
    # A clerk's search sees only what the clerk may see.
    clerk_page = login(client.__class__(), "clerk_sj").get("/staff/search/").content.decode()
    assert number not in clerk_page


def test_the_demo_applicant_sees_her_cases_and_the_supplement_asked(client, living):
    c = login(client, "13800138000")
    page = c.get("/my/").content.decode()
    waiting = Case.objects.get(state="awaiting_supplement")
    assert waiting.number in page
    assert 'id="supplement"' in c.get(f"/my/{waiting.number}/").content.decode()


def test_a_suspended_cases_step_is_not_shown_overdue_in_the_queue(client, living):
    paused = Case.objects.get(state="suspended")
    page = login(client, "depthead").get("/staff/queue/").content.decode()
    row = page[page.index(paused.number):]
    row = row[:row.index("</tr>")]
    assert "特别程序中" in row and "超期" not in row


def test_the_demo_loads_on_a_weekend(on):
    """`make run` on a Saturday: today's site inspection of the demo's joint acceptance goes to
    Monday (a site inspection is on a working day) instead of refusing the whole demo."""
    from shenpi.joint.models import Inspection
    on(2026, 11, 28)  # a Saturday
    call_command("demo-data", "--cases", stdout=io.StringIO())
    assert str(Inspection.objects.order_by("-pk").values_list("on", flat=True).first()) == "2026-11-30"
