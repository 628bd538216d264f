"""The joint acceptance on the staff case page: who may schedule, who records what, who sees
which results; bad input is a message and changes nothing."""

import pytest
from django.contrib.auth import get_user_model

from shenpi.cases import services as s
from shenpi.joint import services as joint
from shenpi.joint.models import Inspection, InspectionResult
from tests.cases.conftest import ORG_ID, applicant, complete, item, user

pytestmark = pytest.mark.usefixtures("demo")
JOINT = "建设工程竣工综合验收"


@pytest.fixture
def case(on):
    on(2026, 3, 2)
    return s.accept(actor=user("clerk"), case=s.submit(
        actor=user("clerk"), item=item(JOINT), channel="window", paper_materials=complete(JOINT),
        **applicant(applicant_type="organisation", applicant_name="衡阳市城建开发有限公司", applicant_id=ORG_ID)))


def members(case):
    return {f"member_{st.department_id}": "验收组" for st in joint.joint_stage(case)}


def test_who_schedules_and_who_records(client, case, on):
    url = f"/staff/cases/{case.number}/inspections/"
    schedule = url + "schedule/"
    body = {"on": "2026-03-03", "place": "项目现场", **members(case)}
    assert client.post(schedule, body).status_code == 302 and not Inspection.objects.exists()  # to the login
    client.force_login(get_user_model().objects.create_user("13900002222", password="x-Secret-9"))
    assert client.post(schedule, body).status_code == 403
    for who in ("handler_rf", "supervisor", "leader"):  # a department, supervisors: not the coordinator
        client.force_login(user(who))
        assert client.post(schedule, body).status_code in (403, 404), who
    assert not Inspection.objects.exists()
    client.force_login(user("clerk"))
    page = client.get(f"/staff/cases/{case.number}/").content.decode()
    assert 'id="schedule-inspection"' in page and 'class="record-result"' not in page
    assert client.post(schedule, {**body, "on": "nope"}).status_code == 302 and not Inspection.objects.exists()
    assert client.post(schedule, body).status_code == 302
    inspection = Inspection.objects.get()
    on(2026, 3, 3, h=15)
    fire = next(st for st in joint.joint_stage(case) if st.department.short_name == "市消防救援支队")
    result = f"{url}{inspection.pk}/result/"
    assert client.post(result, {"step": fire.pk, "result": "pass"}).status_code == 403  # the coordinator decides none
    client.force_login(user("handler_rf"))
    assert client.post(result, {"step": fire.pk, "result": "pass"}).status_code == 403  # not the fire brigade's
    page = client.get(f"/staff/cases/{case.number}/").content.decode()
    assert 'class="record-result"' in page and f'id="record-{fire.pk}"' not in page  # only its own part's form
    client.force_login(fire.assignee)
    page = client.get(f"/staff/cases/{case.number}/").content.decode()
    assert f'id="record-{fire.pk}"' in page and f"/steps/{fire.pk}/complete/" not in page  # by the inspection only
    assert client.post(result, {"step": fire.pk, "result": "fail", "items": ""}).status_code == 302  # a message
    assert client.post(result, {"step": "²", "result": "pass"}).status_code == 302
    assert not InspectionResult.objects.exists()
    assert client.post(result, {"step": fire.pk, "result": "fail", "items": "缺少灭火器"}).status_code == 302
    assert InspectionResult.objects.get().items == "缺少灭火器"
    # A department sees its own results; the coordinator and supervisors all.
    client.force_login(user("handler_rf"))
    assert "缺少灭火器" not in client.get(url).content.decode()
    for who in ("clerk", "supervisor"):
        client.force_login(user(who))
        assert "缺少灭火器" in client.get(url).content.decode(), who
    client.force_login(user("clerk_sj"))  # a clerk of another department's window: not a case to see
    assert client.get(url).status_code == 404


def test_a_parallel_approval_is_no_site_inspection(client, on):
    """D1's parallel approvals (several departments' steps, not an acceptance) are finished
    step by step, with no inspection to schedule."""
    from shenpi.joint.models import AcceptanceItem
    on(2026, 3, 2)
    AcceptanceItem.objects.all().delete()
    c = s.accept(actor=user("clerk"), case=s.submit(
        actor=user("clerk"), item=item(JOINT), channel="window", paper_materials=complete(JOINT),
        **applicant(applicant_type="organisation", applicant_name="衡阳市城建开发有限公司", applicant_id=ORG_ID)))
    assert joint.joint_stage(c) == [] and joint.progress(c) == []
    client.force_login(user("clerk"))
    page = client.get(f"/staff/cases/{c.number}/").content.decode()
    assert 'id="joint"' not in page and 'id="schedule-inspection"' not in page
    client.force_login(user("handler"))  # the housing bureau's part: its own step form, as any step
    assert "我的环节" in client.get(f"/staff/cases/{c.number}/").content.decode()


def test_a_result_carries_evidence_seen_by_those_who_see_the_result(client, case, on, media):
    from django.core.files.uploadedfile import SimpleUploadedFile
    members_ = members(case)
    client.force_login(user("clerk"))
    client.post(f"/staff/cases/{case.number}/inspections/schedule/", {"on": "2026-03-03", "place": "现场", **members_})
    inspection = Inspection.objects.get()
    on(2026, 3, 3, h=15)
    fire = next(st for st in joint.joint_stage(case) if st.department.short_name == "市消防救援支队")
    url = f"/staff/cases/{case.number}/inspections/{inspection.pk}/result/"
    client.force_login(fire.assignee)
    fake = SimpleUploadedFile("现场.pdf", b"<html>not a pdf</html>", content_type="application/pdf")
    client.post(url, {"step": fire.pk, "result": "fail", "items": "缺少灭火器", "evidence": fake})
    assert not InspectionResult.objects.exists() and not any(media.rglob("*"))  # refused, nothing kept
    photo = SimpleUploadedFile("现场.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")
    client.post(url, {"step": fire.pk, "result": "fail", "items": "缺少灭火器", "evidence": photo})
    result = InspectionResult.objects.get()
    assert result.evidence and result.evidence_name == "现场.pdf"
    link = f"/staff/cases/{case.number}/inspections/evidence/{result.pk}/"
    assert link in client.get(f"/staff/cases/{case.number}/inspections/").content.decode()
    assert client.get(link).status_code == 200
    client.force_login(user("clerk"))  # the coordinator
    assert client.get(link).status_code == 200
    client.force_login(user("handler_rf"))  # another department: not its result
    assert client.get(link).status_code == 404
