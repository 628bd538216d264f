"""Public catalog and service guides (A3, H1) through real HTTP."""

import pytest

from tests.conftest import content

pytestmark = pytest.mark.django_db


def test_catalog_lists_searches_and_filters(client, published_item):
    page = client.get("/").content.decode()
    assert "建筑工程施工许可证核发" in page
    assert "建筑工程施工许可证核发" in client.get("/?q=施工许可").content.decode()
    assert "建筑工程施工许可证核发" not in client.get("/?q=不存在的事项").content.decode()
    assert "建筑工程施工许可证核发" not in client.get("/?category=instant").content.decode()
    # htmx asks for the result list alone
    partial = client.get("/?q=施工", HTTP_HX_REQUEST="true").content.decode()
    assert "建筑工程施工许可证核发" in partial and "<html" not in partial


def test_guide_shows_what_the_notice_asks(client, published_item):
    r = client.get(f"/guide/{published_item.implementation_code}/")
    page = r.content.decode()
    for text in ("建筑工程施工许可证核发", "《中华人民共和国建筑法》第七条", "申请表", "三号窗口", "qr.svg", "window.print()"):
        assert text in page, text
    assert 'name="viewport"' in page  # phone screens


def test_guide_shows_fees_in_yuan(admin_user, client, centre, dept):
    from shenpi.catalog import services
    item = services.create_item(actor=admin_user, basic_code="F1", implementation_code="F1", department=dept,
                                content=content(centre, dept, fees=[{"name": "登记费", "standard_fen": 8050, "unit": "件",
                                                                     "legal_basis": "发改价格规〔2016〕2559号"}]))
    services.publish(actor=admin_user, item=item)
    assert "¥80.50" in client.get("/guide/F1/").content.decode()


def test_qr_code_is_an_svg_of_the_guide_address(client, published_item):
    r = client.get(f"/guide/{published_item.implementation_code}/qr.svg")
    assert r.status_code == 200 and r["Content-Type"] == "image/svg+xml"
    assert r.content.startswith(b"<?xml") and b"<svg" in r.content


def test_unknown_or_unpublished_guide_is_404(client, admin_user, centre, dept):
    from shenpi.catalog import services
    services.create_item(actor=admin_user, basic_code="D1", implementation_code="D1", department=dept, content=content(centre, dept))
    assert client.get("/guide/D1/").status_code == 404
    assert client.get("/guide/D1/qr.svg").status_code == 404
    assert client.get("/guide/NOPE/").status_code == 404


def test_chinese_by_default_and_english_on_request(client, published_item):
    page = client.get("/").content.decode()
    assert "事项目录" in page and "服务热线" in page
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert "Service catalog" in client.get("/").content.decode()


def test_staff_login_page_and_login(client, make_staff):
    from shenpi.org.roles import Role
    make_staff("h", [Role.HANDLER])
    assert client.get("/staff/login/").status_code == 200
    r = client.post("/staff/login/", {"username": "h", "password": "x-Secret-9"})
    assert r.status_code == 302
    assert client.get("/staff/").status_code == 200


def test_workbench_refuses_non_staff(client, django_user_model):
    user = django_user_model.objects.create_user("citizen", password="x-Secret-9")
    client.force_login(user)
    assert client.get("/staff/").status_code == 403


def test_blank_form_is_linked_and_downloads(client, published_item, settings, tmp_path):
    from django.core.files.base import ContentFile

    from shenpi.catalog.models import ItemVersion
    settings.MEDIA_ROOT = tmp_path
    material = ItemVersion.objects.get(item=published_item, status="published").materials.first()
    material.blank_form.save("apply.pdf", ContentFile(b"%PDF-1.4 blank form"))  # test setup, not the app's path
    code = published_item.implementation_code
    page = client.get(f"/guide/{code}/").content.decode()
    url = f"/guide/{code}/materials/{material.pk}/blank_form/"
    assert url in page
    r = client.get(url)
    assert r.status_code == 200 and b"".join(r.streaming_content) == b"%PDF-1.4 blank form"
    assert "attachment" in r["Content-Disposition"]
    assert client.get(f"/guide/{code}/materials/{material.pk}/sample/").status_code == 404
    assert client.get(f"/guide/{code}/materials/{material.pk}/password/").status_code == 404
    assert client.get(f"/guide/{code}/materials/999999/blank_form/").status_code == 404


@pytest.mark.django_db
def test_error_pages_are_chinese_in_the_sites_layout_and_the_favicon_exists(client):
    r = client.get("/no-such-page/")
    page = r.content.decode()
    assert r.status_code == 404 and "页面不存在" in page and "事项目录" in page
    from django.contrib.auth import get_user_model
    client.force_login(get_user_model().objects.create_user("13900000000", password="x-Secret-9"))
    r = client.get("/staff/")
    assert r.status_code == 403 and "无权访问" in r.content.decode() and "/my/" in r.content.decode()
    assert client.get("/favicon.ico").status_code == 301
    from django.template.loader import get_template
    assert "系统暂时出了问题" in get_template("500.html").render({})


@pytest.mark.django_db
def test_an_applicant_logging_in_lands_on_my_cases(client):
    from django.contrib.auth import get_user_model
    get_user_model().objects.create_user("13900000001", password="x-Secret-9")
    r = client.post("/login/", {"username": "13900000001", "password": "x-Secret-9"})
    assert r.status_code == 302 and r.url == "/my/"


@pytest.mark.django_db
def test_registering_with_a_weak_password_is_told_in_chinese(client):
    import re

    from tests.cases.test_portal_apply import sms_code
    page = client.post("/register/", {"phone": "13911112222"}).content.decode()
    alerts = " ".join(re.findall(r'role="alert">([^<]+)<', page))
    assert "隐私条款" in alerts and not re.search(r"[A-Za-z]{3,}", alerts), alerts
    client.post("/register/", {"phone": "13911112222", "consent": "on"})
    page = client.post("/register/confirm/", {"phone": "13911112222", "code": sms_code("13911112222"),
                                              "password": "123"}).content.decode()
    alerts = " ".join(re.findall(r'role="alert">([^<]+)<', page))
    assert "密码太短" in alerts and not re.search(r"[A-Za-z]{3,}", alerts), alerts
