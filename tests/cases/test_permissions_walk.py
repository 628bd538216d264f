"""Every case URL with every role: allowed, or 403/404 as designed; nothing leaks through lists."""

import pytest
from django.contrib.auth import get_user_model

from shenpi.cases import services as s
from shenpi.cases.api import ACTIONS
from tests.conftest import api

from .conftest import applicant, item, second_reviewer, user, window_case

pytestmark = pytest.mark.usefixtures("demo")

# Who sees a case of 住建's item received at 住建's window, and who may take which action on it
# while it is submitted.
SEES = {"clerk", "handler", "reviewer", "approver", "depthead", "admin", "supervisor", "leader"}
APPROVERS = {"approver", "depthead"}  # 住建's approver (also its chief representative) and its head
MAY = {"accept": {"clerk"}, "supplement": {"clerk"}, "refuse": {"clerk"}, "withdraw": {"clerk"}, "resubmit": {"clerk"},
       "terminate": APPROVERS, "suspend": APPROVERS, "resume": APPROVERS, "extend": {"depthead"},  # Art. 42: the head
       "decide": APPROVERS, "deliver": APPROVERS | {"clerk"}}  # a 一审一核件 is decided by its department


@pytest.fixture
def case(on):
    on(2026, 3, 2)
    return window_case()


@pytest.fixture
def everyone(db):
    User = get_user_model()
    User.objects.create_user("another_applicant", password="x-Secret-9")
    return list(User.objects.values_list("username", flat=True))


def test_staff_pages_with_every_role(case, everyone, client):
    for name in everyone:
        client.force_login(user(name))
        page = client.get(f"/staff/cases/{case.number}/")
        if name in SEES:
            assert page.status_code == 200, name
        else:
            assert page.status_code in (403, 404), (name, page.status_code)
        assert case.number not in client.get("/staff/tasks/").content.decode() or name in SEES
        window = client.get("/staff/window/")
        assert window.status_code in (200, 302, 403), name  # 302: not staff, to the login page
        if window.status_code == 200 and name not in SEES:
            assert case.number not in window.content.decode(), name


def test_lists_and_details(case, everyone):
    for name in everyone:
        client = api(user(name))
        numbers = [c["number"] for c in client.get("/api/v1/cases/?page_size=100").json()["results"]]
        searched = [c["number"] for c in client.get(f"/api/v1/cases/?q={case.number}").json()["results"]]
        detail = client.get(f"/api/v1/cases/{case.number}/").status_code
        if name in SEES:
            assert case.number in numbers and case.number in searched and detail == 200, name
        else:
            assert case.number not in numbers and not searched and detail == 404, name
    assert api().get("/api/v1/cases/").status_code == 401


def test_every_action_with_every_role(case, everyone, unchanged):
    with unchanged():
        for name in everyone:
            client = api(user(name))
            for action in ACTIONS:
                # A stale version: an allowed actor is stopped before anything changes.
                r = client.post(f"/api/v1/cases/{case.number}/{action}/", {"version": 999}, format="json")
                if name not in SEES:
                    expected = {404}
                elif name in MAY.get(action, set()):
                    expected = {400, 409}  # allowed: the incomplete request or the stale version stops it
                else:
                    expected = {403}
                assert r.status_code in expected, (name, action, r.status_code, r.content[:200])


def test_steps_only_by_their_assignee_and_reassigned_by_the_leader(case):
    s.accept(actor=user("clerk"), case=case)
    step = case.steps.get()
    url = f"/api/v1/cases/{case.number}/steps/{step.pk}/"
    for name in ("clerk", "approver", "handler", "supervisor"):
        r = api(user(name)).post(url + "complete/", {"outcome": "pass", "opinion": "x"}, format="json")
        assert r.status_code == 403, name
    assert api(user("clerk_sj")).post(url + "complete/", {"outcome": "pass", "opinion": "x"}, format="json").status_code == 404
    assert api(user("reviewer")).post(url + "reassign/", {"assignee": "handler"}, format="json").status_code == 403
    second_reviewer()
    for who, why in (("reviewer_sj", "换人"), ("handler", "换人"), ("reviewer2", "")):
        # another department; not holding the step's role; no reason given
        r = api(user("depthead")).post(url + "reassign/", {"assignee": who, "reason": why}, format="json")
        assert r.status_code == 400 and ("assignee" in r.json() or "reason" in r.json()), who
    r = api(user("depthead")).post(url + "reassign/", {"assignee": "reviewer2", "reason": "赵磊出差"}, format="json")
    assert r.status_code == 200 and r.json()["steps"][0]["assignee"] == "reviewer2"
    assert r.json()["events"][-1]["payload"]["reason"] == "赵磊出差"
    r = api(user("reviewer2")).post(url + "complete/", {"outcome": "pass", "opinion": "同意"}, format="json")
    assert r.status_code == 200


def test_applicants_see_only_their_own(on, everyone):
    on(2026, 3, 2)
    me, other = user("another_applicant"), get_user_model().objects.create_user("third", password="x-Secret-9")
    mine = s.submit(actor=me, item=item("建筑工程施工许可证核发"), channel="online", **applicant())
    assert [c["number"] for c in api(me).get("/api/v1/cases/").json()["results"]] == [mine.number]
    assert api(other).get(f"/api/v1/cases/{mine.number}/").status_code == 404
    assert api(other).get("/api/v1/cases/").json()["results"] == []
    assert api(other).post(f"/api/v1/cases/{mine.number}/withdraw/", {}, format="json").status_code == 404
    r = api(me).post(f"/api/v1/cases/{mine.number}/withdraw/", {"reason": "不再需要"}, format="json")
    assert r.status_code == 200 and r.json()["state"] == "withdrawn"
