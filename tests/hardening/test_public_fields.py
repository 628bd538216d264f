"""What anyone may read (issue 12): every field of every endpoint open to anonymous callers is
listed here, so a new field on a public endpoint is a decision, not an accident. Camera
addresses and staff phone numbers stay with the staff who need them."""

import pytest
from django.test import Client

from shenpi.cases import services as s
from shenpi.org.models import Window
from tests.cases.conftest import applicant, complete, item, user

pytestmark = pytest.mark.usefixtures("demo")

PAGE = {"count", "next", "previous", "results"}
CONTENT = {"category", "centre", "change_note", "conditions", "fees", "handling_forms", "hotline", "item_type",
           "legal_basis", "level", "location", "materials", "materials.condition", "materials.copies",
           "materials.name", "materials.note", "materials.originals", "materials.requirement", "name",
           "promised_limit", "service_objects", "stages", "stages.name", "stages.steps", "stages.steps.budget",
           "stages.steps.department", "stages.steps.name", "stages.steps.role", "statutory_limit", "subject_nature",
           "visits"}
PUBLIC = {
    "/api/v1/catalog/items/": PAGE | {"results." + f for f in (
        "basic_code", "category", "department", "department_name", "id", "implementation_code", "item_type", "name",
        "online", "promised_limit", "reform_status", "statutory_limit", "version")},
    "/api/v1/catalog/items/{item}/": {"basic_code", "department", "has_draft", "id", "implementation_code",
                                      "reform_status", "version", "content"} | {"content." + f for f in CONTENT},
    "/api/v1/catalog/items/{item}/availability/": {"ok", "reason"},
    "/api/v1/org/centres/": PAGE | {"results." + f for f in (
        "address", "code", "hotline", "id", "is_subcentre", "name", "opening_hours", "parent")},
    "/api/v1/org/departments/": PAGE | {"results." + f for f in ("centre", "credit_code", "id", "name", "short_name")},
    "/api/v1/org/windows/": PAGE | {"results." + f for f in (
        "accept_items", "centre", "decide_items", "department", "id", "name", "number")},
    "/api/v1/org/windows/{window}/": {"accept_items", "centre", "decide_items", "department", "id", "name", "number"},
    "/api/v1/org/project-groups/": PAGE | {"results." + f for f in ("departments", "id", "kind", "name")},
    "/api/v1/workdays/add?date=2026-03-02&n=5": {"date", "n", "provisional", "result"},
    "/api/v1/workdays/between?start=2026-03-02&end=2026-03-09": {"end", "provisional", "start", "workdays"},
    "/api/v1/workdays/day?date=2026-03-02": {"date", "is_swapped_workday", "is_workday", "name", "provisional"},
    "/api/v1/cases/lookup/?number={number}&code={code}": {
        "accepted_on", "decided_on", "delivered_on", "delivery_due", "extension", "item_name", "number",
        "promised_due", "provisional_dates", "received_on", "state", "statutory_due"},
}


def keys(value, prefix=""):
    out = set()
    if isinstance(value, dict):
        for k, v in value.items():
            out |= {prefix + k} | keys(v, prefix + k + ".")
    elif isinstance(value, list):
        for v in value:
            out |= keys(v, prefix)
    return out


@pytest.fixture
def case(on):
    on(2026, 3, 2)
    return s.submit(actor=user("clerk"), item=item("建筑工程施工许可证核发"), channel="window",
                    paper_materials=complete("建筑工程施工许可证核发"), **applicant())


def test_every_field_an_anonymous_caller_gets_is_listed(case):
    window = Window.objects.exclude(video_url_template="").first()
    assert window is not None, "the demo gives windows cameras"
    names = {"item": case.item_id, "window": window.pk, "number": case.number, "code": case.query_code}
    anonymous = Client()
    for path, fields in PUBLIC.items():
        r = anonymous.get(path.format(**names))
        assert r.status_code == 200, path
        assert keys(r.json()) == fields, (path, keys(r.json()) ^ fields)
        assert window.video_url_template not in r.content.decode()
        assert case.applicant_name not in r.content.decode() and case.applicant_id not in r.content.decode()


def test_cameras_and_phones_are_for_staff_who_need_them():
    window = Window.objects.exclude(video_url_template="").first()
    staff = Client()
    staff.force_login(user("clerk"))
    assert staff.get(f"/api/v1/org/windows/{window.pk}/").json()["video_url_template"] == window.video_url_template
    rows = {r["username"]: r for r in staff.get("/api/v1/org/staff/?page_size=100").json()["results"]}
    assert rows["clerk"]["phone"] == user("clerk").staff.phone != ""  # one's own
    assert rows["reviewer"]["phone"] == user("reviewer").staff.phone  # a colleague in the department
    assert "clerk_sj" not in rows  # another department's staff are not listed at all
    # A department's head sees every staff member of the centre's list only where allowed; the
    # supervisor sees all with their work mobiles; an applicant sees no one.
    supervisor = Client()
    supervisor.force_login(user("supervisor"))
    rows = {r["username"]: r for r in supervisor.get("/api/v1/org/staff/?page_size=100").json()["results"]}
    assert rows["clerk_sj"]["phone"] == user("clerk_sj").staff.phone != ""
    assert Client().get("/api/v1/org/staff/").status_code == 401
