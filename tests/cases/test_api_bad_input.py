"""Bad input gets 400 with the field and the reason, and changes nothing."""

import pytest

from shenpi.cases import services as s
from tests.conftest import api

from .conftest import ORG_ID, PERSON_ID, applicant, complete, item, user

pytestmark = pytest.mark.usefixtures("demo")
PERMIT = "建筑工程施工许可证核发"


def body(**over):
    return {"item": item(PERMIT).pk, "channel": "window", **applicant(**over)}


@pytest.mark.parametrize("over, field", [
    ({"applicant_id": PERSON_ID[:-1] + "1"}, "applicant_id"),                   # wrong check character
    ({"applicant_type": "organisation", "applicant_id": ORG_ID[:-1] + "1"}, "applicant_id"),  # wrong credit code
    ({"applicant_phone": "1234"}, "applicant_phone"),
    ({"applicant_name": " "}, "applicant_name"),
    ({"paper_materials": ["不存在的材料"]}, "paper_materials"),
    ({"channel": "fax"}, "channel"),
])
def test_bad_submissions(on, unchanged, over, field):
    on(2026, 3, 2)
    with unchanged():
        r = api(user("clerk")).post("/api/v1/cases/", body(**over), format="json")
    assert r.status_code == 400, r.content
    assert field in r.json() and r.json()[field][0]


def test_cancelled_item_takes_no_case(on, unchanged):
    on(2026, 3, 2)
    with unchanged():
        r = api(user("clerk")).post("/api/v1/cases/", {**body(), "item": item("建设工程质量监督注册").pk}, format="json")
    assert r.status_code in (400, 403)


@pytest.fixture
def case(on):
    on(2026, 3, 2)
    return s.submit(actor=user("clerk"), item=item(PERMIT), channel="window", paper_materials=complete(PERMIT),
                    **applicant())


@pytest.mark.parametrize("who, action, payload, field", [
    ("clerk", "deliver", {"method": "窗口领取"}, "state"),                    # not allowed in the state
    ("clerk", "refuse", {"reasons": "  "}, "reasons"),                        # missing reasons
    ("clerk", "supplement", {"materials": [], "note": ""}, "materials"),
    ("clerk", "supplement", {"materials": ["别的材料"]}, "materials"),
])
def test_bad_actions(case, unchanged, who, action, payload, field):
    with unchanged():
        r = api(user(who)).post(f"/api/v1/cases/{case.number}/{action}/", payload, format="json")
    assert r.status_code == 400, r.content
    assert field in r.json()


def test_bad_decisions(case, unchanged):
    s.accept(actor=user("clerk"), case=case)
    for _ in range(2):  # review, then approval
        t = case.steps.filter(status="open").first()
        s.complete_step(actor=t.assignee, case=case, step_id=t.pk, outcome="pass", opinion="同意")
    url = f"/api/v1/cases/{case.number}/decide/"
    with unchanged():
        for payload, field in (({"decision": "deny", "reasons": ""}, "reasons"),
                               ({"decision": "approve", "licence_number": ""}, "licence_number"),
                               ({"decision": "approve", "licence_number": "x", "fees": [{"fee": 1, "amount_fen": 100}]}, "fees"),
                               ({"decision": "maybe"}, "decision")):
            r = api(user("approver")).post(url, payload, format="json")
            assert r.status_code == 400 and field in r.json(), (payload, r.content)


def test_bad_extension_and_suspension(case, unchanged):
    s.accept(actor=user("clerk"), case=case)
    with unchanged():
        for action, payload, field in (("extend", {"days": 11, "reason": "x"}, "days"),
                                       ("extend", {"days": 5, "reason": ""}, "reason"),
                                       ("suspend", {"kind": "喝茶", "reason": "x", "expected_days": 3}, "kind"),
                                       ("suspend", {"kind": "听证", "reason": "", "expected_days": 3}, "reason"),
                                       ("terminate", {"reason": ""}, "reason")):
            who = "depthead" if action == "extend" else "approver"  # Art. 42: the department head extends
            r = api(user(who)).post(f"/api/v1/cases/{case.number}/{action}/", payload, format="json")
            assert r.status_code == 400 and field in r.json(), (action, r.content)
