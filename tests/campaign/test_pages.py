"""The campaign's staff pages on the living demo centre: each role that may reads its work; the
forms register a problem, record a condition, refuse to close with the missing conditions
named in Chinese, and make a new scheme version; the roles that may not are refused."""


import pytest
from django.test import Client

from shenpi.campaign.models import Problem, ProblemEntry, Scheme
from tests.cases.conftest import user
from tests.conftest import api

pytestmark = pytest.mark.django_db




def client(who):
    c = Client()
    c.force_login(user(who))
    return c


def test_each_role_reads_its_problems_and_assessment(living):
    head = client("depthead")
    page = head.get("/staff/problems/").content.decode()
    assert "问题台账" in page and "审批流程中存在未公开的内部会签环节" in page and "逾期" in page
    assert "企业登记网上预审反馈不及时" not in page  # another unit's
    assert "企业登记网上预审反馈不及时" in client("supervisor").get("/staff/problems/").content.decode()
    assert "问题台账" in head.get("/staff/").content.decode() and "绩效考核" in head.get("/staff/").content.decode()
    figures = api(user("supervisor")).get("/api/v1/campaign/problems/figures/").json()["results"]
    zj = next(f for f in figures if f["name"] == "市住建局")
    assert (zj["open"], zj["closed"], sum(zj["kinds"].values())) == (
        Problem.objects.filter(department__short_name="市住建局", state="open").count(), 1,
        Problem.objects.filter(department__short_name="市住建局").count())
    assert zj["overdue"] >= 1
    reopened = Problem.objects.get(round=2)
    page = head.get(f"/staff/problems/{reopened.pk}/").content.decode()
    assert "第 2 轮" in page and "重新打开" in page and "邓监察" in page  # the history keeps who reopened it
    ranking = client("leader").get("/staff/assessment/?period=2026-11").content.decode()
    assert "绩效考核 · 2026-11" in ranking and "市住建局" in ranking and "暂无数据" in ranking
    assert client("leader").get("/staff/assessment/?period=2026-99").status_code == 200  # told, not a 500
    for who in ("handler", "clerk"):
        assert client(who).get("/staff/assessment/").status_code == 403, who
    assert Client().get("/staff/problems/").status_code == 302


def test_the_forms_register_record_refuse_and_close(living):
    head = client("depthead")
    reviewer = user("reviewer")
    r = head.post("/staff/problems/", {"department": reviewer.staff.department_id, "title": "窗口叫号系统经常死机",
                                       "kind": "poor", "source": "self_check", "measure": "更换叫号设备",
                                       "responsible": reviewer.pk, "deadline_days": 5})
    assert r.status_code == 302, r.content.decode()[:2000]
    problem = Problem.objects.get(title="窗口叫号系统经常死机")
    url = f"/staff/problems/{problem.pk}/"
    assert head.post(url, {"condition": "cause", "text": "设备老化"}).status_code == 302
    entries = ProblemEntry.objects.count()
    page = head.post(url, {"close": "1"}).content.decode()
    assert "尚未记录" in page and "已整改到位" in page and "责任已追究" in page and "制度已健全" in page
    assert Problem.objects.get(pk=problem.pk).state == "open" and ProblemEntry.objects.count() == entries
    for condition in ("fixed", "responsibility", "rule"):
        assert head.post(url, {"condition": condition, "text": "已落实"}).status_code == 302
    assert head.post(url, {"close": "1"}).status_code == 302
    assert Problem.objects.get(pk=problem.pk).state == "closed"
    assert client("handler").post(url, {"reason": "x"}).status_code == 403
    # A bad form is told in Chinese and writes nothing.
    page = head.post("/staff/problems/", {"department": reviewer.staff.department_id, "title": "",
                                          "kind": "poor", "source": "self_check", "measure": "x",
                                          "responsible": reviewer.pk, "deadline_days": 0}).content.decode()
    assert "这个字段是必填项" in page or "必填" in page
    assert Problem.objects.filter(title="").count() == 0


def test_the_scheme_form_makes_a_version_or_says_why_not(living):
    admin = client("admin")
    form = {f"w_{c}": w for c, w in (("on_time", 25), ("quick_share", 10), ("compression", 10), ("online_share", 10),
                                     ("cards", 10), ("anomalies", 5), ("complaints_upheld", 10), ("poor_ratings", 5),
                                     ("rectified", 5), ("campaign_reports", 5), ("inspection", 5))}
    form.update({"p_cards": 5, "p_anomalies": 10, "p_complaints_upheld": 20, "p_poor_ratings": 10,
                 "effective_from": "2026-11"})
    page = admin.post("/staff/assessment/scheme/", {**form, "w_on_time": 30}).content.decode()
    assert "合计为 105" in page and not Scheme.objects.exists()
    assert client("supervisor").post("/staff/assessment/scheme/", form).status_code == 403
    assert admin.post("/staff/assessment/scheme/", {**form, "w_on_time": 30, "w_cards": 5}).status_code == 302
    assert Scheme.objects.get().version == 2
    assert "第 2 版" in admin.get("/staff/assessment/?period=2026-11").content.decode()
