"""End to end through the HTTP API, one test per category (issue 4 acceptance)."""


import pytest

from shenpi.audit.services import first_broken_entry
from shenpi.cases.models import Case, Outbox
from tests.conftest import api

from .conftest import ORG_ID, applicant, complete, item, user

pytestmark = pytest.mark.usefixtures("demo")


def post(username, url, body=None, **headers):
    r = api(user(username)).post(url, body or {}, format="json", **headers)
    assert r.status_code in (200, 201), (url, r.status_code, r.content.decode()[:500])
    return r.json()


def events(case_json):
    return [e["action"] for e in case_json["events"]]


def test_instant_item_in_one_visit(on):
    on(2026, 3, 3)
    c = post("clerk", "/api/v1/cases/", {"item": item("房屋建筑和市政基础设施工程竣工验收备案").pk, "channel": "window",
                                         **applicant(applicant_type="organisation", applicant_name="衡阳建工集团",
                                                     applicant_id=ORG_ID),
                                         "paper_materials": ["申请书(申请表)", "工程竣工验收报告"]})
    number = c["number"]
    assert c["state"] == "submitted" and c["applicant_id"] == ORG_ID[:6] + "********" + ORG_ID[-4:]
    c = post("clerk", f"/api/v1/cases/{number}/decide/", {"decision": "approve", "licence_number": "备2026-0001",
                                                          "version": c["row_version"]})
    assert c["state"] == "approved" and c["accepted_on"] == c["decided_on"] == "2026-03-03"
    assert c["delivery_due"] == "2026-03-17"
    c = post("clerk", f"/api/v1/cases/{number}/deliver/", {"method": "窗口领取"})
    assert c["state"] == "delivered"
    assert events(c) == ["submit", "accept", "decide", "deliver"]
    assert [n["title"] for n in c["notices"]] == ["收件凭证", "准予行政许可决定书", "送达回证"]
    assert Outbox.objects.filter(case__number=number).count() >= 3


def test_one_review_one_approval(on):
    on(2026, 2, 12)
    c = post("clerk", "/api/v1/cases/", {"item": item("建筑工程施工许可证核发").pk, "channel": "window", **applicant(),
                                         "paper_materials": complete("建筑工程施工许可证核发")})
    number = c["number"]
    assert c["acceptance_due"] == "2026-02-26"
    on(2026, 2, 13)
    c = post("clerk", f"/api/v1/cases/{number}/accept/", {"version": c["row_version"]})
    assert (c["accepted_on"], c["clocks"]["promised"]["due"], c["clocks"]["statutory"]["due"]) == (
        "2026-02-13", "2026-02-27", "2026-03-12")
    assert c["clocks"]["promised"]["colour"] == "green"
    step = c["steps"][0]
    assert (step["name"], step["assignee"], step["due_on"]) == ("审核", "reviewer", "2026-02-25")
    on(2026, 2, 25)
    c = post("reviewer", f"/api/v1/cases/{number}/steps/{step['id']}/complete/", {"outcome": "pass", "opinion": "符合条件"})
    step = next(s for s in c["steps"] if s["status"] == "open")
    assert (step["name"], step["assignee"]) == ("核准", "approver")
    on(2026, 2, 26)
    c = api(user("approver")).get(f"/api/v1/cases/{number}/").json()
    assert c["clocks"]["promised"] == {"due": "2026-02-27", "remaining": 1, "colour": "yellow",
                                      "provisional": False}
    c = post("approver", f"/api/v1/cases/{number}/steps/{step['id']}/complete/", {"outcome": "pass", "opinion": "同意"})
    c = post("approver", f"/api/v1/cases/{number}/decide/", {"decision": "approve", "licence_number": "430400202602260101"})
    assert c["state"] == "approved" and c["delivery_due"] == "2026-03-11"  # 2-28 is a worked Saturday
    c = post("clerk", f"/api/v1/cases/{number}/deliver/", {"method": "邮寄送达"})
    assert events(c) == ["submit", "accept", "complete_step", "complete_step", "decide", "deliver"]
    assert [n["title"] for n in c["notices"]] == ["收件凭证", "受理通知书", "准予行政许可决定书", "送达回证"]
    assert first_broken_entry() is None


def test_promised_item_with_a_parallel_stage_of_two_departments(on):
    on(2026, 3, 2)
    c = post("clerk_fgw", "/api/v1/cases/", {"item": item("企业投资项目核准").pk, "channel": "window",
                                             **applicant(applicant_type="organisation", applicant_name="衡阳某新材料有限公司",
                                                         applicant_id=ORG_ID),
                                             "paper_materials": complete("企业投资项目核准")})
    number = c["number"]
    c = post("clerk_fgw", f"/api/v1/cases/{number}/accept/")
    parallel = [s for s in c["steps"] if s["status"] == "open"]
    assert sorted((s["department"], s["assignee"]) for s in parallel) == [
        ("衡阳市生态环境局", "handler_hb"), ("衡阳市自然资源和规划局", "handler_gh")]
    assert {s["due_on"] for s in parallel} == {"2026-03-05"}
    assert (c["clocks"]["promised"]["due"], c["clocks"]["statutory"]["due"]) == ("2026-03-16", "2026-03-30")
    on(2026, 3, 4)
    by_dept = {s["assignee"]: s["id"] for s in parallel}
    c = post("handler_gh", f"/api/v1/cases/{number}/steps/{by_dept['handler_gh']}/complete/", {"outcome": "pass", "opinion": "用地预审同意"})
    assert [s["name"] for s in c["steps"] if s["status"] == "open"] == ["市生态环境局环评意见审查"]  # waits for both
    c = post("handler_hb", f"/api/v1/cases/{number}/steps/{by_dept['handler_hb']}/complete/", {"outcome": "pass", "opinion": "环评同意"})
    review = next(s for s in c["steps"] if s["status"] == "open")
    assert (review["name"], review["assignee"], review["started_on"]) == ("审核", "reviewer_fgw", "2026-03-04")
    c = post("reviewer_fgw", f"/api/v1/cases/{number}/steps/{review['id']}/complete/", {"outcome": "pass", "opinion": "同意"})
    approve = next(s for s in c["steps"] if s["status"] == "open")
    c = post("approver_fgw", f"/api/v1/cases/{number}/steps/{approve['id']}/complete/", {"outcome": "pass", "opinion": "同意核准"})
    c = post("approver_fgw", f"/api/v1/cases/{number}/decide/", {"decision": "approve", "licence_number": "衡发改核〔2026〕1号"})
    c = post("clerk_fgw", f"/api/v1/cases/{number}/deliver/", {"method": "窗口领取"})
    assert c["state"] == "delivered"
    assert events(c) == ["submit", "accept"] + ["complete_step"] * 4 + ["decide", "deliver"]
    assert [n["number"] for n in c["notices"]] == [f"{number}-SJ", f"{number}-SL", f"{number}-ZY", f"{number}-SD"]


def test_idempotent_submission_over_http(on):
    on(2026, 3, 2)
    body = {"item": item("建筑工程施工许可证核发").pk, "channel": "window", **applicant()}
    first = api(user("clerk")).post("/api/v1/cases/", body, format="json", HTTP_IDEMPOTENCY_KEY="abc-1")
    again = api(user("clerk")).post("/api/v1/cases/", body, format="json", HTTP_IDEMPOTENCY_KEY="abc-1")
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["number"] == again.json()["number"] and Case.objects.count() == 1


def test_public_lookup_by_number_and_query_code(on):
    on(2026, 3, 2)
    c = post("clerk", "/api/v1/cases/", {"item": item("建筑工程施工许可证核发").pk, "channel": "window", **applicant()})
    r = api().get(f"/api/v1/cases/lookup/?number={c['number']}&code={c['query_code']}")
    assert r.status_code == 200 and r.json()["state"] == "submitted" and "applicant_id" not in r.json()
    assert api().get(f"/api/v1/cases/lookup/?number={c['number']}&code=000000x").status_code == 404


def test_stale_version_is_409(on):
    on(2026, 3, 2)
    c = post("clerk", "/api/v1/cases/", {"item": item("建筑工程施工许可证核发").pk, "channel": "window", **applicant()})
    r = api(user("clerk")).post(f"/api/v1/cases/{c['number']}/accept/", {"version": c["row_version"] + 5}, format="json")
    assert r.status_code == 409
    assert Case.objects.get(number=c["number"]).state == "submitted"


def test_case_list_queries_do_not_grow_with_the_page(on):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    on(2026, 3, 2)
    body = {"item": item("建筑工程施工许可证核发").pk, "channel": "window", **applicant()}

    def listing():
        with CaptureQueriesContext(connection) as q:
            r = api(user("approver")).get("/api/v1/cases/?page_size=50")
        assert r.status_code == 200
        return len(q), len(r.json()["results"])
    for _ in range(2):
        post("clerk", "/api/v1/cases/", body)
    few = listing()
    for _ in range(4):
        post("clerk", "/api/v1/cases/", body)
    many = listing()
    assert (few[1], many[1]) == (2, 6) and many[0] == few[0]


def test_the_case_list_pages_by_position(on):
    """Cursor pagination (issue 16): pages follow `next` newest first, a case made meanwhile
    shifts nothing, and a cursor that is not one of ours is a 400 naming it."""
    on(2026, 3, 2)
    body = {"item": item("建筑工程施工许可证核发").pk, "channel": "window", **applicant()}
    made = [post("clerk", "/api/v1/cases/", body)["number"] for _ in range(5)]
    reader = api(user("approver"))
    first = reader.get("/api/v1/cases/?page_size=2").json()
    assert set(first) == {"next", "results"} and [c["number"] for c in first["results"]] == made[:-3:-1]
    post("clerk", "/api/v1/cases/", body)  # a new case does not push the next page along
    seen, url = [c["number"] for c in first["results"]], first["next"]
    while url:
        page = reader.get(url).json()
        assert len(page["results"]) <= 2
        seen += [c["number"] for c in page["results"]]
        url = page["next"]
    assert seen == made[::-1]
    for bad in ("nonsense", "", "MjAyNg", "////", "bm90IGEgZGF0ZXwxMg", "MjAyNi0wMy0wMlQwMjowMDowMHwx"):
        r = reader.get("/api/v1/cases/", {"cursor": bad})
        assert r.status_code == (200 if bad == "" else 400), bad
        if bad:
            assert "cursor" in r.json()
    assert reader.get("/api/v1/cases/?page_size=0").status_code == 200
    assert len(reader.get("/api/v1/cases/?page_size=600").json()["results"]) == 6
