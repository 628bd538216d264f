"""The platform's promises: schema, settings, demo data, audit chain."""

import io

import pytest
from django.conf import settings
from django.core.management import call_command

from shenpi.audit.models import AuditEntry
from shenpi.audit.services import first_broken_entry
from shenpi.org.models import Centre, Department, Staff, Window
from shenpi.org.roles import Role


def test_openapi_schema_validates_without_warnings(tmp_path):
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yaml"))
    text = (tmp_path / "schema.yaml").read_text()
    assert "/api/v1/catalog/items/" in text and "/api/v1/org/staff/" in text
    # The case list is documented as the page object it returns, not as a bare array: a page
    # read by position (issue 16), with no count.
    import yaml
    schema = yaml.safe_load(text)
    listed = schema["paths"]["/api/v1/cases/"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    page = schema["components"]["schemas"][listed["$ref"].rsplit("/", 1)[-1]]
    assert page["type"] == "object" and set(page["properties"]) == {"next", "results"}
    cursor = [p for p in schema["paths"]["/api/v1/cases/"]["get"]["parameters"] if p["name"] == "cursor"]
    assert cursor and cursor[0]["in"] == "query"


@pytest.mark.django_db
def test_schema_and_docs_are_served(client):
    assert client.get("/api/schema/").status_code == 200
    assert client.get("/api/docs/").status_code == 200


def test_settings_are_timezone_aware_and_chinese():
    assert settings.USE_TZ and settings.TIME_ZONE == "Asia/Shanghai"
    assert settings.LANGUAGE_CODE == "zh-hans"


@pytest.mark.django_db
def test_demo_data_is_a_whole_city_centre():
    out = io.StringIO()
    call_command("demo-data", stdout=out)
    text = out.getvalue()
    names = set(Department.objects.values_list("name", flat=True))
    assert len(names) >= 10
    for part in ("发展和改革", "自然资源和规划", "住房和城乡建设", "消防救援", "人民防空", "住房保障和房产管理", "市场监督管理"):
        assert any(part in n for n in names), part
    assert Centre.objects.filter(parent__isnull=False).exists()
    assert Window.objects.count() >= 10
    from shenpi.catalog.selectors import published_versions
    versions = list(published_versions())
    assert len(versions) >= 40
    assert {v.category for v in versions} == {"instant", "review_approve", "promised"}
    assert len({v.reform_status for v in versions}) >= 4
    for role in Role:
        assert Staff.objects.filter(user__groups__name=role).exists(), role
        assert "shenpi-demo-2026" in text
    assert first_broken_entry() is None and AuditEntry.objects.count() > 100
    # A second run leaves an existing database alone.
    n = AuditEntry.objects.count()
    call_command("demo-data", stdout=io.StringIO())
    assert AuditEntry.objects.count() == n


