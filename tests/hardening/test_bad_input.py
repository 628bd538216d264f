"""No 500 on what a client can send (issue 12): each kind of bad input is refused in one place
with a 400 naming the problem, on the pages in Chinese and on the API as JSON."""

import json

import pytest
from django.test import Client

from tests.cases.conftest import demo, user  # noqa: F401  (the demo centre fixture)

pytestmark = pytest.mark.usefixtures("demo")


@pytest.fixture
def client():
    return Client(raise_request_exception=False)


@pytest.mark.parametrize("path, field", [
    ("/?q=%00", "q"),
    ("/lookup/?number=%00&code=1", "number"),
    ("/api/v1/cases/?state=%00", "state"),
    ("/api/v1/cases/lookup/?number=HY1&code=%00", "code"),
    ("/guide/%00/", "path"),
    ("/api/v1/catalog/items/?q=a%00b", "q"),
    ("/api/v1/workdays/add?date=2026-03-02%00&n=1", "date"),
])
def test_a_nul_byte_anywhere_in_a_request_is_a_400_naming_it(client, path, field):
    r = client.get(path)
    assert r.status_code == 400, (path, r.status_code)
    text = r.content.decode()
    assert f"“{field}”" in text and "NUL" in text
    if path.startswith("/api/"):
        assert r["Content-Type"].startswith("application/json") and "detail" in r.json()
    else:
        assert "请求有误" in text  # the Chinese page, not Django's English one


def test_a_nul_byte_in_a_form_post_changes_nothing(client, unchanged):
    with unchanged():
        r = client.post("/password/forgot/", {"phone": "1380013800\x00"})
    assert r.status_code == 400 and "“phone”" in r.content.decode()


@pytest.mark.parametrize("path", [
    "/api/v1/catalog/items/abc/", "/api/v1/catalog/items/-1/availability/", "/api/v1/catalog/items/²/",
    "/api/v1/org/windows/x/", "/api/v1/org/departments/%EF%BC%91/",  # a full-width "１"
])
def test_a_non_integer_id_is_a_400_naming_the_id(client, path):
    r = client.get(path)
    assert r.status_code == 400, (path, r.status_code, r.content[:200])
    assert "id" in r.json()


def test_unicode_digits_are_not_numbers(client):
    assert client.get("/?department=%C2%B2").status_code == 200  # "²": no such department, the whole catalog
    r = client.get("/api/v1/catalog/items/?department=%C2%B2")
    assert r.status_code == 400 and "department" in r.json()
    staff = Client(raise_request_exception=False)
    staff.force_login(user("clerk"))
    assert staff.get("/staff/window/materials/?item=abc").status_code == 200
    assert staff.get("/staff/window/materials/?item=%C2%B2").status_code == 200


def test_if_match_must_be_digits(on, unchanged):
    from rest_framework.test import APIClient

    from shenpi.cases import services as s
    from tests.cases.conftest import applicant, complete, item
    on(2026, 3, 2)
    case = s.submit(actor=user("clerk"), item=item("建筑工程施工许可证核发"), channel="window",
                    paper_materials=complete("建筑工程施工许可证核发"), **applicant())
    c = APIClient(raise_request_exception=False)
    c.force_authenticate(user("clerk"))
    with unchanged():
        r = c.post(f"/api/v1/cases/{case.number}/accept/", {}, format="json", HTTP_IF_MATCH='"²"')
    assert r.status_code == 400 and "If-Match" in r.json()


def test_a_staff_form_with_unicode_digits_gets_a_message(on):
    from shenpi.cases import services as s
    from shenpi.cases.models import Case
    from tests.cases.conftest import applicant, complete, item
    on(2026, 3, 2)
    case = s.submit(actor=user("clerk"), item=item("建筑工程施工许可证核发"), channel="window",
                    paper_materials=complete("建筑工程施工许可证核发"), **applicant())
    c = Client(raise_request_exception=False)
    c.force_login(user("clerk"))
    r = c.post(f"/staff/cases/{case.number}/act/accept/", {"version": "²"}, follow=True)
    assert r.status_code == 200 and "案件版本" in r.content.decode()
    assert Case.objects.get(pk=case.pk).state == case.state
    s.accept(actor=user("clerk"), case=case)
    approver = Client(raise_request_exception=False)
    approver.force_login(user("approver"))
    r = approver.post(f"/staff/cases/{case.number}/act/suspend/",
                      {"kind": "鉴定", "reason": "专家鉴定", "expected_days": "²"}, follow=True)
    assert r.status_code == 200 and "预计工作日" in r.content.decode()
    assert Case.objects.get(pk=case.pk).state == "accepted"


def nested(depth):
    value = 1
    for _ in range(depth):
        value = [value]
    return value


def test_json_nested_100000_deep_is_a_400(client):
    deep = "[" * 100_000 + "]" * 100_000
    for path in ("/api/v1/auth/token/", "/api/v1/cases/"):
        r = client.post(path, deep, content_type="application/json")
        assert r.status_code in (400, 401), (path, r.status_code)
    staff = Client(raise_request_exception=False)
    staff.force_login(user("clerk"))
    r = staff.post("/api/v1/cases/", deep, content_type="application/json")
    assert r.status_code == 400 and "detail" in r.json()
    r = staff.post("/api/v1/cases/", json.dumps({"a": nested(40)}),
                   content_type="application/json")
    assert r.status_code == 400 and "32" in r.json()["detail"]
    r = staff.post("/api/v1/cases/", json.dumps({"applicant_name": "张\x00三"}), content_type="application/json")
    assert r.status_code == 400 and "NUL" in r.json()["detail"]


def test_an_oversize_body_is_a_json_400_on_the_api_and_a_chinese_page_elsewhere(client, settings):
    big = "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)
    r = client.post("/api/v1/auth/token/", big, content_type="application/json")
    assert r.status_code == 400 and r["Content-Type"].startswith("application/json")
    assert "太大" in r.json()["detail"]
    r = client.post("/password/forgot/", {"phone": big})
    assert r.status_code == 400 and "太大" in r.content.decode() and "<html" in r.content.decode()


def test_a_broken_multipart_body_is_a_400_without_a_traceback(client, caplog):
    r = client.post("/api/v1/cases/", b"--x\r\n", content_type="multipart/form-data")  # no boundary
    assert r.status_code == 400 and r.json()["detail"]
    r = client.post("/register/", b"--x\r\n", content_type="multipart/form-data")
    assert r.status_code == 400 and "<html" in r.content.decode()
    assert not [rec for rec in caplog.records if rec.exc_info]
