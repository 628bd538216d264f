"""Every write endpoint with every role: only centre administrators change organisation and catalog."""

import pytest

from shenpi.org.roles import Role
from tests.conftest import api, as_json, content

pytestmark = pytest.mark.django_db


@pytest.fixture
def writes(centre, dept, published_item):
    body = as_json(content(centre, dept))
    item = f"/api/v1/catalog/items/{published_item.pk}/"
    return [
        ("post", "/api/v1/org/centres/", {"name": "x", "code": "x"}),
        ("post", "/api/v1/org/departments/", {"name": "x", "credit_code": dept.credit_code, "centre": centre.pk}),
        ("patch", f"/api/v1/org/departments/{dept.pk}/", {"name": "改名"}),
        ("post", "/api/v1/org/windows/", {"centre": centre.pk, "number": "99", "name": "x"}),
        ("post", "/api/v1/org/project-groups/", {"kind": "investment", "name": "x", "departments": []}),
        ("post", "/api/v1/org/staff/", {"username": "x", "name": "x", "employment": "permanent", "position": "officer"}),
        ("post", "/api/v1/catalog/items/", {**body, "basic_code": "X1", "implementation_code": "X1", "department": dept.pk}),
        ("put", item + "draft/", body),
        ("delete", item + "draft/", None),
        ("post", item + "publish/", None),
        ("post", item + "reform-records/", {"status": "cancelled", "effective_date": "2013-10-01", "document_number": "x"}),
        ("post", "/api/v1/catalog/import/", None),
    ]


@pytest.fixture
def user_with(make_staff, admin_user, centre, dept, django_user_model):
    def make(role):
        if role is None:  # an applicant
            return django_user_model.objects.create_user("citizen", password="x-Secret-9")
        if role in (Role.SUPERVISOR, Role.LEADER):
            return make_staff(f"u_{role}", [role], department=None).user
        window = None
        if role == Role.WINDOW_CLERK:
            from shenpi.org import services
            window = services.save_window(actor=admin_user, centre=centre, number="03", name="住建窗口", department=dept)
        position = "section_chief" if role == Role.CHIEF_REP else "officer"
        return make_staff(f"u_{role}", [role], window=window, position=position).user
    return make


@pytest.mark.parametrize("role", [r for r in Role if r != Role.CENTRE_ADMIN] + [None])
def test_only_centre_admins_write(role, user_with, writes, unchanged):
    client = api(user_with(role))
    with unchanged():
        for method, url, body in writes:
            r = getattr(client, method)(url, body, format="json")
            assert r.status_code == 403, (role, method, url, r.status_code)


def test_anonymous_writes_are_401(writes, unchanged):
    with unchanged():
        for method, url, body in writes:
            r = getattr(api(), method)(url, body, format="json")
            assert r.status_code == 401, (method, url, r.status_code)
