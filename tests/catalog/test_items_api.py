"""Catalog rules (A1–A3) through the HTTP API."""

import pytest

from shenpi.catalog.models import Item, ItemVersion
from shenpi.org.roles import Role
from tests.conftest import api, as_json, content

pytestmark = pytest.mark.django_db
ITEMS = "/api/v1/catalog/items/"


def create_body(centre, dept, **over):
    return {"basic_code": "000106001", "implementation_code": "T000106001", "department": dept.pk,
            **as_json(content(centre, dept, **over))}


def test_create_makes_a_draft_the_public_cannot_see(admin_api, centre, dept):
    r = admin_api.post(ITEMS, create_body(centre, dept), format="json")
    assert r.status_code == 201, r.content
    item_id = r.json()["id"]
    assert r.json()["version"] is None and r.json()["has_draft"] is True
    assert api().get(ITEMS).json()["count"] == 0
    assert api().get(f"{ITEMS}{item_id}/").status_code == 404
    assert admin_api.get(f"{ITEMS}{item_id}/draft/").json()["name"] == "建筑工程施工许可证核发"


@pytest.mark.parametrize("over, field, words", [
    ({"statutory_limit": 10, "promised_limit": 12}, "promised_limit", "法定时限"),
    ({"category": "instant", "promised_limit": 3}, "promised_limit", "当场办结"),
    ({"promised_limit": 4}, "stages", "需要 5 个工作日"),
    ({"stages": []}, "stages", "至少需要一个环节"),
    ({"handling_forms": []}, "handling_forms", "至少选择一种"),
    ({"handling_forms": ["9"], "category": "bogus"}, "category", ""),
    ({"materials": [{"name": "A", "originals": 1}, {"name": "A", "originals": 1}]}, "materials", "重复"),
    ({"fees": [{"name": "工本费", "standard_fen": 0, "legal_basis": "x"}]}, "fees", "不收费"),
])
def test_rules_refuse_with_field_and_reason(admin_api, centre, dept, unchanged, over, field, words):
    with unchanged():
        r = admin_api.post(ITEMS, create_body(centre, dept, **over), format="json")
    assert r.status_code == 400, r.content
    assert field in r.json(), r.json()
    assert words in str(r.json()[field])


def test_instant_item_budgets_must_be_zero(admin_api, centre, dept, unchanged):
    stages = [{"name": "受理", "steps": [{"name": "受理", "role": Role.WINDOW_CLERK, "department": dept, "budget": 1}]}]
    with unchanged():
        r = admin_api.post(ITEMS, create_body(centre, dept, category="instant", promised_limit=0, stages=stages), format="json")
    assert r.status_code == 400 and "stages" in r.json()


def test_review_approve_is_one_review_one_approval_in_own_department(admin_api, centre, dept, dept2, unchanged):
    c = content(centre, dept)
    c["stages"][1]["steps"].append({"name": "会审", "role": Role.REVIEWER, "department": dept, "budget": 3})
    with unchanged():
        r = admin_api.post(ITEMS, create_body(centre, dept, stages=c["stages"]), format="json")
        assert r.status_code == 400 and "只能有一个审核步骤" in str(r.json()["stages"])
        c = content(centre, dept)
        c["stages"][2]["steps"][0]["department"] = dept2
        r = admin_api.post(ITEMS, create_body(centre, dept, stages=c["stages"]), format="json")
        assert r.status_code == 400 and "本部门" in str(r.json()["stages"])


def test_parallel_steps_count_once_per_stage(admin_api, centre, dept, dept2):
    c = content(centre, dept, category="promised", promised_limit=5)
    c["stages"][1]["steps"].append({"name": "消防审查", "role": Role.HANDLER, "department": dept2, "budget": 3})
    r = admin_api.post(ITEMS, create_body(centre, dept, category="promised", promised_limit=5, stages=c["stages"]), format="json")
    assert r.status_code == 201, r.content


def test_codes_unique(admin_api, centre, dept, published_item, unchanged):
    with unchanged():
        r = admin_api.post(ITEMS, create_body(centre, dept), format="json")
    assert r.status_code == 400
    assert "implementation_code" in r.json() and "basic_code" in r.json()


def test_code_format(admin_api, centre, dept, unchanged):
    with unchanged():
        r = admin_api.post(ITEMS, {**create_body(centre, dept), "basic_code": "00-01"}, format="json")
    assert r.status_code == 400 and "basic_code" in r.json()


def test_unknown_department_is_400(admin_api, centre, dept, unchanged):
    with unchanged():
        r = admin_api.post(ITEMS, {**create_body(centre, dept), "department": 999999}, format="json")
    assert r.status_code == 400 and "department" in r.json()


def test_non_admin_cannot_write(make_staff, centre, dept, published_item, unchanged):
    user = make_staff("h", [Role.HANDLER]).user
    with unchanged():
        assert api(user).post(ITEMS, create_body(centre, dept, name="x"), format="json").status_code == 403
        assert api(user).put(f"{ITEMS}{published_item.pk}/draft/", as_json(content(centre, dept)), format="json").status_code == 403
        assert api(user).post(f"{ITEMS}{published_item.pk}/publish/").status_code == 403
        assert api().post(f"{ITEMS}{published_item.pk}/publish/").status_code in (401, 403)


def test_publishing_a_new_version_changes_the_guide_and_keeps_history(admin_api, client, centre, dept, published_item):
    code = published_item.implementation_code
    assert "建筑工程施工许可证核发" in client.get(f"/guide/{code}/").content.decode()
    new = as_json(content(centre, dept, name="建筑工程施工许可(新版)", promised_limit=6, change_note="压缩材料"))
    r = admin_api.put(f"{ITEMS}{published_item.pk}/draft/", new, format="json")
    assert r.status_code == 200, r.content
    # Until it is published the public still sees version 1.
    page = client.get(f"/guide/{code}/").content.decode()
    assert "建筑工程施工许可证核发" in page and "新版" not in page
    assert api().get(f"{ITEMS}{published_item.pk}/").json()["version"] == 1
    r = admin_api.post(f"{ITEMS}{published_item.pk}/publish/")
    assert r.status_code == 200 and r.json()["number"] == 2
    page = client.get(f"/guide/{code}/").content.decode()
    assert "建筑工程施工许可(新版)" in page
    detail = api().get(f"{ITEMS}{published_item.pk}/").json()
    assert detail["version"] == 2 and detail["content"]["promised_limit"] == 6
    history = admin_api.get(f"{ITEMS}{published_item.pk}/versions/").json()
    assert [(v["number"], v["status"]) for v in history] == [(2, "published"), (1, "superseded")]
    old = ItemVersion.objects.get(item=published_item, number=1)
    assert old.name == "建筑工程施工许可证核发" and old.materials.count() == 1


def test_publish_without_draft_is_400(admin_api, published_item, unchanged):
    with unchanged():
        r = admin_api.post(f"{ITEMS}{published_item.pk}/publish/")
    assert r.status_code == 400 and "draft" in r.json()


def test_bad_draft_edit_changes_nothing(admin_api, centre, dept, published_item, unchanged):
    with unchanged():
        r = admin_api.put(f"{ITEMS}{published_item.pk}/draft/", as_json(content(centre, dept, promised_limit=99)), format="json")
    assert r.status_code == 400 and "promised_limit" in r.json()
    assert not ItemVersion.objects.filter(item=published_item, status="draft").exists()


def test_reform_records_and_availability(admin_api, published_item, unchanged):
    url = f"{ITEMS}{published_item.pk}/"
    assert api().get(url + "availability/").json() == {"ok": True, "reason": ""}
    with unchanged():
        r = admin_api.post(url + "reform-records/", {"status": "delegated", "effective_date": "2013-10-08",
                                                     "document_number": "衡政发〔2013〕15号"}, format="json")
        assert r.status_code == 400 and "delegated_to" in r.json()
        r = admin_api.post(url + "reform-records/", {"status": "cancelled", "effective_date": "2013-10-08",
                                                     "document_number": " "}, format="json")
        assert r.status_code == 400 and "document_number" in r.json()
    r = admin_api.post(url + "reform-records/", {"status": "cancelled", "effective_date": "2013-10-08",
                                                 "document_number": "衡政发〔2013〕15号"}, format="json")
    assert r.status_code == 201
    a = api().get(url + "availability/").json()
    assert a["ok"] is False and "衡政发〔2013〕15号" in a["reason"]
    assert api().get(ITEMS).json()["count"] == 0  # a cancelled item leaves the public catalog
    assert admin_api.get(ITEMS + "?all=1").json()["count"] == 1
    assert api().get(url).json()["reform_status"] == "cancelled"


def test_future_reform_record_is_not_yet_in_force(admin_api, published_item):
    url = f"{ITEMS}{published_item.pk}/"
    admin_api.post(url + "reform-records/", {"status": "sealed", "effective_date": "2099-01-01",
                                             "document_number": "未来文件"}, format="json")
    assert api().get(url + "availability/").json()["ok"] is True


def test_item_without_published_version_is_not_available(admin_api, centre, dept):
    r = admin_api.post(ITEMS, create_body(centre, dept), format="json")
    assert api().get(f"{ITEMS}{r.json()['id']}/availability/").json()["ok"] is False


def test_list_is_paginated_and_honours_page_size(admin_user, centre, dept):
    from shenpi.catalog import services
    for i in range(7):
        item = services.create_item(actor=admin_user, basic_code=f"B{i}", implementation_code=f"I{i}", department=dept,
                                    content=content(centre, dept, name=f"事项{i}"))
        services.publish(actor=admin_user, item=item)
    r = api().get(ITEMS + "?page_size=3")
    assert r.json()["count"] == 7 and len(r.json()["results"]) == 3 and r.json()["next"]
    r = api().get(ITEMS + "?page_size=3&page=3")
    assert len(r.json()["results"]) == 1
    assert api().get(ITEMS + "?q=事项4").json()["count"] == 1
    assert api().get(ITEMS + "?category=instant").json()["count"] == 0
    assert api().get(ITEMS + "?online=true").json()["count"] == 7
    assert api().get(ITEMS + "?department=abc").status_code == 400


def test_every_write_is_audited(admin_api, centre, dept):
    from shenpi.audit.models import AuditEntry
    from shenpi.audit.services import first_broken_entry
    n = AuditEntry.objects.count()
    r = admin_api.post(ITEMS, create_body(centre, dept), format="json")
    admin_api.post(f"{ITEMS}{r.json()['id']}/publish/")
    actions = list(AuditEntry.objects.filter(seq__gt=n).values_list("action", flat=True))
    assert actions == ["catalog.item.create", "catalog.version.publish"]
    assert first_broken_entry() is None
    assert Item.objects.count() == 1


def test_blank_forms_stay_with_their_material_across_versions(admin_api, centre, dept, published_item, settings, tmp_path):
    from django.core.files.base import ContentFile
    settings.MEDIA_ROOT = tmp_path
    published = ItemVersion.objects.get(item=published_item, status="published")
    published.materials.get(name="申请表").blank_form.save("form.pdf", ContentFile(b"%PDF form"))
    new = content(centre, dept, change_note="加一项材料")
    new["materials"].append({"name": "身份证明", "originals": 0, "copies": 1, "requirement": "required",
                             "condition": "", "note": ""})
    assert admin_api.put(f"{ITEMS}{published_item.pk}/draft/", as_json(new), format="json").status_code == 200
    draft = ItemVersion.objects.get(item=published_item, status="draft")
    assert draft.materials.get(name="申请表").blank_form.name.endswith(".pdf")
    assert not draft.materials.get(name="身份证明").blank_form
    # Editing the draft again keeps it too.
    assert admin_api.put(f"{ITEMS}{published_item.pk}/draft/", as_json(new), format="json").status_code == 200
    assert ItemVersion.objects.get(item=published_item, status="draft").materials.get(name="申请表").blank_form
