"""Duty and attendance (issue 17, B3): the month's compliance per department worked out here
from the roster and the sign-ins equals the report; sign-in is once a day and sign-out needs
it; the roster takes only the right person on a working day, from the department's head or
the centre; the pages show each role its part."""

import datetime

import pytest
from django.test import Client

from shenpi.campaign.models import Attendance, DutyShift
from shenpi.org.models import Staff
from shenpi.workdays.selectors import current_calendar
from tests.cases.conftest import user
from tests.conftest import api

pytestmark = pytest.mark.django_db




def test_the_month_s_compliance_by_hand_equals_the_report(living):
    first, until = datetime.date(2026, 11, 1), datetime.date(2026, 11, 27)
    cal = current_calendar()
    workdays = [first + datetime.timedelta(days=n) for n in range((until - first).days + 1)
                if cal.is_workday(first + datetime.timedelta(days=n))]
    signed = set(Attendance.objects.values_list("person_id", "day"))
    got = {d["name"]: d for d in api(user("supervisor")).get("/api/v1/duty/report/", {"month": "2026-11"}).json()[
        "departments"]}
    for staff_dept, row in got.items():
        dept_staff = list(Staff.objects.filter(department__short_name=staff_dept))
        windows = [s.user_id for s in dept_staff if s.window_id]
        if windows:
            assert row["window_staff"] == {"done": sum((p, d) in signed for p in windows for d in workdays),
                                           "required": len(windows) * len(workdays)}, staff_dept
        else:
            assert row["window_staff"] is None
        shifts = [s for s in DutyShift.objects.filter(department__short_name=staff_dept, kind="section_chief",
                                                      day__gte=first, day__lte=until)]
        assert row["section_chiefs"] == ({"done": sum((s.person_id, s.day) in signed for s in shifts),
                                          "required": len(shifts)} if shifts else None), staff_dept
        deputies = [s.user_id for s in dept_staff if s.position == "deputy_head"]
        if deputies:
            weeks = {}
            for d in workdays:
                weeks.setdefault(d.isocalendar()[:2], []).append(d)
            need = sum(min(3, len(w)) for w in weeks.values())
            done = sum(min(3, len(w), sum(any((p, d) in signed for p in deputies) for d in w)) for w in weeks.values())
            assert row["deputy_head"] == {"done": done, "required": need}, staff_dept
        else:
            assert row["deputy_head"] is None  # no data, never zero
    zj, fgw = got["市住建局"], got["市发改委"]
    assert zj["deputy_head"]["done"] < zj["deputy_head"]["required"]  # the short week shows
    assert fgw["section_chiefs"]["done"] == fgw["section_chiefs"]["required"] - 1 and len(fgw["missed"]) == 1
    assert api(user("handler")).get("/api/v1/duty/report/").status_code == 403
    mine = api(user("depthead")).get("/api/v1/duty/report/").json()["departments"]
    assert [d["name"] for d in mine] == ["市住建局"]
    assert api(user("supervisor")).get("/api/v1/duty/report/", {"month": "2026-13"}).status_code == 400


def test_sign_in_once_a_day_and_out_after_it(living, on):
    on(2026, 11, 28)  # a Saturday: nobody has signed in
    handler = user("handler")
    assert api(handler).post("/api/v1/duty/sign-out/").status_code == 400
    first = api(handler).post("/api/v1/duty/sign-in/").json()
    assert api(handler).post("/api/v1/duty/sign-in/").json() == first  # once a day
    assert Attendance.objects.filter(person=handler, day="2026-11-28").count() == 1
    assert api(handler).post("/api/v1/duty/sign-out/").json()["signed_out_at"]
    assert api(user("13800138000")).post("/api/v1/duty/sign-in/").status_code == 403


def test_the_roster_takes_the_right_person_on_a_working_day(living, unchanged):
    head, chief = user("depthead"), user("approver")
    with unchanged():
        for body, field in (({"person": head.pk, "kind": "section_chief", "day": "2026-12-01"}, "person"),
                            ({"person": chief.pk, "kind": "section_chief", "day": "2026-12-05"}, "day"),  # a Saturday
                            ({"person": chief.pk, "kind": "section_chief", "day": "2026-12-01"}, "day"),  # already on
                            ({"person": user("leader").pk, "kind": "deputy_head", "day": "2026-12-02"}, "person")):
            r = api(head).post("/api/v1/duty/roster/", body, format="json")
            assert r.status_code == 400 and field in r.json(), (body, r.content)
        other = {"person": user("approver_fg").pk, "kind": "section_chief", "day": "2026-12-02"}
        assert api(head).post("/api/v1/duty/roster/", other, format="json").status_code == 403
        assert api(user("handler")).post("/api/v1/duty/roster/", {**other, "person": chief.pk},
                                         format="json").status_code == 403
    r = api(user("admin")).post("/api/v1/duty/roster/", other, format="json")
    assert r.status_code == 201, r.content
    roster = api(user("clerk")).get("/api/v1/duty/roster/", {"from": "2026-12-02", "to": "2026-12-02"}).json()
    assert {(s["person"], s["kind"]) for s in roster["results"]} >= {(other["person"], "section_chief")}
    assert api(user("clerk")).get("/api/v1/duty/roster/", {"from": "2026-12-02", "to": "2027-12-02"}).status_code == 400
    assert api(user("clerk")).get("/api/v1/duty/roster/", {"from": "2026-02-30"}).status_code == 400


def test_the_pages(living):
    c = Client()
    c.force_login(user("clerk_fg"))
    page = c.get("/staff/duty/").content.decode()
    assert "值班与考勤" in page and "签退" in page and "今日值班" in page
    assert c.get("/staff/duty/report/").status_code == 403
    c.force_login(user("supervisor"))
    page = c.get("/staff/duty/report/?month=2026-11").content.decode()
    assert "市住建局" in page and "11 / 12" in page and "罗斌" in page
    assert c.get("/staff/duty/report/?month=x").status_code == 200


def test_a_day_is_read_from_what_a_client_sends_without_an_exception():
    from shenpi.core.params import day
    assert day("2026-12-01") == datetime.date(2026, 12, 1) == day(datetime.date(2026, 12, 1)) == day(" 2026-12-01 ")
    for odd in ("2026-02-30", "2026-13-01", "26-12-01", "2026-1-1", "２０２６-12-01", "", None, 20261201,
                datetime.datetime(2026, 12, 1, 10), ["2026-12-01"], "2026-12-01\x00"):
        assert day(odd) is None, odd


def test_the_roster_service_refuses_an_impossible_day_by_field(living, unchanged):
    from django.core.exceptions import ValidationError

    from shenpi.campaign import duty
    with unchanged(), pytest.raises(ValidationError) as refused:
        duty.plan_shift(actor=user("admin"), person=user("approver"), kind="section_chief", day="2026-02-30")
    assert "day" in refused.value.message_dict
