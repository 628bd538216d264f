"""Joint completion acceptance through the HTTP API (issue 14, D2): five departments inspect
the finished building together; one fails, is inspected again alone and passes; the case is
decided within its 5 working days and the consolidated opinion is issued; each department
records only its own part and the coordinator records none."""

import datetime

import pytest

from shenpi.cases.models import Case, Notice, Outbox
from shenpi.joint.models import Inspection, InspectionResult
from shenpi.workdays.selectors import current_calendar
from tests.conftest import api

from ..cases.conftest import ORG_ID, applicant, complete, user

pytestmark = pytest.mark.usefixtures("demo")
JOINT = "建设工程竣工综合验收"


def post(username, url, body=None, expect=(200, 201)):
    r = api(user(username)).post(url, body or {}, format="json")
    assert r.status_code in ((expect,) if isinstance(expect, int) else expect), (url, r.status_code, r.content[:400])
    return r.json()


def received(on):
    from tests.cases.conftest import item
    on(2026, 3, 2)
    c = post("clerk", "/api/v1/cases/", {"item": item(JOINT).pk, "channel": "window", "paper_materials": complete(JOINT),
                                         **applicant(applicant_type="organisation", applicant_name="衡阳市城建开发有限公司",
                                                     applicant_id=ORG_ID)})
    c = post("clerk", f"/api/v1/cases/{c['number']}/accept/")
    return c


def holder_of(case_json, short_name):
    step = next(s for s in case_json["steps"] if s["status"] == "open" and s["name"].startswith(short_name))
    return step["assignee"], step["id"]


def test_a_joint_acceptance_with_a_re_inspection_completes_in_five_working_days(on):
    c = received(on)
    number = c["number"]
    assert c["clocks"]["promised"]["due"] == str(current_calendar().add_workdays(
        Case.objects.get(number=number).accepted_on, 5))
    departments = {s["department_id"]: s for s in c["steps"] if s["status"] == "open"}
    assert len(departments) == 5
    members = {str(d): f"{s['name']}人员" for d, s in departments.items()}
    url = f"/api/v1/cases/{number}/inspections/"
    inspection = post("clerk", url, {"on": "2026-03-04", "place": "项目现场(衡阳市蒸湘区)", "members": members}, 201)
    assert inspection["round"] == 1 and set(inspection["members"]) == set(members)
    assert any("联合现场验收" in m.body for m in Outbox.objects.filter(case__number=number))
    on(2026, 3, 4, h=15)
    results = f"{url}{inspection['id']}/results/"
    c = api(user("clerk")).get(f"/api/v1/cases/{number}/").json()
    for short in ("市自然资源和规划局", "市住建局", "市人防办", "市房产局"):
        who, step = holder_of(c, short)
        post(who, results, {"step": step, "passed": True, "opinion": "符合要求"}, 201)
    who, fire = holder_of(c, "市消防救援支队")
    post(who, results, {"step": fire, "passed": False, "items": "疏散指示标志缺失;喷淋末端试水压力不足"}, 201)
    # The fire brigade's part stays open; the others are done.
    c = api(user("clerk")).get(f"/api/v1/cases/{number}/").json()
    assert [s["name"] for s in c["steps"] if s["status"] == "open"] == ["市消防救援支队验收"]
    # The re-inspection: the fire brigade alone.
    second = post("clerk", url, {"on": "2026-03-05", "place": "项目现场", "members": {str(departments_of(c, fire)): "唐亮"}},
                  201)
    assert second["round"] == 2 and list(second["members"]) == [str(departments_of(c, fire))]
    on(2026, 3, 5, h=11)
    post(who, f"{url}{second['id']}/results/", {"step": fire, "passed": True, "opinion": "整改完成,复验合格"}, 201)
    c = api(user("clerk")).get(f"/api/v1/cases/{number}/").json()
    decide_step = next(s for s in c["steps"] if s["status"] == "open")
    post(decide_step["assignee"], f"/api/v1/cases/{number}/steps/{decide_step['id']}/complete/",
         {"outcome": "pass", "opinion": "同意"})
    on(2026, 3, 6, h=10)
    c = post("approver", f"/api/v1/cases/{number}/decide/", {"decision": "approve", "licence_number": "衡联验〔2026〕1号"})
    assert c["state"] == "approved" and c["decided_on"] <= c["clocks"]["promised"]["due"]
    case = Case.objects.get(number=number)
    assert current_calendar().workdays_between(case.accepted_on, case.decided_on) <= 5
    opinion = Notice.objects.get(case=case, kind="joint")
    text = "\n".join(opinion.body)
    assert opinion.title == "联合验收意见书" and text.count("通过") == 5 and "复验合格" in text
    pdf = api(user("clerk")).get(f"/api/v1/cases/{number}/notices/{opinion.pk}/pdf/")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf" and pdf.content[:4] == b"%PDF"
    assert InspectionResult.objects.filter(passed=False).count() == 1 and Inspection.objects.count() == 2


def departments_of(case_json, step_id):
    return next(s["department_id"] for s in case_json["steps"] if s["id"] == step_id)


def test_each_department_records_only_its_own_part_and_the_coordinator_none(on):
    c = received(on)
    number = c["number"]
    members = {str(s["department_id"]): "x" for s in c["steps"] if s["status"] == "open"}
    url = f"/api/v1/cases/{number}/inspections/"
    post("handler", url, {"on": "2026-03-04", "place": "现场", "members": members}, 403)  # a department: not the coordinator
    inspection = post("clerk", url, {"on": "2026-03-04", "place": "现场", "members": members}, 201)
    results = f"{url}{inspection['id']}/results/"
    fire_holder, fire = holder_of(c, "市消防救援支队")
    post(fire_holder, results, {"step": fire, "passed": True}, 400)  # before the inspection took place
    on(2026, 3, 4, h=15)
    post("clerk", results, {"step": fire, "passed": True}, 403)  # the coordinator decides no result
    post("handler_rf", results, {"step": fire, "passed": True}, 403)  # another department's
    post(fire_holder, results, {"step": fire, "passed": False}, 400)  # a fail must say what to fix
    post(fire_holder, results, {"step": fire, "passed": False, "items": "缺少灭火器"}, 201)
    post(fire_holder, results, {"step": fire, "passed": True}, 400)  # once per inspection
    # A second round only when every result of the first is in.
    post("clerk", url, {"on": "2026-03-05", "place": "现场", "members": {str(departments_of(c, fire)): "唐亮"}}, 400)
    # A department sees its own results only; the coordinator all.
    rf = api(user("handler_rf")).get(url).json()
    assert rf[0]["results"] == []
    xf = api(user(fire_holder)).get(url).json()
    assert [r["passed"] for r in xf[0]["results"]] == [False]
    assert len(api(user("clerk")).get(url).json()[0]["results"]) == 1
    # Odd input: a 400 naming the field, nothing stored.
    before = Inspection.objects.count()
    for body in ({"on": "2026-02-01", "place": "x", "members": members}, {"on": "x", "place": "x", "members": members},
                 {"on": "2026-03-07", "place": "x", "members": members},  # a Saturday
                 {"on": "2026-03-05", "place": "", "members": members}, {"on": "2026-03-05", "place": "x", "members": []}):
        r = api(user("clerk")).post(url, body, format="json")
        assert r.status_code == 400, (body, r.content)
    assert Inspection.objects.count() == before
    assert api(user("clerk")).post(f"{url}99999/results/", {"step": fire, "passed": True}, format="json").status_code == 404
    assert api().get(url).status_code == 401
    assert api(user("clerk_sj")).get(url).status_code == 404  # not a case this clerk may see


def test_a_department_late_on_its_part_is_carded(on):
    from shenpi.supervision.models import Card
    from shenpi.supervision.tasks import sweep_overtime_warnings
    c = received(on)
    case = Case.objects.get(number=c["number"])
    fire = case.steps.get(status="open", name__startswith="市消防救援支队")
    others = case.steps.filter(status="open").exclude(pk=fire.pk)
    on(2026, 3, 4, h=15)
    inspection = joint_schedule(case, {str(s.department_id): "验收组" for s in case.steps.filter(status="open")})
    for s in others:
        post(s.assignee.username, f"/api/v1/cases/{case.number}/inspections/{inspection.pk}/results/",
             {"step": s.pk, "passed": True}, 201)
    day = current_calendar().add_workdays(fire.due_on, 1)
    on(day.year, day.month, day.day)
    sweep_overtime_warnings()
    card = Card.objects.get(step=fire, level="red")
    assert card.responsible == fire.assignee and card.department_id == fire.department_id
    assert not Card.objects.filter(step__in=list(others), level="red").exists()


def joint_schedule(case, members):
    from shenpi.joint import services as joint
    return joint.schedule(actor=user("clerk"), case=case, on=datetime.date(2026, 3, 4), place="项目现场",
                          members=members)
