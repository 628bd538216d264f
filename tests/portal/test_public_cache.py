"""The public catalog and guides served from the cache while what they show stands, and
rendered afresh the moment it changes (issue 16, item 2)."""

import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from shenpi.catalog import services as catalog
from shenpi.catalog.codes import ReformStatus
from shenpi.org import services as org
from shenpi.workdays import services as workdays
from tests.conftest import content

pytestmark = pytest.mark.django_db


def fetch(client, path, **headers):
    with CaptureQueriesContext(connection) as q:
        r = client.get(path, **headers)
    return r, len(q)


def test_a_page_is_rendered_once_then_served_and_revalidated(client, published_item):
    guide = f"/guide/{published_item.implementation_code}/"
    for path in ("/", guide, "/?q=施工"):
        first, _n = fetch(client, path)
        again, queries = fetch(client, path)
        assert first.status_code == again.status_code == 200
        assert again.content == first.content and queries == 1, (path, queries)  # the stamp, nothing else
        assert first["ETag"] == again["ETag"] and first["Last-Modified"]
        assert "no-cache" in again["Cache-Control"] and "Cookie" in again["Vary"]
        assert b"csrfmiddlewaretoken" not in first.content  # nothing of one visitor's in it
        not_modified, queries = fetch(client, path, HTTP_IF_NONE_MATCH=first["ETag"])
        assert not_modified.status_code == 304 and not_modified.content == b"" and queries == 1
    # The htmx fragment and the whole page are not one entry.
    partial = client.get("/?q=施工", HTTP_HX_REQUEST="true")
    assert b"<html" not in partial.content and partial["ETag"] != client.get("/?q=施工")["ETag"]


def test_what_the_pages_show_changing_renders_them_afresh(client, admin_user, centre, dept, published_item):
    guide = f"/guide/{published_item.implementation_code}/"

    def tags():
        return client.get("/")["ETag"], client.get(guide)["ETag"]

    before = tags()
    item = catalog.create_item(actor=admin_user, basic_code="000106002", implementation_code="T000106002",
                               department=dept, content=content(centre, dept, name="新设事项甲"))
    draft = tags()
    catalog.publish(actor=admin_user, item=item)
    published = tags()
    assert "新设事项甲" in client.get("/").content.decode() and published != draft
    catalog.add_reform_record(actor=admin_user, item=item, status=ReformStatus.CANCELLED,
                              effective_date=dt.date(2020, 1, 1), document_number="衡政发〔2020〕1号")
    assert "新设事项甲" not in client.get("/").content.decode()
    reformed = tags()
    org.save_department(actor=admin_user, department=dept, name="测试住房和城乡建设局")
    assert "测试住房和城乡建设局" in client.get(guide).content.decode()
    renamed = tags()
    day = dt.date(2026, 12, 31)
    workdays.change_day(actor=admin_user, day=day, is_workday=False, name="调休", reason="测试",
                        document_number="国办发明电〔2029〕1号")
    recounted = tags()
    seen = [before, draft, published, reformed, renamed, recounted]
    # every change moves both pages' tags (a draft shows nowhere, yet it moved them: a stamp
    # errs on the side of rendering again)
    assert all(a[0] != b[0] and a[1] != b[1] for a, b in zip(seen, seen[1:], strict=False)), seen
    assert client.get("/", HTTP_IF_NONE_MATCH=before[0]).status_code == 200


def test_language_and_signing_in_are_never_served_from_another(client, published_item, django_user_model):
    zh = client.get("/")
    assert "事项目录" in zh.content.decode()
    english = Client(HTTP_ACCEPT_LANGUAGE="en")
    en = english.get("/")
    assert "Service catalog" in en.content.decode() and en["ETag"] != zh["ETag"]
    # Choosing the language needs no token, so the cached page carries none.
    strict = Client(enforce_csrf_checks=True)
    assert strict.post("/i18n/setlang/", {"language": "en", "next": "/"}).status_code == 302
    assert "Service catalog" in strict.get("/").content.decode()
    applicant = django_user_model.objects.create_user("13900139000", password="x-Secret-9")
    client.force_login(applicant)
    mine = client.get("/")
    assert "我的办件" in mine.content.decode() and not mine.has_header("ETag")
