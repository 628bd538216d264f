"""Organisation rules (B1, B2) through the HTTP API: refusals are 400s that change nothing."""

import pytest

from shenpi.audit.models import AuditEntry
from shenpi.demo.centre import credit_code
from shenpi.org.models import Staff, Window
from shenpi.org.roles import Role
from tests.conftest import api

pytestmark = pytest.mark.django_db

STAFF_URL = "/api/v1/org/staff/"


def staff_body(dept, **over):
    body = {"username": "newbie", "password": "x-Secret-9", "name": "新人", "department": dept.pk, "window": None,
            "employment": "permanent", "position": "officer", "roles": ["handler"]}
    body.update(over)
    return body


@pytest.fixture
def window(admin_user, centre, dept):
    from shenpi.org import services
    return services.save_window(actor=admin_user, centre=centre, number="03", name="住建窗口", department=dept)


def test_admin_creates_staff_with_roles_and_audit(admin_api, dept, window):
    before = AuditEntry.objects.count()
    r = admin_api.post(STAFF_URL, staff_body(dept, window=window.pk, roles=["window_clerk"]), format="json")
    assert r.status_code == 201, r.content
    assert r.json()["roles"] == ["window_clerk"]
    s = Staff.objects.get(user__username="newbie")
    assert s.window == window
    assert AuditEntry.objects.count() == before + 1
    entry = AuditEntry.objects.last()
    assert entry.action == "org.staff.save" and entry.after["roles"] == ["window_clerk"]


@pytest.mark.parametrize("employment", ["temporary", "contract", "dispatched"])
def test_only_permanent_staff_at_a_window(admin_api, dept, window, unchanged, employment):
    with unchanged():
        r = admin_api.post(STAFF_URL, staff_body(dept, window=window.pk, employment=employment), format="json")
    assert r.status_code == 400
    assert "employment" in r.json()
    assert "在编在岗" in r.json()["employment"][0]


def test_moving_window_staff_to_temporary_is_refused(admin_api, make_staff, window, unchanged):
    s = make_staff("w1", [Role.WINDOW_CLERK], window=window)
    with unchanged():
        r = admin_api.patch(f"{STAFF_URL}{s.pk}/", {"employment": "temporary"}, format="json")
    assert r.status_code == 400 and "employment" in r.json()


@pytest.mark.parametrize("position", ["officer", "head", "deputy_section_chief", "other"])
def test_chief_representative_position_rule(admin_api, dept, unchanged, position):
    with unchanged():
        r = admin_api.post(STAFF_URL, staff_body(dept, position=position, roles=["chief_rep"]), format="json")
    assert r.status_code == 400
    assert "position" in r.json()


@pytest.mark.parametrize("position", ["deputy_head", "section_chief"])
def test_chief_representative_allowed_positions(admin_api, dept, position):
    r = admin_api.post(STAFF_URL, staff_body(dept, position=position, roles=["chief_rep"]), format="json")
    assert r.status_code == 201, r.content


def test_one_chief_representative_per_department(admin_api, make_staff, dept, unchanged):
    make_staff("chief1", [Role.CHIEF_REP], position="section_chief")
    with unchanged():
        r = admin_api.post(STAFF_URL, staff_body(dept, position="deputy_head", roles=["chief_rep"]), format="json")
    assert r.status_code == 400 and "roles" in r.json()


def test_window_clerk_needs_window_and_department_roles_need_department(admin_api, dept, unchanged):
    with unchanged():
        r = admin_api.post(STAFF_URL, staff_body(dept, roles=["window_clerk"]), format="json")
        assert r.status_code == 400 and "window" in r.json()
        r = admin_api.post(STAFF_URL, staff_body(dept, department=None, roles=["reviewer"]), format="json")
        assert r.status_code == 400 and "department" in r.json()


def test_staff_at_another_departments_window_refused(admin_api, dept2, window, unchanged):
    with unchanged():
        r = admin_api.post(STAFF_URL, staff_body(dept2, window=window.pk), format="json")
    assert r.status_code == 400 and "window" in r.json()


def test_duplicate_username_refused(admin_api, make_staff, dept, unchanged):
    make_staff("newbie", [Role.HANDLER])
    with unchanged():
        r = admin_api.post(STAFF_URL, staff_body(dept), format="json")
    assert r.status_code == 400 and "username" in r.json()


def test_unknown_role_refused(admin_api, dept, unchanged):
    with unchanged():
        r = admin_api.post(STAFF_URL, staff_body(dept, roles=["king"]), format="json")
    assert r.status_code == 400 and "roles" in r.json()


def test_department_credit_code_checked(admin_api, centre, unchanged):
    bad = credit_code(7)[:-1] + ("0" if credit_code(7)[-1] != "0" else "1")
    with unchanged():
        r = admin_api.post("/api/v1/org/departments/", {"name": "某局", "credit_code": bad, "centre": centre.pk}, format="json")
    assert r.status_code == 400 and "credit_code" in r.json()
    r = admin_api.post("/api/v1/org/departments/", {"name": "某局", "credit_code": credit_code(7), "centre": centre.pk}, format="json")
    assert r.status_code == 201


def test_department_credit_code_unique(admin_api, centre, dept, unchanged):
    with unchanged():
        r = admin_api.post("/api/v1/org/departments/", {"name": "另一局", "credit_code": dept.credit_code, "centre": centre.pk}, format="json")
    assert r.status_code == 400 and "credit_code" in r.json()


def test_subcentre_of_subcentre_refused(admin_api, centre, unchanged):
    r = admin_api.post("/api/v1/org/centres/", {"name": "分中心", "code": "sub", "parent": centre.pk}, format="json")
    assert r.status_code == 201 and r.json()["is_subcentre"]
    with unchanged():
        r = admin_api.post("/api/v1/org/centres/", {"name": "分分中心", "code": "subsub", "parent": r.json()["id"]}, format="json")
    assert r.status_code == 400 and "parent" in r.json()


def test_window_item_authorisation_rules(admin_api, centre, dept, dept2, published_item, unchanged):
    body = {"centre": centre.pk, "number": "09", "name": "消防窗口", "department": dept2.pk,
            "accept_items": [published_item.pk], "decide_items": [published_item.pk]}
    with unchanged():
        r = admin_api.post("/api/v1/org/windows/", body, format="json")
        assert r.status_code == 400 and "accept_items" in r.json()  # another department's item
        r = admin_api.post("/api/v1/org/windows/", {**body, "department": dept.pk, "accept_items": []}, format="json")
        assert r.status_code == 400 and "decide_items" in r.json()  # decides what it does not accept
    r = admin_api.post("/api/v1/org/windows/", {**body, "department": dept.pk}, format="json")
    assert r.status_code == 201, r.content
    w = Window.objects.get(pk=r.json()["id"])
    assert list(w.decide_items.all()) == [published_item]


def test_window_number_unique_per_centre(admin_api, centre, window, unchanged):
    with unchanged():
        r = admin_api.post("/api/v1/org/windows/", {"centre": centre.pk, "number": "03", "name": "重复"}, format="json")
    assert r.status_code == 400 and "number" in r.json()


def test_general_window_clerk_needs_no_department(admin_api, centre):
    r = admin_api.post("/api/v1/org/windows/", {"centre": centre.pk, "number": "00", "name": "综合窗口"}, format="json")
    w = r.json()["id"]
    r = admin_api.post(STAFF_URL, {"username": "zh", "name": "综合", "department": None, "window": w,
                                   "employment": "permanent", "position": "officer", "roles": ["window_clerk"]}, format="json")
    assert r.status_code == 201, r.content


def test_project_groups(admin_api, dept, dept2):
    r = admin_api.post("/api/v1/org/project-groups/", {"kind": "investment", "name": "固定资产投资项目群",
                                                       "departments": [dept.pk, dept2.pk]}, format="json")
    assert r.status_code == 201, r.content
    assert sorted(api().get("/api/v1/org/project-groups/").json()["results"][0]["departments"]) == sorted([dept.pk, dept2.pk])


def test_only_centre_admins_write(make_staff, dept, centre, unchanged):
    clerk = make_staff("plain", [Role.HANDLER]).user
    with unchanged():
        assert api(clerk).post("/api/v1/org/departments/", {"name": "x", "credit_code": credit_code(9), "centre": centre.pk},
                               format="json").status_code == 403
        assert api(clerk).post(STAFF_URL, staff_body(dept), format="json").status_code == 403
        assert api().post(STAFF_URL, staff_body(dept), format="json").status_code in (401, 403)


def test_staff_list_is_for_staff_only(make_staff):
    make_staff("h", [Role.HANDLER])
    assert api().get(STAFF_URL).status_code in (401, 403)
    assert api().get("/api/v1/org/departments/").status_code == 200


def test_staff_see_only_their_own_department(make_staff, dept, dept2, centre_admin):
    mine = make_staff("a", [Role.HANDLER])
    colleague = make_staff("b", [Role.REVIEWER])
    other = make_staff("c", [Role.HANDLER], department=dept2)
    names = {s["username"] for s in api(mine.user).get(STAFF_URL).json()["results"]}
    assert names == {"a", "b"}
    assert api(mine.user).get(f"{STAFF_URL}{other.pk}/").status_code == 404
    assert api(mine.user).get(f"{STAFF_URL}{colleague.pk}/").status_code == 200
    supervisor = make_staff("s", [Role.SUPERVISOR], department=None)
    assert api(supervisor.user).get(STAFF_URL).json()["count"] == 5
    assert api(centre_admin).get(STAFF_URL).json()["count"] == 5
