"""The law's clock never stops the centre (issue 9): the provisional year, the recount when the
year is entered, sweeps that go past a bad case, deemed acceptance as a fact of law,
resubmission, extension, special procedures, delivery and the notices. Time-travel tests:
the date is frozen and the API and pages are driven as people would."""

import io
import re
from datetime import date

import pytest
from django.core.management import call_command

from shenpi.cases import services as s
from shenpi.cases.lifecycle import State
from shenpi.cases.models import Case, CaseEvent
from shenpi.core.models import SweepRun
from shenpi.workdays.models import CalendarDay
from tests.conftest import api

from .conftest import applicant, complete, item, user
from .test_notices import pdf_text as pdf_lines


def pdf_text(data: bytes) -> str:
    return pdf_lines(data).replace("\n", "")  # the PDF wraps lines anywhere, dates too

pytestmark = pytest.mark.usefixtures("demo")

JOINT = "建设工程竣工综合验收"  # 45 working days, joint handling (five departments)
PERMIT = "建筑工程施工许可证核发"  # 一审一核件, 15 working days, promised 5
# A made-up 2027 schedule (the State Council's own comes in late autumn): New Year on Friday
# 1 January, Spring Festival 6-13 February with Sunday 14 February worked.
SCHEDULE_2027 = """
2027-01-01..2027-01-03 元旦 休
2027-02-06..2027-02-13 春节 休
2027-02-14 春节 班
"""


@pytest.fixture(autouse=True)
def calendar_ends_2026(db):
    """These tests are about the year the package does not know: make sure it is 2027."""
    assert CalendarDay.objects.order_by("-date").first().date == date(2026, 12, 31)


def post(who, url, body=None):
    return api(user(who)).post(url, body or {}, format="json")


def detail(who, number):
    return api(user(who)).get(f"/api/v1/cases/{number}/").json()


def receive(name=PERMIT, clerk="clerk", **over):
    return s.submit(actor=user(clerk), item=item(name), channel="window", paper_materials=complete(name),
                    **applicant(**over))


def enter_2027(client):
    client.force_login(user("admin"))
    r = client.post("/admin/workdays/calendarday/add-year/", {"document_number": "国办发明电〔2026〕7号",
                                                               "schedule": SCHEDULE_2027}, follow=True)
    assert r.status_code == 200 and CalendarDay.objects.filter(date__year=2027).count() == 365
    return r


# --- 1. the provisional clock through the services, pages, notices and API ---------------------

def test_a_45_day_item_accepted_on_2026_11_27_is_provisional_then_recounted_when_2027_is_entered(on, client):
    on(2026, 11, 27)
    case = receive(JOINT)
    r = post("clerk", f"/api/v1/cases/{case.number}/accept/")
    assert r.status_code == 200, r.content
    c = r.json()
    # 45 working days from 2026-11-27, 2027 counted Monday to Friday.
    assert c["statutory_due"] == "2027-01-29" and c["promised_due"] == "2026-12-04"
    assert c["provisional_dates"] == ["statutory_due"]
    assert c["clocks"]["statutory"]["provisional"] is True and c["clocks"]["promised"]["provisional"] is False
    assert Case.objects.get(pk=case.pk).provisional

    client.force_login(user("clerk"))
    page = client.get(f"/staff/cases/{case.number}/").content.decode()
    statutory = re.search(r'id="clock-statutory">(.*?)</div>', page, re.S).group(1)
    assert "2027-01-29" in statutory and "暂定" in statutory
    assert "暂定" not in re.search(r'id="clock-promised">(.*?)</div>', page, re.S).group(1)

    (notice,) = [n for n in c["notices"] if n["title"] == "受理通知书"]
    text = pdf_text(api(user("clerk")).get(f"/api/v1/cases/{case.number}/notices/{notice['id']}/pdf/").content)
    assert "2027年1月29日(暂定)" in text and "2026年12月4日(暂定)" not in text
    assert "节假日安排公布前" in text  # the note saying what the mark means

    lookup = client.get(f"/lookup/?number={case.number}&code={case.query_code}").content.decode()
    assert "暂定" in lookup

    # The administrator enters 2027: the date is recounted in the same transaction, with an event.
    on(2026, 12, 1)
    r = enter_2027(client)
    assert "暂定日期已重新计算：1 件中 1 件的日期有变化" in r.content.decode()
    case.refresh_from_db()
    assert case.statutory_due == date(2027, 2, 1)  # New Year's Day is off after all
    assert not case.provisional
    event = CaseEvent.objects.get(case=case, action="recount")
    assert event.payload["moved"] == {"statutory_due": ["2027-01-29", "2027-02-01"]}
    assert "国办发明电〔2026〕7号" in event.payload["reason"]
    c = detail("clerk", case.number)
    assert c["provisional_dates"] == [] and c["statutory_due"] == "2027-02-01"
    assert "暂定" not in client.get(f"/staff/cases/{case.number}/").content.decode().split("<h2>")[0]
    assert any("重新计算" in m.body for m in case.messages.all())  # the applicant is told
    lookup = client.get(f"/lookup/?number={case.number}&code={case.query_code}").content.decode()
    assert "期限重新计算" in lookup and "2027-01-29 → 2027-02-01" in lookup


def test_a_30_day_item_and_the_window_workbench_on_2026_11_27(on, client):
    on(2026, 11, 27)
    case = receive("国有建设用地使用权及房屋所有权首次登记", clerk="clerk_fg")
    client.force_login(user("clerk_fg"))
    r = client.post(f"/staff/cases/{case.number}/act/accept/", {"version": case.row_version})
    assert r.status_code == 302
    case.refresh_from_db()
    assert case.state == State.ACCEPTED and case.statutory_due.year == 2027 and case.provisional
    assert client.get("/staff/window/").status_code == 200


def test_receiving_on_2026_12_28_and_reading_every_case_page_on_2027_01_04(on, client):
    on(2026, 12, 28)
    r = post("clerk", "/api/v1/cases/", {"item": item(PERMIT).pk, "channel": "window", **applicant(),
                                         "paper_materials": complete(PERMIT)})
    assert r.status_code == 201, r.content
    number = r.json()["number"]
    assert r.json()["acceptance_due"] == "2027-01-04" and r.json()["provisional_dates"] == ["acceptance_due"]
    on(2027, 1, 4)
    for who in ("clerk", "reviewer", "approver", "depthead", "supervisor", "leader", "admin"):
        assert api(user(who)).get("/api/v1/cases/").status_code == 200, who
        client.force_login(user(who))
        assert client.get(f"/staff/cases/{number}/").status_code == 200, who
    assert post("clerk", f"/api/v1/cases/{number}/accept/").status_code == 200


def test_the_clock_api_and_cli_mark_provisional_answers(client):
    r = client.get("/api/v1/workdays/add?date=2026-11-27&n=45").json()
    assert r == {"date": "2026-11-27", "n": 45, "result": "2027-01-29", "provisional": True}
    assert client.get("/api/v1/workdays/add?date=2027-12-20&n=30").status_code == 400  # past the horizon
    assert client.get("/api/v1/workdays/day?date=2027-01-01").json()["provisional"] is True
    out = io.StringIO()
    call_command("workdays", "add", "2026-11-27", "45", stdout=out)
    assert out.getvalue().startswith("2027-01-29") and "暂定" in out.getvalue()


# --- 2. sweeps go past a case they cannot process ---------------------------------------------

def test_a_sweep_with_one_case_it_cannot_process_still_deems_the_others(on, client):
    on(2026, 3, 2)
    cases = [receive() for _ in range(3)]
    # One case as an old system's import left it: received on a day before any known year.
    bad = cases[1]
    Case.objects.filter(pk=bad.pk).update(clock_start=date(1999, 3, 1))
    on(2026, 3, 12)
    out, err = io.StringIO(), io.StringIO()
    call_command("worker", "--once", stdout=out, stderr=err)
    assert "sweep_deemed_acceptance: 2" in out.getvalue()
    assert bad.number in err.getvalue() and "1 failed" in err.getvalue()
    for c in (cases[0], cases[2]):
        c.refresh_from_db()
        assert c.state == State.ACCEPTED and c.deemed_accepted and c.accepted_on == date(2026, 3, 2)
    bad.refresh_from_db()
    assert bad.state == State.SUBMITTED
    run = SweepRun.objects.get(task="sweep_deemed_acceptance")  # the other sweeps record their own runs
    assert (run.task, run.done, run.failed) == ("sweep_deemed_acceptance", 2, 1)
    assert run.failures[0]["record"] == bad.number
    client.force_login(user("admin"))
    page = client.get("/admin/core/sweeprun/")
    assert page.status_code == 200 and bad.number in page.content.decode()
    # The bad case is still shown to the clerk, and acting on it says what is wrong instead of failing.
    client.force_login(user("clerk"))
    assert client.get(f"/staff/cases/{bad.number}/").status_code == 200
    assert client.get("/staff/window/").status_code == 200
    r = client.post(f"/staff/cases/{bad.number}/act/accept/", {"version": bad.row_version}, follow=True)
    assert r.status_code == 200 and "1999-03-01" in r.content.decode()
    r = post("clerk", f"/api/v1/cases/{bad.number}/accept/")
    assert r.status_code == 400 and "1999-03-01" in r.json()["detail"]


# --- 3. deemed acceptance is the law's, not the sweep's -------------------------------------------

def test_accepting_on_the_8th_working_day_dates_from_receipt_and_refusing_is_400(on, client):
    on(2026, 3, 2)
    late, other = receive(), receive()
    on(2026, 3, 12)  # the 8th working day after receipt; acceptance was due 3-9; no sweep has run
    c = detail("clerk", late.number)
    assert c["state"] == "submitted" and c["deemed_accepted"] is True and c["accepted_on"] == "2026-03-02"
    client.force_login(user("clerk"))
    page = client.get(f"/staff/cases/{other.number}/").content.decode()
    assert 'id="deemed"' in page and "act/refuse/" not in page
    r = post("clerk", f"/api/v1/cases/{other.number}/refuse/", {"reasons": "材料不全"})
    assert r.status_code == 400 and "state" in r.json(), r.content
    assert Case.objects.get(pk=other.pk).state == State.SUBMITTED
    r = post("clerk", f"/api/v1/cases/{late.number}/accept/")
    assert r.status_code == 200
    c = r.json()
    assert c["accepted_on"] == "2026-03-02" and c["deemed_accepted"] is True
    assert c["statutory_due"] == "2026-03-23" and c["promised_due"] == "2026-03-09"  # counted from receipt
    (notice,) = [n for n in c["notices"] if n["title"] == "受理通知书"]
    text = pdf_text(api(user("clerk")).get(f"/api/v1/cases/{late.number}/notices/{notice['id']}/pdf/").content)
    assert "即为受理" in text and "申请材料齐全" not in text


def test_resubmission_restarts_the_period_only_with_what_the_notice_asked_for(on, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    on(2026, 3, 2)
    case = receive()
    assert post("clerk", f"/api/v1/cases/{case.number}/supplement/",
                {"materials": ["建设工程施工合同"], "note": "缺少盖章页"}).status_code == 200
    on(2026, 3, 10)
    before = Case.objects.get(pk=case.pk)
    r = post("clerk", f"/api/v1/cases/{case.number}/resubmit/")
    assert r.status_code == 400 and "建设工程施工合同" in r.json()["paper_materials"][0]
    after = Case.objects.get(pk=case.pk)
    assert (after.state, after.clock_start, after.row_version) == (before.state, before.clock_start, before.row_version)
    from django.core.files.uploadedfile import SimpleUploadedFile
    upload = SimpleUploadedFile("contract.pdf", b"%PDF-1.4 contract", content_type="application/pdf")
    r = api(user("clerk")).post(f"/api/v1/cases/{case.number}/materials/",
                                {"name": "建设工程施工合同", "file": upload}, format="multipart")
    assert r.status_code == 201, r.content
    r = post("clerk", f"/api/v1/cases/{case.number}/resubmit/")
    assert r.status_code == 200, r.content
    assert r.json()["acceptance_due"] == "2026-03-17"  # five working days from the complete resubmission


# --- 5. extension (Art. 42) ---------------------------------------------------------------------

def test_extension_by_the_head_only_before_the_due_date_with_a_written_notice(on, client):
    on(2026, 3, 2)
    case = s.accept(actor=user("clerk"), case=receive())  # statutory due 2026-03-23
    r = post("approver", f"/api/v1/cases/{case.number}/extend/", {"days": 5, "reason": "需要现场核查"})
    assert r.status_code == 403
    late = s.accept(actor=user("clerk"), case=receive())
    on(2026, 3, 24)
    r = post("depthead", f"/api/v1/cases/{late.number}/extend/", {"days": 5, "reason": "需要现场核查"})
    assert r.status_code == 400 and "2026-03-23" in r.json()["days"][0], r.content
    on(2026, 3, 20)
    r = post("depthead", f"/api/v1/cases/{case.number}/extend/", {"days": 10, "reason": "需要组织现场核查"})
    assert r.status_code == 200, r.content
    c = r.json()
    assert c["statutory_due"] == "2026-04-07"
    (notice,) = [n for n in c["notices"] if n["title"] == "延长审批期限告知书"]
    text = pdf_text(api(user("clerk")).get(f"/api/v1/cases/{case.number}/notices/{notice['id']}/pdf/").content)
    for words in ("需要组织现场核查", "2026年4月7日", "2026年3月23日", "10个工作日", "第四十二条", "刘建国"):
        assert words in text, words
    page = client.get(f"/lookup/?number={case.number}&code={case.query_code}").content.decode()
    assert "需要组织现场核查" in page and "2026-04-07" in page and "延长审批期限告知书" in page
    lookup = client.get(f"/api/v1/cases/lookup/?number={case.number}&code={case.query_code}").json()
    assert lookup["extension"]["days"] == 10 and lookup["statutory_due"] == "2026-04-07"


def test_joint_handling_is_extended_by_a_government_leader(on):
    on(2026, 3, 2)
    case = s.accept(actor=user("clerk"), case=receive(JOINT))
    assert post("depthead", f"/api/v1/cases/{case.number}/extend/", {"days": 15, "reason": "五部门联合验收"}).status_code == 403
    r = post("leader", f"/api/v1/cases/{case.number}/extend/", {"days": 15, "reason": "五部门联合验收"})
    assert r.status_code == 200 and r.json()["extension_days"] == 15, r.content


# --- 6. special procedures (Art. 45) ----------------------------------------------------------

def test_special_procedure_needs_kind_and_duration_and_tells_the_applicant(on):
    on(2026, 3, 2)
    case = s.accept(actor=user("clerk"), case=receive())
    url = f"/api/v1/cases/{case.number}/suspend/"
    assert "kind" in post("approver", url, {"reason": "论证", "expected_days": 5}).json()
    assert "expected_days" in post("approver", url, {"kind": "专家评审", "reason": "论证"}).json()
    r = post("approver", url, {"kind": "专家评审", "reason": "组织专家论证", "expected_days": 5})
    assert r.status_code == 200
    (notice,) = [n for n in r.json()["notices"] if n["title"] == "特别程序告知书"]
    text = pdf_text(api(user("clerk")).get(f"/api/v1/cases/{case.number}/notices/{notice['id']}/pdf/").content)
    for words in ("专家评审", "组织专家论证", "5个工作日", "第四十五条", "不计算在审批期限内"):
        assert words in text, words
    on(2026, 3, 5)
    assert post("approver", f"/api/v1/cases/{case.number}/resume/", {"result": "论证通过"}).status_code == 200
    r = post("approver", url, {"kind": "检测", "reason": "委托检测", "expected_days": 3})
    assert [n["number"] for n in r.json()["notices"] if n["title"] == "特别程序告知书"] == [
        f"{case.number}-TB1", f"{case.number}-TB2"]


# --- 7. delivery (Art. 44) ------------------------------------------------------------------------

def test_delivery_due_is_shown_while_awaiting_delivery_and_a_late_one_is_recorded_late(on, client):
    on(2026, 3, 2)
    case = s.accept(actor=user("clerk"), case=receive())
    for _ in range(2):
        step = case.steps.filter(status="open").first()
        s.complete_step(actor=step.assignee, case=case, step_id=step.pk, outcome="pass", opinion="同意")
    s.decide(actor=user("approver"), case=case, decision="approve", licence_number="430400202603020101")
    c = detail("clerk", case.number)
    assert c["delivery_due"] == "2026-03-16" and c["clocks"]["delivery"]["due"] == "2026-03-16"
    assert c["clocks"]["delivery"]["remaining"] == 10
    client.force_login(user("clerk"))
    assert 'id="clock-delivery"' in client.get(f"/staff/cases/{case.number}/").content.decode()
    assert case.number in client.get("/staff/window/").content.decode()  # awaiting delivery at the window
    on(2026, 3, 18)
    c = post("clerk", f"/api/v1/cases/{case.number}/deliver/", {"method": "窗口领取"}).json()
    assert c["events"][-1]["payload"]["late_workdays"] == 2 and "delivery" not in c["clocks"]
    client.force_login(user("clerk"))  # a new day's session
    assert "超期 2 个工作日送达" in client.get(f"/staff/cases/{case.number}/").content.decode()


# --- 8. notices ------------------------------------------------------------------------------------

def test_refusal_states_remedies_decisions_are_the_departments_and_termination_is_written(on):
    on(2026, 3, 2)
    refused = receive()
    s.refuse(actor=user("clerk"), case=refused, reasons="不属于本机关职权范围")
    body = "".join(refused.notices.get(kind="refusal").body)
    assert "六十日内" in body and "行政复议" in body and "六个月内" in body and "行政诉讼" in body
    case = s.accept(actor=user("clerk"), case=receive())
    for _ in range(2):
        step = case.steps.filter(status="open").first()
        s.complete_step(actor=step.assignee, case=case, step_id=step.pk, outcome="pass", opinion="同意")
    s.decide(actor=user("approver"), case=case, decision="approve", licence_number="430400202603020101")
    department = case.department.name
    assert case.notices.get(kind="approval").body[-1].startswith(department)
    acceptance = case.notices.get(kind="acceptance").body
    assert acceptance[-1].startswith(department) and acceptance[-2] == f"办理地点:{case.centre.name}"
    ended = s.accept(actor=user("clerk"), case=receive())
    s.terminate(actor=user("approver"), case=ended, reason="申请人死亡,无继承人")
    notice = ended.notices.get(kind="termination")
    assert notice.title == "终止审批通知书" and "申请人死亡,无继承人" in "".join(notice.body)
    assert notice.body[-1].startswith(department)


# --- the staff pages never answer a calendar problem with a 500 -----------------------------

STAFF_PAGES = ["/staff/", "/staff/window/", "/staff/tasks/", "/staff/queue/", "/staff/catalog/figures/",
               "/admin/", "/admin/cases/case/", "/admin/workdays/calendarday/", "/admin/core/sweeprun/",
               "/admin/workdays/calendarday/add-year/"]
STAFF = ["clerk", "handler", "reviewer", "approver", "depthead", "clerk_sj", "chief_sj", "clerk_fg", "clerk_general",
         "supervisor", "leader", "admin"]


def a_case_in_every_state(on):
    on(2026, 12, 14)
    clerk, approver = user("clerk"), user("approver")
    cases = [receive(), receive(JOINT)]
    s.supplement(actor=clerk, case=receive(), materials=["建设工程施工合同"])
    s.refuse(actor=clerk, case=receive(), reasons="不属于本机关职权范围")
    accepted = s.accept(actor=clerk, case=receive())
    suspended = s.suspend(actor=approver, case=s.accept(actor=clerk, case=receive()), kind="检测",
                          reason="委托检测", expected_days=20)
    joint = s.accept(actor=clerk, case=receive(JOINT))
    decided = s.accept(actor=clerk, case=receive())
    for _ in range(2):
        step = decided.steps.filter(status="open").first()
        s.complete_step(actor=step.assignee, case=decided, step_id=step.pk, outcome="pass", opinion="同意")
    s.decide(actor=approver, case=decided, decision="approve", licence_number="X-1")
    return [*cases, accepted, suspended, joint, decided]


@pytest.mark.parametrize("day", [date(2027, 1, 4), date(2028, 1, 4)])
def test_every_staff_page_on_a_day_the_calendar_has_no_schedule_for(on, client, day):
    """2027-01-04: the provisional year. 2028-01-04: past even that, with nobody having entered
    2027; the law still does not wait, so nothing a person opens may fail."""
    a_case_in_every_state(on)
    on(day.year, day.month, day.day)
    numbers = list(Case.objects.values_list("number", flat=True))
    for who in STAFF:
        client.force_login(user(who))
        for url in STAFF_PAGES + [f"/staff/cases/{n}/" for n in numbers]:
            r = client.get(url)
            assert r.status_code in (200, 302, 403, 404), (who, url, r.status_code)
        for n in numbers:
            r = api(user(who)).get(f"/api/v1/cases/{n}/")
            assert r.status_code in (200, 404), (who, n, r.status_code)
            if r.status_code == 200:
                for notice in r.json()["notices"]:
                    assert client.get(f"/staff/cases/{n}/notices/{notice['id']}.pdf").status_code == 200
        assert api(user(who)).get("/api/v1/cases/").status_code == 200
    # And the legal acts of that day are not refused either.
    case = receive()
    assert post("clerk", f"/api/v1/cases/{case.number}/accept/").status_code == 200
    case = Case.objects.get(pk=case.pk)
    assert case.provisional and case.statutory_due > date(2026, 12, 31)


def test_shenpi_workdays_sync_recounts_what_was_provisional(on):
    """A calendar that ended with 2025 (the package had no 2026 yet): a case accepted in
    December 2025 got a provisional statutory due in 2026; once the package knows 2026,
    `shenpi workdays sync` adds it and recounts the case in the same transaction."""
    from django.db.models import F

    from shenpi.audit.services import first_broken_entry
    from shenpi.workdays.models import CalendarVersion

    CalendarDay.objects.filter(date__year=2026).delete()
    CalendarVersion.objects.update(version=F("version") + 1)
    on(2025, 12, 22)
    case = s.accept(actor=user("clerk"), case=receive())
    # 15 working days from Monday 2025-12-22 counting Thursday 2026-01-01 as a working day.
    assert case.statutory_due == date(2026, 1, 12) and case.provisional
    # A second case whose review step a suspension pushed into 2026.
    paused = s.accept(actor=user("clerk"), case=receive())
    step = paused.steps.get()
    assert step.due_on == date(2025, 12, 25)
    on(2025, 12, 23)
    paused = s.suspend(actor=user("approver"), case=paused, kind="检测", reason="委托检测", expected_days=5)
    on(2025, 12, 30)
    paused = s.resume(actor=user("approver"), case=paused, result="合格")
    step.refresh_from_db()
    assert step.due_on == date(2026, 1, 1) and Case.objects.get(pk=paused.pk).provisional  # 5 days moved
    out = io.StringIO()
    call_command("workdays", "sync", stdout=out)
    assert "2026" in out.getvalue() and "暂定日期已重新计算：2 件中 2 件" in out.getvalue()
    case.refresh_from_db()
    assert case.statutory_due == date(2026, 1, 13) and not case.provisional  # New Year's Day is a holiday
    assert CaseEvent.objects.get(case=case, action="recount").payload["moved"] == {
        "statutory_due": ["2026-01-12", "2026-01-13"]}
    step.refresh_from_db()
    assert step.due_on == date(2026, 1, 4)  # 2026-01-01..03 off, Sunday 01-04 worked (调休)
    event = CaseEvent.objects.get(case=paused, action="recount")
    assert event.payload["steps"] == [{"step": step.pk, "name": "审核", "from": "2026-01-01", "to": "2026-01-04"}]
    assert not Case.objects.get(pk=paused.pk).provisional
    assert first_broken_entry() is None


def test_the_worker_recounts_a_case_that_missed_the_years_recount(on):
    """A transition that read the calendar just before a year went in commits a provisional
    date after the year's own recount ran: the worker's sweep catches it after the change."""
    from django.db.models import F

    from shenpi.workdays.models import CalendarVersion
    from shenpi.workdays.parsing import parse_schedule

    on(2026, 11, 27)
    case = s.accept(actor=user("clerk"), case=receive(JOINT))
    assert case.provisional and case.statutory_due == date(2027, 1, 29)
    call_command("worker", "--once", stdout=io.StringIO())  # the worker has seen this calendar
    # 2027 arrives the way the racing transaction saw it: days in, version up, no recount of this case.
    listed = {d: (w, n) for d, w, n in parse_schedule(SCHEDULE_2027, 2027)[0]}
    day, rows = date(2027, 1, 1), []
    while day.year == 2027:
        work, name = listed.get(day, (day.weekday() < 5, ""))
        rows.append(CalendarDay(date=day, is_workday=work, name=name))
        day = date.fromordinal(day.toordinal() + 1)
    CalendarDay.objects.bulk_create(rows)
    CalendarVersion.objects.update(version=F("version") + 1)
    out = io.StringIO()
    call_command("worker", "--once", stdout=out)
    assert "sweep_provisional_dates: 1" in out.getvalue()
    case.refresh_from_db()
    assert case.statutory_due == date(2027, 2, 1) and not case.provisional
    out = io.StringIO()
    call_command("worker", "--once", stdout=out)
    assert "sweep_provisional_dates" not in out.getvalue()  # nothing left, and no query until the next change
