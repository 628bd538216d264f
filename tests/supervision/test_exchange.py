"""The exchange intake (E4): a department's own system pushes its cases with its own token; a
good batch makes external cases that the warning sweep and the rules watch like any other; a
batch with one bad record is refused whole, with every bad record's reasons, nothing stored."""

import io

import pytest
from django.core.management import call_command

from shenpi.audit.models import AuditEntry
from shenpi.cases.models import Case, CaseEvent
from shenpi.supervision.exchange import add_system
from shenpi.supervision.models import Card, Finding
from shenpi.supervision.rules import sweep_new_events
from shenpi.supervision.tasks import sweep_overtime_warnings
from tests.cases.conftest import ORG_ID, item

pytestmark = pytest.mark.usefixtures("demo")
PERMIT = "建筑工程施工许可证核发"
URL = "/api/v1/exchange/"


@pytest.fixture
def system():
    permit = item(PERMIT)
    _, token = add_system(code="ZJ-OA", name="住建局审批系统", department=permit.department)
    return token


def post(client, token, records):
    return client.post(URL, {"records": records}, content_type="application/json",
                       HTTP_AUTHORIZATION=f"Exchange {token}")


def record(number, **over):
    base = {"case_number": number, "item_code": item(PERMIT).implementation_code,
            "applicant": {"type": "2", "name": "衡阳建工集团", "id": ORG_ID, "phone": "13800138000"},
            "channel": "1", "received_at": "20260302090000", "received_by": "王五",
            "acceptance": {"at": "20260302100000", "person": "王五", "document_number": "衡住建受〔2026〕1号"},
            "steps": [{"name": "审查", "handler": "赵六", "start": "20260302100000", "status": "待办"}]}
    base.update(over)
    return base


def test_a_good_batch_makes_external_cases_that_warn_and_are_ruled_on(client, system, on):
    on(2026, 3, 2, h=12)
    delivered = record("ZJ2026-0002", steps=[{"name": "审查", "handler": "赵六", "start": "20260302100000",
                                              "end": "20260302110000", "status": "已办", "action": "通过"}],
                       result={"decision": "1", "at": "20260302113000", "person": "陈七", "licence_number": "许2026-2"})
    r = post(client, system, [record("ZJ2026-0001"), delivered])
    assert r.status_code == 200, r.content
    assert r.json() == {"created": 2, "updated": 0, "cases": ["ZJ2026-0001", "ZJ2026-0002"]}
    open_case = Case.objects.get(number="ZJ2026-0001")
    assert open_case.external_system == "ZJ-OA" and open_case.state == "accepted"
    assert open_case.promised_due and open_case.statutory_due and open_case.steps.count() == 1
    assert Case.objects.get(number="ZJ2026-0002").state == "approved"
    assert AuditEntry.objects.filter(action="exchange.batch").count() == 1
    # Past the promise: the open external case is carded like any other.
    on(2026, 4, 30)
    sweep_overtime_warnings()
    assert Card.objects.filter(case=open_case, level="red").exists()
    assert Card.objects.filter(case__number="ZJ2026-0002", clock="delivery", level="red").exists()
    # Delivered late, and the history grows: the same case number from the same system.
    delivered["delivery"] = {"at": "20260429100000", "method": "邮寄"}
    r = post(client, system, [delivered])
    assert r.status_code == 200 and r.json()["updated"] == 1
    case = Case.objects.get(number="ZJ2026-0002")
    assert case.state == "delivered" and case.events.count() == 5
    sweep_new_events()
    assert Finding.objects.filter(case=case, rule="delivery-late").exists()


def test_a_batch_with_bad_records_is_refused_whole_with_reasons(client, system, on):
    on(2026, 3, 2, h=12)
    before = (Case.objects.count(), CaseEvent.objects.count())
    bad_time = record("ZJ2026-0011", received_at="2026-03-02")
    bad_item = record("ZJ2026-0012", item_code="NOPE")
    bad_person = record("ZJ2026-0013", applicant={"type": "1", "name": "张三", "id": "110105194912310021",
                                                    "phone": "123"})
    r = post(client, system, [record("ZJ2026-0010"), bad_time, bad_item, bad_person, "x"])
    assert r.status_code == 400
    body = r.json()
    assert "整批拒收" in body["detail"]
    by_index = {p["index"]: p["errors"] for p in body["records"]}
    assert set(by_index) == {1, 2, 3, 4}
    assert "received_at" in by_index[1] and "YYYYMMDDhhmmss" in by_index[1]["received_at"][0]
    assert "item_code" in by_index[2]
    assert {"applicant.id", "applicant.phone"} <= set(by_index[3])
    assert (Case.objects.count(), CaseEvent.objects.count()) == before
    assert not AuditEntry.objects.filter(action="exchange.batch").exists()


def test_what_else_is_refused(client, system, on):
    on(2026, 3, 2, h=12)
    assert post(client, system, []).status_code == 400
    r = client.post(URL, [1, 2], content_type="application/json", HTTP_AUTHORIZATION=f"Exchange {system}")
    assert r.status_code == 400
    twice = post(client, system, [record("ZJ2026-0020"), record("zj2026-0020")])
    assert twice.status_code == 400 and twice.json()["records"][0]["errors"]["case_number"] == ["本批中重复"]
    # Another department's item; a number Shenpi's own cases hold.
    other = item("不动产转移登记").implementation_code
    assert "item_code" in post(client, system, [record("ZJ2026-0021", item_code=other)]).json()["records"][0]["errors"]
    from shenpi.cases import services as s
    from tests.cases.conftest import applicant, complete, user
    own = s.submit(actor=user("clerk"), item=item(PERMIT), channel="window", paper_materials=complete(PERMIT),
                   **applicant()).number
    assert "case_number" in post(client, system, [record(own)]).json()["records"][0]["errors"]
    # A history that does not begin with what was sent before.
    assert post(client, system, [record("ZJ2026-0022")]).status_code == 200
    changed = record("ZJ2026-0022", acceptance={"at": "20260302103000", "person": "王五"})
    assert post(client, system, [changed]).status_code == 400
    assert Case.objects.get(number="ZJ2026-0022").events.count() == 2


def test_only_a_registered_system_may_push(client, system, on):
    on(2026, 3, 2, h=12)
    assert client.post(URL, {"records": [record("ZJ2026-0030")]}, content_type="application/json").status_code == 401
    assert post(client, "sx_wrong", [record("ZJ2026-0030")]).status_code == 401
    out = io.StringIO()
    call_command("supervise", "system", "ZJ-OA", "--revoke", stdout=out)
    assert post(client, system, [record("ZJ2026-0030")]).status_code == 401
    # A person's API token is not a system's.
    from tests.cases.conftest import user
    client.force_login(user("supervisor"))
    assert client.post(URL, {"records": []}, content_type="application/json").status_code in (401, 403)
    assert not Case.objects.filter(number="ZJ2026-0030").exists()


def test_the_command_registers_a_system_and_shows_its_token_once():
    out = io.StringIO()
    dept = item(PERMIT).department_id
    call_command("supervise", "system", "ZJ-2", "住建局二号系统", "--department", str(dept), stdout=out)
    token = out.getvalue().strip().splitlines()[-1]
    from shenpi.supervision.exchange import system_for
    assert token.startswith("sx_") and system_for(token).code == "ZJ-2"


def test_an_external_case_is_read_in_shenpi_and_never_acted_on(client, system, on):
    from django.core.exceptions import PermissionDenied

    from shenpi.cases import services as s
    from tests.cases.conftest import user
    on(2026, 3, 2, h=12)
    assert post(client, system, [record("ZJ2026-0040", acceptance=None, steps=[])]).status_code == 200
    case = Case.objects.get(number="ZJ2026-0040")
    assert case.state == "submitted"
    with pytest.raises(PermissionDenied):
        s.accept(actor=user("clerk"), case=case)
    client.force_login(user("clerk"))
    page = client.get(f"/staff/cases/{case.number}/").content.decode()
    assert case.number in page and "/act/accept/" not in page
    client.force_login(user("supervisor"))
    assert case.number in client.get("/staff/search/?q=ZJ2026-0040").content.decode()
