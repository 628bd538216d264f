"""The intermediary register (issue 17, H2): a centre administrator lists organisations with a
checked credit code; the public searches them and sees expired qualifications marked; an
applicant records a free choice for a service the item needs, never one whose qualification
has expired; a designation by an official is recorded with who did it and flagged to the
supervisors; who may do what."""

from django.test import Client

from shenpi.cases.models import Case
from shenpi.intermediaries.models import Choice, Intermediary, Service
from tests.cases.conftest import user
from tests.conftest import api

GOOD = {"name": "衡阳市测试规划设计院有限公司", "credit_code": "91430400MA4L000083", "contact": "王工", "phone": "0734-1234567",
        "qualifications": [{"name": "乙级城乡规划编制资质", "number": "湘规2026-01", "expires_on": "2027-06-30"}],
        "services": [{"name": "规划方案设计", "qualification": 0, "price_from_fen": 500000, "price_to_fen": 2000000,
                      "price_unit": "每项目"}]}


def test_the_centre_lists_an_organisation_with_a_checked_credit_code(living, unchanged):
    from stdnum.cn import uscc
    code = "91430400MA4L0000" + "8"
    code = code[:17] + uscc.calc_check_digit(code[:17])
    body = {**GOOD, "credit_code": code}
    with unchanged():
        assert api(user("supervisor")).post("/api/v1/intermediaries/", body, format="json").status_code == 403
        assert api().post("/api/v1/intermediaries/", body, format="json").status_code == 401
        for bad, field in (({"credit_code": code[:17] + ("0" if code[17] != "0" else "1")}, "credit_code"),
                           ({"credit_code": Intermediary.objects.first().credit_code}, "credit_code"),
                           ({"services": []}, "services"),
                           ({"services": [{**GOOD["services"][0], "price_to_fen": 1}]}, "services"),
                           ({"services": [{**GOOD["services"][0], "qualification": 3}]}, "services")):
            r = api(user("admin")).post("/api/v1/intermediaries/", {**body, **bad}, format="json")
            assert r.status_code == 400 and field in r.json(), (bad, r.content)
    r = api(user("admin")).post("/api/v1/intermediaries/", body, format="json")
    assert r.status_code == 201, r.content
    assert r.json()["services"][0]["state"] == "valid"
    page = Client().get("/intermediaries/", {"service": "规划方案设计"}).content.decode()
    assert "衡阳市测试规划设计院有限公司" in page and "¥5,000–20,000 每项目" in page


def test_the_public_sees_expired_and_expiring_qualifications(living):
    page = Client().get("/intermediaries/").content.decode()
    assert "中介超市" in page and "资质已过期，不能选择" in page and "资质即将到期" in page
    found = Client().get("/api/v1/intermediaries/", {"q": "施工图"}).json()["results"]
    assert {o["name"]: o["services"][0]["state"] for o in found} == {
        "衡阳市建科施工图审查中心有限公司": "valid", "湖南湘衡工程咨询有限公司": "expired"}
    lapsed = Intermediary.objects.get(name="湖南湘衡工程咨询有限公司")
    assert "已过期" in Client().get(f"/intermediaries/{lapsed.pk}/").content.decode()
    assert Client().get("/intermediaries/999999/").status_code == 404


def test_an_applicant_chooses_freely_never_an_expired_one(living, unchanged):
    me = user("13800138000")
    case = Case.objects.filter(applicant_user=me, item__versions__name="房屋建筑和市政基础设施工程竣工验收备案").exclude(
        intermediaries__isnull=False).first() or Case.objects.filter(applicant_user=me).first()
    permit = Case.objects.filter(item__versions__name="建筑工程施工许可证核发", applicant_user__isnull=True).exclude(
        intermediaries__isnull=False).first()
    expired = Service.objects.get(intermediary__name="湖南湘衡工程咨询有限公司")
    good = Service.objects.get(intermediary__name="衡阳市建科施工图审查中心有限公司")
    url = f"/api/v1/cases/{permit.number}/intermediaries/"
    clerk = api(user("clerk"))
    with unchanged():
        r = clerk.post(url, {"service": expired.pk}, format="json")
        assert r.status_code == 400 and "过期" in r.json()["service"][0], r.content
        surveying = Service.objects.get(intermediary__name="衡阳市正方测绘工程有限公司")
        assert clerk.post(url, {"service": surveying.pk}, format="json").status_code == 400  # not needed here
        r = clerk.post(url, {"service": good.pk, "designated": True}, format="json")
        assert r.status_code == 400 and "designated_by" in r.json()
        assert api(me).post(url, {"service": good.pk}, format="json").status_code == 404  # not her case
        assert api(user("handler_xf")).post(url, {"service": good.pk}, format="json").status_code == 404
    offers = {o["name"] + o["intermediary"]: o["state"] for o in clerk.get(url).json()["offers"]}
    assert offers["施工图审查湖南湘衡工程咨询有限公司"] == "expired"
    r = clerk.post(url, {"service": good.pk, "designated": True, "designated_by": "某科员"}, format="json")
    assert r.status_code == 201 and r.json()["designated"], r.content
    assert clerk.post(url, {"service": good.pk}, format="json").status_code == 400  # once per service
    flagged = api(user("supervisor")).get("/api/v1/intermediaries/designations/").json()["results"]
    assert {c["case"] for c in flagged} >= {permit.number} and len(flagged) == Choice.objects.filter(designated=True).count()
    assert api(user("handler")).get("/api/v1/intermediaries/designations/").status_code == 403
    c = Client()
    c.force_login(user("supervisor"))
    page = c.get("/staff/supervision/designations/").content.decode()
    assert "某科员" in page and permit.number in page
    # The applicant's own page shows the offers, the expired one not choosable.
    c.force_login(me)
    mine = Case.objects.filter(applicant_user=me, item__intermediary_services__isnull=False).exclude(
        item__intermediary_services=[]).first()
    page = c.get(f"/my/{mine.number}/intermediaries/").content.decode()
    assert "中介服务" in page and case is not None
    chosen = mine.intermediaries.exists()
    assert ("确认选择" in page) != chosen and ("所需服务均已选定中介机构" in page) == chosen
