"""The campaign (issue 17, G1 and G3) on the living demo centre: its five phases on the
notice's dates, each unit's reports on time, late or overdue as the centre sees them; a unit
head reports once for their own unit; inspections are planned, scored per criterion (bad
scores refused by field, nothing written), published, and only then seen by the public."""


import pytest
from django.test import Client

from shenpi.campaign.models import Campaign, Inspection, InspectionScore, Phase, Report
from tests.cases.conftest import user
from tests.conftest import api

pytestmark = pytest.mark.django_db
SCORES = {"plan": 13, "problems": 17, "rectified": 25, "rules": 16, "public": 12}




def states(who="supervisor"):
    found = api(user(who)).get("/api/v1/campaign/campaigns/").json()["results"][0]
    names = {p["id"]: p["report_name"] for p in found["phases"]}
    return found, {(u["name"], names[r["phase"]]): r["state"] for u in found["units"] for r in u["reports"]}


def test_the_centre_sees_every_unit_s_reports_on_time_late_and_overdue(living):
    found, seen = states()
    assert [p["name"] for p in found["phases"]] == ["动员部署", "查摆问题", "整改推进", "整章建制", "检查验收"]
    assert [p["stage"] for p in found["phases"]] == ["done", "done", "current", "upcoming", "upcoming"]
    assert found["phases"][0]["starts_on"] == "2026-09-21" and found["phases"][-1]["ends_on"] == "2026-12-31"
    assert seen[("市住建局", "整改方案")] == "on_time" and seen[("市发改委", "整改方案")] == "late"
    assert seen[("市发改委", "问题清单")] == "overdue" and seen[("市房产局", "问题清单")] == "late"
    assert seen[("市市场监管局", "整改情况书面报告")] == "due" and seen[("市住建局", "整改情况书面报告")] == "on_time"
    assert found["overdue_reports"] == 1
    page = Client()
    page.force_login(user("supervisor"))
    html = page.get("/staff/campaign/").content.decode()
    assert "1 项逾期未报" in html and 'data-state="overdue"' in html and "检查验收" in html
    # A unit's head sees their own unit's row only.
    _found, own = states("depthead")
    assert {name for name, _report in own} == {"市住建局"}


def test_a_unit_head_reports_once_for_their_own_unit(living, unchanged):
    phase = Phase.objects.get(name="整改推进")
    url = f"/api/v1/campaign/phases/{phase.pk}/report/"
    chief = user("chief_sj")
    with unchanged():
        assert api(user("handler")).post(url, {"text": "x"}, format="json").status_code == 403
        assert api(user("depthead")).post(url, {"text": "x"}, format="json").status_code == 400  # already in
        assert api(chief).post(url, {"text": "  "}, format="json").status_code == 400
        none_owed = Phase.objects.get(name="检查验收")
        r = api(chief).post(f"/api/v1/campaign/phases/{none_owed.pk}/report/", {"text": "x"}, format="json")
        assert r.status_code == 400 and "phase" in r.json()
    r = api(chief).post(url, {"text": "网上预审当日清零,整改到位。"}, format="json")
    assert r.status_code == 201 and r.json()["state"] == "on_time", r.content
    assert Report.objects.get(phase=phase, department=chief.staff.department).submitted_by == chief
    assert api(chief).post(url, {"text": "again"}, format="json").status_code == 400


def test_inspections_are_scored_by_criterion_published_and_then_public(living, unchanged):
    later = Inspection.objects.get(published_on__isnull=True)  # planned for December
    body = {"scores": {k: {"score": v, "note": "", "evidence": "抽查 10 件"} for k, v in SCORES.items()},
            "result": "criticism", "conclusion": "进展缓慢,通报批评。"}
    with unchanged():
        r = api(user("supervisor")).post(f"/api/v1/campaign/inspections/{later.pk}/scores/", body, format="json")
        assert r.status_code == 400 and "inspection" in r.json(), r.content  # not before its day
    r = api(user("supervisor")).post("/api/v1/campaign/inspections/", {
        "campaign": later.campaign_id, "department": later.department_id, "planned_on": "2026-11-27",
        "inspectors": "市监察局"}, format="json")
    assert r.status_code == 201, r.content
    planned = Inspection.objects.get(pk=r.json()["id"])
    url = f"/api/v1/campaign/inspections/{planned.pk}/"
    with unchanged():
        for bad, field in (({"scores": {**body["scores"], "plan": {"score": 16}}}, "scores"),  # over 15
                           ({"scores": {**body["scores"], "luck": {"score": 1}}}, "scores"),
                           ({"scores": {k: v for k, v in body["scores"].items() if k != "rules"}}, "scores"),
                           ({"result": "medal"}, "result"), ({"conclusion": ""}, "conclusion")):
            r = api(user("supervisor")).post(url + "scores/", {**body, **bad}, format="json")
            assert r.status_code == 400 and field in r.json(), (bad, r.content)
        assert api(user("depthead")).post(url + "scores/", body, format="json").status_code in (403, 404)
        assert api(user("supervisor")).post(url + "publish/", format="json").status_code == 400  # not scored
    assert "进展缓慢" not in Client().get("/campaign/").content.decode()
    r = api(user("supervisor")).post(url + "scores/", body, format="json")
    assert r.status_code == 200 and r.json()["total"] == sum(SCORES.values()) == 83, r.content
    assert InspectionScore.objects.filter(inspection=planned).count() == 5
    assert api(user("supervisor")).post(url + "publish/", format="json").status_code == 200
    published = Client().get("/api/v1/public/inspections/").json()["results"]
    assert {i["result"] for i in published} == {"praise", "rectify", "criticism"}
    public = Client().get("/campaign/").content.decode()
    assert "进展缓慢,通报批评。" in public and "通报批评" in public and "表扬" in public and "限期整改" in public
    assert api(user("supervisor")).post(url + "scores/", body, format="json").status_code == 400  # published


def test_only_the_centre_sets_up_a_campaign_and_bad_phases_are_named(living, unchanged):
    units = list(Campaign.objects.get().units.values_list("pk", flat=True))
    good = {"name": "窗口作风专项整治", "units": units, "phases": [
        {"name": "自查", "starts_on": "2027-01-04", "ends_on": "2027-01-15", "report_name": "自查报告",
         "report_due": "2027-01-15"},
        {"name": "整改", "starts_on": "2027-01-18", "ends_on": "2027-02-26"}]}
    with unchanged():
        assert api(user("supervisor")).post("/api/v1/campaign/campaigns/", good, format="json").status_code == 403
        for bad, field in (({"units": []}, "units"), ({"units": [2**61]}, "units"),
                           ({"phases": [{**good["phases"][0], "ends_on": "2027-01-01"}]}, "phases"),
                           ({"phases": [good["phases"][0], {**good["phases"][1], "starts_on": "2027-01-10"}]}, "phases"),
                           ({"phases": [{**good["phases"][0], "report_due": None}]}, "phases"), ({"phases": []}, "phases")):
            r = api(user("admin")).post("/api/v1/campaign/campaigns/", {**good, **bad}, format="json")
            assert r.status_code == 400 and field in r.json(), (bad, r.content)
    r = api(user("admin")).post("/api/v1/campaign/campaigns/", good, format="json")
    assert r.status_code == 201 and [p["name"] for p in r.json()["phases"]] == ["自查", "整改"], r.content
