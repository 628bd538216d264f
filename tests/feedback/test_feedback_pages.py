"""Complaints and ratings over HTTP (issue 15): the permission walk over every new page and API
address, for the complainant, the handling department, supervisors, other staff, other
applicants and the public; the demo's figures equal a hand count; bad input on the pages and
the API is a message or a 400 and changes nothing."""

import io
import re

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from shenpi.feedback import services as fb
from shenpi.feedback.models import Complaint, FollowUp, Rating
from shenpi.feedback.selectors import figures
from tests.cases.conftest import user


@pytest.fixture
def centre(db, on):
    on(2026, 11, 27)
    call_command("demo-data", "--cases", stdout=io.StringIO())


def as_(client, name):
    c = client.__class__()
    if name == "other":
        other = get_user_model().objects.filter(username="13900001111").first()
        c.force_login(other or get_user_model().objects.create_user("13900001111", password="x-Secret-9"))
    elif name:
        c.force_login(user(name))
    return c


def check_the_permission_walk(client):
    mine = Complaint.objects.get(complainant_user__username="13800138000")  # 王芳's, awaiting acceptance
    extended = Complaint.objects.get(extended_days__gt=0)  # handled by 市住建局, against the clerk 李敏
    follow = FollowUp.objects.filter(department=user("depthead").staff.department, second_level__isnull=True).first()
    walk = {
        f"/staff/complaints/{extended.number}/": {None: 302, "13800138000": 403, "other": 403, "depthead": 200,
                                                  "approver": 200, "supervisor": 200, "clerk": 404, "chief_sj": 404,
                                                  "leader": 404, "admin": 404},
        f"/staff/complaints/{mine.number}/": {"supervisor": 200, "depthead": 404, "13800138000": 403},
        f"/api/v1/complaints/{extended.number}/": {None: 401, "other": 404, "depthead": 200, "supervisor": 200,
                                                   "clerk": 404, "leader": 404},
        f"/api/v1/complaints/{mine.number}/": {"13800138000": 200, "other": 404, "depthead": 404},
        "/staff/complaints/": {None: 302, "13800138000": 403, "depthead": 200, "leader": 200},
        "/staff/complaints/new/": {"clerk_general": 200, "supervisor": 200, "handler": 403, "13800138000": 403},
        "/staff/feedback/": {None: 302, "depthead": 200, "supervisor": 200, "leader": 200, "13800138000": 403},
        "/staff/feedback/figures/": {"supervisor": 200, "leader": 200, "depthead": 200, "13800138000": 403,
                                     None: 302},
        "/api/v1/feedback/figures/": {None: 401, "13800138000": 403, "leader": 200},
        "/api/v1/feedback/follow-ups/": {None: 401, "depthead": 200},
        f"/staff/follow-ups/{follow.pk}/": {"depthead": 200, "supervisor": 200, "chief_sj": 404, "clerk": 404,
                                             "leader": 404, "13800138000": 403, None: 302},
        "/staff/window/tablet/": {"clerk": 200, "supervisor": 403, "depthead": 403, None: 302},
        "/complaints/new/": {None: 200, "13800138000": 200},
        "/complaints/lookup/": {None: 200},
        f"/complaints/lookup/?number={mine.number}&code={mine.query_code}": {None: 200},
        "/my/complaints/": {None: 302, "13800138000": 200},
        f"/rate/{fb.link_token(Rating.objects.first().case)}/": {None: 200},
        "/rate/forged-token/": {None: 404},
    }
    wrong = []
    for url, expected in walk.items():
        for who, status in expected.items():
            got = as_(client, who).get(url).status_code
            if got != status:
                wrong.append((url, who, status, got))
    assert not wrong
    # What each sees in the lists.
    assert extended.number not in as_(client, "clerk").get("/staff/complaints/").content.decode()
    assert extended.number in as_(client, "depthead").get("/staff/complaints/").content.decode()
    assert mine.number in as_(client, "13800138000").get("/my/complaints/").content.decode()
    listed = as_(client, "other").get("/api/v1/complaints/").json()
    assert listed["count"] == 0
    page = as_(client, None).get(f"/complaints/lookup/?number={mine.number}&code=WRONG123").content.decode()
    assert mine.content not in page and "没有与该编号和查询码相符的投诉" in page


def check_writes_are_refused_to_those_not_handling(client):
    extended = Complaint.objects.get(extended_days__gt=0)
    base = f"/staff/complaints/{extended.number}"
    assert as_(client, "leader").post(f"{base}/note/", {"text": "看看"}).status_code == 404
    assert as_(client, "clerk").post(f"{base}/note/", {"text": "我没有"}).status_code == 404  # complained of
    assert as_(client, "13800138000").post(f"{base}/note/", {"text": "x"}).status_code == 403
    assert as_(client, "depthead").post(f"{base}/nonsense/", {}).status_code == 403
    before = extended.notes.count()
    r = as_(client, "depthead").post(f"{base}/note/", {"text": "  "}, follow=True)
    assert "请填写记录" in r.content.decode() and extended.notes.count() == before
    r = as_(client, "depthead").post(f"{base}/reply/", {"finding": "nope", "reply": ""}, follow=True)
    extended.refresh_from_db()
    assert "请选择调查结论" in r.content.decode() and extended.status == "investigating"
    received = Complaint.objects.filter(status="received").first()
    assert as_(client, "depthead").post(f"/staff/complaints/{received.number}/accept/").status_code == 404
    follow = FollowUp.objects.filter(called_back_at__isnull=True, department=user("depthead").staff.department).first()
    assert as_(client, "chief_sj").post(f"/staff/follow-ups/{follow.pk}/call-back/", {"note": "x"}).status_code == 404
    assert as_(client, "supervisor").post(f"/staff/follow-ups/{follow.pk}/call-back/", {"note": "x"},
                                          follow=True).status_code == 403
    follow.refresh_from_db()
    assert follow.called_back_at is None


def check_the_api_takes_complaints_and_ratings_and_refuses_bad_ones(client):
    count = Complaint.objects.count()
    dept = user("depthead").staff.department.pk
    r = client.post("/api/v1/complaints/", {"against_department": dept, "content": "窗口人员推诿", "name": "赵六",
                                            "phone": "13900001234"}, content_type="application/json")
    assert r.status_code == 201 and r.json()["status"] == "received" and len(r.json()["query_code"]) == 8
    for bad in ({"against_department": 99999, "content": "x", "anonymous": True},
                {"against_department": dept, "content": "", "anonymous": True},
                {"against_department": dept, "content": "x", "phone": "12"},
                {"against_department": "一", "content": "x"},
                {"against_department": dept, "content": "x", "anonymous": True, "source": "phone"}):
        r = client.post("/api/v1/complaints/", bad, content_type="application/json")
        assert r.status_code in (400, 403), (bad, r.status_code)
    assert Complaint.objects.count() == count + 1
    me = as_(client, "13800138000")
    from shenpi.cases.models import Case
    done = Case.objects.get(applicant_user__username="13800138000", licence_number="备2026-0305")
    assert me.post(f"/api/v1/cases/{done.number}/rating/", {"level": 9}, content_type="application/json"
                   ).status_code == 400
    assert as_(client, "other").post(f"/api/v1/cases/{done.number}/rating/", {"level": 1},
                                     content_type="application/json").status_code == 404
    r = me.post(f"/api/v1/cases/{done.number}/rating/", {"level": 2, "indicators": ["easy"]},
                content_type="application/json")
    assert r.status_code == 201 and r.json()["follow_up"] is False
    assert me.post(f"/api/v1/cases/{done.number}/rating/", {"level": 2}, content_type="application/json"
                   ).status_code == 400


def check_the_demo_figures_equal_a_hand_count():
    f = figures(user("supervisor"))
    kept = [r for r in Rating.objects.select_related("department", "window", "person__staff") if not r.excluded]
    by_department: dict = {}
    for r in kept:
        row = by_department.setdefault(r.department.name, [0, 0])
        row[0] += 1
        row[1] += r.level >= 4
    assert {r["department__name"]: [r["total"], r["poor"]] for r in f["ratings"]["by_department"]} == by_department
    by_person: dict = {}
    for r in kept:
        if r.person:
            row = by_person.setdefault(r.person.staff.name, [0, 0])
            row[0] += 1
            row[1] += r.level >= 4
    assert {r["person__staff__name"]: [r["total"], r["poor"]] for r in f["ratings"]["by_person"]} == by_person
    # The demo's story: 20 ratings, one taken out by an upheld appeal; 7 poor kept, 5 of them on
    # the housing bureau; 7 follow-ups kept: rectified 3 (2 on time, 1 late), open 4 of which 3
    # overdue; 9 complaints: 2 awaiting acceptance (1 late), 1 not accepted, 4 investigated (1
    # extended, 1 overdue), 2 answered (1 on time, 1 late).
    assert (f["ratings"]["total"], f["ratings"]["poor"], f["ratings"]["excluded"]) == (19, 7, 1)
    assert by_department["衡阳市住房和城乡建设局"] == [8, 5]
    fu = f["follow_ups"]
    assert (fu["total"], fu["rectified"], fu["on_time"], fu["late"], fu["open"], fu["overdue"]) == (7, 3, 2, 1, 4, 3)
    c = f["complaints"]
    assert (c["total"], c["received"], c["accepted_late"], c["not_accepted"], c["investigating"], c["extended"],
            c["overdue"], c["replied"], c["on_time"], c["late"]) == (9, 2, 1, 1, 4, 1, 1, 2, 1, 1)
    # The department's head sees its own rows only.
    mine = figures(user("depthead"))
    assert [r["department__name"] for r in mine["ratings"]["by_department"]] == ["衡阳市住房和城乡建设局"]
    assert mine["follow_ups"]["total"] == 5 and mine["complaints"]["total"] == 3
    # The home page's counts, made in the database, agree with the states drawn row by row.
    from django.utils import timezone

    from shenpi.feedback.selectors import follow_up_counts, open_follow_ups
    rows = open_follow_ups(user("depthead"))
    assert follow_up_counts(user("depthead"), timezone.localdate()) == {
        "open": len(rows), "late": sum(r.late for r in rows)} == {"open": 4, "late": 2}


def check_the_pages_show_the_work(client):
    page = as_(client, "depthead").get("/staff/queue/").content.decode()
    assert "待跟进的差评" in page and "回访逾期" in page
    page = as_(client, "supervisor").get("/staff/feedback/").content.decode()
    assert "受理逾期" in page and "待裁决的差评申诉" in page
    page = as_(client, "13800138000").get("/my/" + Rating.objects.get(channel="portal").case.number + "/").content.decode()
    assert "请再次评价" in page
    figures_page = as_(client, "leader").get("/staff/feedback/figures/").content.decode()
    assert re.search(r"投诉按期答复", figures_page) and "李敏" in figures_page


def check_the_public_writes_are_guarded(client):
    from shenpi.cases.models import Case
    done = Case.objects.get(applicant_user__username="13800138000", licence_number="备2026-0305")
    assert as_(client, "other").post(f"/my/{done.number}/rate/", {"level": "5"}).status_code == 404
    assert as_(client, None).post(f"/my/{done.number}/rate/", {"level": "5"}).status_code == 302  # to the login
    r = as_(client, "13800138000").post(f"/my/{done.number}/rate/", {"level": "九"}, follow=True)
    assert "评价应为 1 至 5 五个等级之一" in r.content.decode()
    assert not Rating.objects.filter(case=done).exists()
    replied = Complaint.objects.filter(status="replied", handling_level__isnull=True).first()
    as_(client, None).post("/complaints/lookup/", {"number": replied.number, "code": "WRONG123", "level": "1"})
    replied.refresh_from_db()
    assert replied.handling_level is None
    as_(client, None).post("/complaints/lookup/", {"number": replied.number, "code": replied.query_code,
                                                   "level": "2"})
    replied.refresh_from_db()
    assert replied.handling_level == 2
    token = fb.link_token(done)
    assert as_(client, None).post(f"/rate/{token}x/", {"level": "1"}).status_code == 404
    assert as_(client, None).post(f"/rate/{token}/", {"level": "1"}).status_code == 302
    assert Rating.objects.get(case=done).channel == "sms"
    count = Complaint.objects.count()
    r = as_(client, None).post("/complaints/new/", {"against_department": "", "content": ""})
    assert r.status_code == 200 and Complaint.objects.count() == count


def check_the_complaint_form_is_limited_per_address(client):
    import shenpi.portal.feedback_views as views
    count = Complaint.objects.count()
    body = {"against_department": str(user("depthead").staff.department.pk), "content": "测试", "anonymous": "on"}
    # A post the service refuses (no such case) is no complaint made: it does not count.
    from shenpi.core.throttle import hits
    r = client.post("/complaints/new/", {**body, "case_number": "NOSUCH0001"})
    assert r.status_code == 200 and Complaint.objects.count() == count
    assert hits("complaint-submit:127.0.0.1") == {"complaint-submit:127.0.0.1": 0}
    for _ in range(views.SUBMITS_PER_HOUR):
        assert client.post("/complaints/new/", body).status_code == 200
    r = client.post("/complaints/new/", body)
    assert "投诉过多" in r.content.decode()
    assert Complaint.objects.count() == count + views.SUBMITS_PER_HOUR
    r = client.post("/api/v1/complaints/", {"against_department": body["against_department"], "content": "测试",
                                            "anonymous": True}, content_type="application/json")
    assert r.status_code == 429 and Complaint.objects.count() == count + views.SUBMITS_PER_HOUR


# The demo centre with its cases takes seconds to load: the reads share one load, the writes
# another, each in an order in which no check disturbs the next.

@pytest.mark.usefixtures("centre")
def test_reads_on_the_demo_centre(client):
    check_the_demo_figures_equal_a_hand_count()
    check_the_permission_walk(client)
    check_the_pages_show_the_work(client)


@pytest.mark.usefixtures("centre")
def test_writes_on_the_demo_centre(client):
    from shenpi.core.models import Counter
    check_writes_are_refused_to_those_not_handling(client)
    check_the_public_writes_are_guarded(client)
    check_the_api_takes_complaints_and_ratings_and_refuses_bad_ones(client)
    Counter.objects.all().delete()  # the complaints above count against this address's limit
    check_the_complaint_form_is_limited_per_address(client)
