"""Online applications reach the window (issue 10, items 1-3): the inbox, one clerk at a time,
files opened in the browser, materials complete at acceptance, the receipt of materials, and
the applicant's online supplement."""

import pytest
from django.contrib.auth import get_user_model

from shenpi.cases import services as s
from shenpi.cases.models import Case
from shenpi.catalog.models import ItemVersion
from shenpi.org import services as org
from shenpi.org.roles import Role
from tests.conftest import api

from .conftest import complete, item, user
from .test_notices import pdf_text
from .test_portal_apply import PDF, form, register

pytestmark = pytest.mark.usefixtures("demo")
PERMIT = "建筑工程施工许可证核发"  # required: 申请书(申请表)、土地使用权证明文件、建设工程施工合同、施工图设计文件审查合格书


def apply_online(client, uploads=("申请书(申请表)", "土地使用权证明文件")) -> Case:
    register(client)
    version = ItemVersion.objects.get(item=item(PERMIT), status="published")
    r = client.post(f"/apply/{item(PERMIT).implementation_code}/", form(version, **{n: PDF for n in uploads}))
    assert r.status_code == 302, r.content.decode()[:500]
    return Case.objects.get(channel="online")


@pytest.fixture
def second_clerk(db):
    clerk = user("clerk").staff
    return org.save_staff(actor=user("admin"), username="clerk2", password="x-Secret-9", name="张敏", roles=[Role.WINDOW_CLERK],
                          department=clerk.department, window=clerk.window, employment="permanent", position="officer").user


def test_an_online_application_waits_in_the_inbox_and_one_clerk_takes_it(client, on, media, second_clerk):
    on(2026, 3, 2)
    case = apply_online(client)
    receipt = case.notices.get(kind="materials")
    assert receipt.title == "收件凭证" and receipt.number == f"{case.number}-SJ"
    assert "申请书(申请表)(电子文件:" in "".join(receipt.body)

    on(2026, 3, 6)  # the 4th working day after receipt; due 3-9
    staff = client.__class__()
    staff.force_login(user("clerk"))
    page = staff.get("/staff/inbox/").content.decode()
    assert case.number in page and "剩余 1 个工作日" in page
    other = client.__class__()
    other.force_login(user("clerk_sj"))  # another department's window
    assert case.number not in other.get("/staff/inbox/").content.decode()
    assert "/staff/inbox/" in staff.get("/staff/").content.decode()  # the clerk's home leads there

    # The clerk opens an uploaded file in the browser; nobody else can.
    material = case.materials.exclude(file="").first()
    r = staff.get(f"/staff/cases/{case.number}/materials/{material.pk}/")
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    assert r["Content-Disposition"].startswith("inline") and r["Content-Security-Policy"] == "sandbox"
    assert b"".join(r.streaming_content) == PDF
    assert other.get(f"/staff/cases/{case.number}/materials/{material.pk}/").status_code == 404
    assert client.get(f"/staff/cases/{case.number}/materials/{material.pk}/").status_code in (302, 403)

    # One clerk takes it; the other can neither take it nor answer it.
    r = staff.post(f"/staff/cases/{case.number}/claim/")
    assert r.status_code == 302 and r.url == f"/staff/cases/{case.number}/"
    case.refresh_from_db()
    assert case.claimed_by == user("clerk")
    second = client.__class__()
    second.force_login(second_clerk)
    r = second.post(f"/staff/cases/{case.number}/claim/", follow=True)
    assert "李敏" in r.content.decode()  # says who has it
    r = api(second_clerk).post(f"/api/v1/cases/{case.number}/supplement/", {"materials": ["建设工程施工合同"]},
                               format="json")
    assert r.status_code == 409 and "李敏" in r.json()["detail"]

    # Accepting with required materials missing is refused, naming them, and changes nothing.
    before = Case.objects.get(pk=case.pk)
    r = api(user("clerk")).post(f"/api/v1/cases/{case.number}/accept/", {}, format="json")
    assert r.status_code == 400
    assert "建设工程施工合同" in r.json()["materials"][0] and "施工图设计文件审查合格书" in r.json()["materials"][0]
    after = Case.objects.get(pk=case.pk)
    assert (after.state, after.row_version, after.notices.count()) == (before.state, before.row_version, 1)


def test_the_applicant_supplies_online_and_the_clerk_accepts(client, on, media):
    on(2026, 3, 2)
    case = apply_online(client)
    s.claim(actor=user("clerk"), case=case)
    s.supplement(actor=user("clerk"), case=case, materials=["建设工程施工合同", "施工图设计文件审查合格书"])
    page = client.get(f"/my/{case.number}/").content.decode()
    assert 'id="supplement"' in page and "建设工程施工合同" in page

    on(2026, 3, 4)
    r = client.post(f"/my/{case.number}/supplement/", {}, follow=True)  # nothing handed in
    assert "建设工程施工合同" in r.content.decode()
    assert Case.objects.get(pk=case.pk).state == "awaiting_supplement"
    from django.core.files.uploadedfile import SimpleUploadedFile
    r = client.post(f"/my/{case.number}/supplement/", {
        "owed-0": SimpleUploadedFile("contract.pdf", PDF, content_type="application/pdf"),
        "owed-1": SimpleUploadedFile("review.pdf", PDF, content_type="application/pdf")}, follow=True)
    case.refresh_from_db()
    assert case.state == "submitted" and case.clock_start.isoformat() == "2026-03-04"
    assert case.acceptance_due.isoformat() == "2026-03-11"
    assert "contract.pdf" in "".join(case.notices.get(number=f"{case.number}-SJ2").body)

    r = api(user("clerk")).post(f"/api/v1/cases/{case.number}/accept/", {}, format="json")
    assert r.status_code == 200 and r.json()["accepted_on"] == "2026-03-04", r.content
    notice = case.notices.get(kind="acceptance")
    staff = client.__class__()
    staff.force_login(user("clerk"))
    r = staff.get(f"/staff/cases/{case.number}/notices/{notice.pk}.pdf")
    assert r["Content-Disposition"].startswith("inline")
    assert case.department.name in pdf_text(r.content)
    r = staff.get(f"/staff/cases/{case.number}/notices/{notice.pk}.pdf?download=1")
    assert r["Content-Disposition"].startswith("attachment")


def test_a_conditional_material_not_handed_in_needs_the_clerks_note(on):
    on(2026, 3, 2)
    name = "不动产转移登记"
    case = s.submit(actor=user("clerk_fg"), item=item(name), channel="window", paper_materials=complete(name),
                    applicant_type="person", applicant_name="张三", applicant_id="11010519491231002X",
                    applicant_phone="13800138000")
    r = api(user("clerk_fg")).post(f"/api/v1/cases/{case.number}/accept/", {}, format="json")
    assert r.status_code == 400 and "授权委托书" in r.json()["note"][0]
    r = api(user("clerk_fg")).post(f"/api/v1/cases/{case.number}/accept/", {"note": "申请人本人办理"}, format="json")
    assert r.status_code == 200 and r.json()["events"][-1]["payload"]["note"] == "申请人本人办理"


def test_at_the_counter_the_clerk_ticks_what_is_handed_in_when_accepting(client, on):
    on(2026, 3, 2)
    case = s.submit(actor=user("clerk"), item=item(PERMIT), channel="window", paper_materials=["申请书(申请表)"],
                    applicant_type="person", applicant_name="张三", applicant_id="11010519491231002X",
                    applicant_phone="13800138000")
    assert "申请书(申请表)(纸质:原件1份)" in "".join(case.notices.get(kind="materials").body)
    client.force_login(user("clerk"))
    page = client.get(f"/staff/cases/{case.number}/").content.decode()
    assert "未收到" in page and "必需" in page
    r = client.post(f"/staff/cases/{case.number}/act/accept/", {"version": case.row_version}, follow=True)
    assert "土地使用权证明文件" in r.content.decode() and Case.objects.get(pk=case.pk).state == "submitted"
    rest = [m for m in complete(PERMIT) if m != "申请书(申请表)"]
    r = client.post(f"/staff/cases/{case.number}/act/accept/", {"version": case.row_version, "paper_materials": rest})
    case.refresh_from_db()
    assert case.state == "accepted" and case.materials.count() == 4


def test_only_clerks_of_the_window_take_online_applications(client, on, media):
    on(2026, 3, 2)
    case = apply_online(client)
    for name in ("reviewer", "clerk_sj", "supervisor"):
        r = api(user(name)).post(f"/api/v1/cases/{case.number}/accept/", {}, format="json")
        assert r.status_code in (403, 404), name
    other = client.__class__()
    other.force_login(user("reviewer"))
    assert other.get("/staff/inbox/").status_code == 403
    assert get_user_model().objects.filter(username="13912345678").exists()
