"""The problem register (issue 17, G2): a problem closes only when the four conditions of 四不放过
are recorded in its current round, the refusal names the missing ones and changes nothing; the
history shows who recorded each; reopening starts a new round and keeps the history; who may
see and write is the unit's, the centre's and the responsible person's."""


import pytest

from shenpi.audit.models import AuditEntry
from shenpi.campaign.models import Problem, ProblemEntry
from tests.cases.conftest import user
from tests.conftest import api

pytestmark = pytest.mark.django_db


def _body(**over):
    head = user("depthead")
    body = {"department": head.staff.department_id, "title": "审核环节超时", "kind": "slow", "source": "self_check",
            "measure": "审核岗每日清零", "responsible": user("reviewer").pk, "deadline_days": 10}
    return {**body, **over}


def test_close_needs_all_four_conditions_named_and_recorded_by_named_people(demo, on):
    on(2026, 3, 6)  # a Friday
    head, reviewer, approver, supervisor = user("depthead"), user("reviewer"), user("approver"), user("supervisor")
    r = api(head).post("/api/v1/campaign/problems/", _body(), format="json")
    assert r.status_code == 201, r.content
    pk = r.json()["id"]
    assert r.json()["due_on"] == "2026-03-20"  # 10 working days from Friday 03-06
    assert r.json()["missing"] == ["cause", "fixed", "responsibility", "rule"]
    url = f"/api/v1/campaign/problems/{pk}/"
    assert api(reviewer).post(url + "conditions/", {"condition": "cause", "text": "查清:退件重新排队"},
                              format="json").status_code == 201  # the responsible person
    assert api(approver).post(url + "conditions/", {"condition": "fixed", "text": "补正件回原审核人,抽查 10 件"},
                              format="json").status_code == 201  # the chief representative
    entries = ProblemEntry.objects.count()
    audit = AuditEntry.objects.count()
    r = api(head).post(url + "close/", format="json")
    assert r.status_code == 400, r.content
    assert r.json()["missing"] == ["responsibility", "rule"]
    assert "责任" in r.json()["conditions"][0] and "制度" in r.json()["conditions"][0], r.json()
    assert Problem.objects.get(pk=pk).state == "open"
    assert (ProblemEntry.objects.count(), AuditEntry.objects.count()) == (entries, audit)
    # An empty text or an unknown condition is refused too, and writes nothing.
    for bad in ({"condition": "rule", "text": "  "}, {"condition": "luck", "text": "x"}, {"text": "x"}):
        assert api(head).post(url + "conditions/", bad, format="json").status_code == 400, bad
    assert ProblemEntry.objects.count() == entries
    api(head).post(url + "conditions/", {"condition": "responsibility", "text": "审核岗书面检查"}, format="json")
    api(supervisor).post(url + "conditions/", {"condition": "rule", "text": "印发补正流转规定"}, format="json")
    r = api(head).post(url + "close/", format="json")
    assert r.status_code == 200, r.content
    assert r.json()["state"] == "closed" and r.json()["closed_on"] == "2026-03-06"
    who = {e["condition"]: e["by"] for e in r.json()["history"] if e["action"] == "condition"}
    assert who == {"cause": "reviewer", "fixed": "approver", "responsibility": "depthead", "rule": "supervisor"}
    assert api(head).post(url + "close/", format="json").status_code == 400  # already closed

    # Reopening is the centre's; it starts a new round in which all four are needed again.
    assert api(head).post(url + "reopen/", {"reason": "抽查仍超时"}, format="json").status_code == 403
    assert api(supervisor).post(url + "reopen/", {"reason": " "}, format="json").status_code == 400
    r = api(supervisor).post(url + "reopen/", {"reason": "抽查仍超时"}, format="json")
    assert r.status_code == 200, r.content
    assert (r.json()["state"], r.json()["round"], r.json()["missing"]) == (
        "open", 2, ["cause", "fixed", "responsibility", "rule"])
    actions = [(e["round"], e["action"], e["by"]) for e in r.json()["history"]]
    assert actions[0] == (1, "registered", "depthead") and (1, "closed", "depthead") in actions
    assert actions[-1] == (2, "reopened", "supervisor") and len(actions) == 7
    assert api(head).post(url + "close/", format="json").json()["missing"] == ["cause", "fixed", "responsibility", "rule"]
    assert {e.action for e in AuditEntry.objects.filter(object_type="campaign.problem", object_id=str(pk))} == {
        "problem.register", "problem.condition", "problem.close", "problem.reopen"}


def test_bad_input_is_refused_by_field_and_writes_nothing(demo, unchanged):
    head = user("depthead")
    other_unit = user("chief_sj")
    with unchanged():
        for over, field in (({"kind": "fast"}, "kind"), ({"deadline_days": 0}, "deadline_days"),
                            ({"deadline_days": "x"}, "deadline_days"), ({"measure": ""}, "measure"),
                            ({"responsible": other_unit.pk}, "responsible"), ({"responsible": 2**61}, "responsible"),
                            ({"department": 2**61}, "department"), ({"title": ["x"]}, "title")):
            r = api(head).post("/api/v1/campaign/problems/", _body(**over), format="json")
            assert r.status_code == 400 and field in r.json(), (over, r.status_code, r.content)


def test_only_the_unit_and_the_centre_see_and_write(demo, unchanged):
    head = user("depthead")
    r = api(head).post("/api/v1/campaign/problems/", _body(), format="json")
    pk = r.json()["id"]
    url = f"/api/v1/campaign/problems/{pk}/"
    outsider, applicant = user("chief_sj"), user("13800138000") if _has_applicant() else None
    with unchanged():
        # Another unit's head: neither sees it nor registers for the unit.
        assert api(outsider).get(url).status_code == 404
        assert pk not in [p["id"] for p in api(outsider).get("/api/v1/campaign/problems/").json()["results"]]
        assert api(outsider).post(url + "conditions/", {"condition": "cause", "text": "x"}, format="json").status_code == 404
        assert api(outsider).post("/api/v1/campaign/problems/", _body(), format="json").status_code == 403
        # A handler of the unit reads but does not write; a clerk at a window of no unit reads nothing.
        handler = user("handler")
        assert api(handler).get(url).status_code == 200
        assert api(handler).post(url + "conditions/", {"condition": "cause", "text": "x"}, format="json").status_code == 403
        assert api(handler).post(url + "close/", format="json").status_code == 403
        assert api().get("/api/v1/campaign/problems/").status_code == 401
        if applicant:
            assert api(applicant).get("/api/v1/campaign/problems/").status_code == 403
        # The leader reads every unit's, and writes nothing.
        assert api(user("leader")).get(url).status_code == 200
        assert api(user("leader")).post(url + "close/", format="json").status_code == 403


def _has_applicant():
    from django.contrib.auth import get_user_model
    return get_user_model().objects.filter(username="13800138000").exists()
