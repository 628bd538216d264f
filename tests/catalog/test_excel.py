"""Excel export and import (A5): a round trip keeps the catalog; one bad row imports nothing."""

import io

import pytest
from django.core.management import call_command
from openpyxl import load_workbook

from shenpi.catalog import excel
from shenpi.catalog.selectors import published_versions
from shenpi.catalog.services import content_of
from tests.conftest import api

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(db):
    call_command("demo-data", stdout=io.StringIO())


def catalog_state():
    out = {}
    for v in published_versions().prefetch_related("materials", "fees", "stages__steps"):
        c = content_of(v)
        c["centre"] = c["centre"].code
        for st in c["stages"]:
            for s in st["steps"]:
                s["department"] = s["department"].credit_code
        recs = sorted((r.status, r.effective_date.isoformat(), r.document_number, r.delegated_to, r.note)
                      for r in v.item.reform_records.all())
        out[v.item.implementation_code] = (v.item.basic_code, v.item.department.credit_code, c, recs)
    return out


def export_via_api(user):
    r = api(user).get("/api/v1/catalog/export/")
    assert r.status_code == 200
    assert r["Content-Type"] == excel.XLSX
    return b"".join(r.streaming_content) if r.streaming else r.content


def upload(user, data: bytes):
    f = io.BytesIO(data)
    f.name = "catalog.xlsx"
    return api(user).post("/api/v1/catalog/import/", {"file": f}, format="multipart")


def admin():
    from django.contrib.auth import get_user_model
    return get_user_model().objects.get(username="admin")


def test_export_then_import_into_empty_catalog_gives_the_same_catalog(demo, django_db_blocker):
    user = admin()
    data = export_via_api(user)
    before = catalog_state()
    assert len(before) >= 40
    # Wipe the catalog by rebuilding the database from the demo's organisation only.
    from shenpi.catalog.models import Fee, FlowStage, Item, ItemVersion, Material, ReformRecord
    from shenpi.joint.models import Bundle
    from shenpi.org.models import Window
    for w in Window.objects.all():
        w.accept_items.clear()
        w.decide_items.clear()
    Bundle.objects.all().delete()  # the demo's bundles name items
    Material.objects.all().delete(); Fee.objects.all().delete(); FlowStage.objects.all().delete()  # noqa: E702
    ItemVersion.objects.all().delete(); ReformRecord.objects.all().delete(); Item.objects.all().delete()  # noqa: E702
    assert catalog_state() == {}
    r = upload(user, data)
    assert r.status_code == 200, r.content
    assert r.json() == {"created": len(before), "updated": 0, "unchanged": 0}
    assert catalog_state() == before


def test_reimporting_the_same_file_changes_nothing(demo):
    user = admin()
    data = export_via_api(user)
    before = catalog_state()
    r = upload(user, data)
    assert r.json() == {"created": 0, "updated": 0, "unchanged": len(before)}
    assert catalog_state() == before


def _edit(data: bytes, sheet: str, cell: str, value) -> bytes:
    wb = load_workbook(io.BytesIO(data))
    wb[sheet][cell] = value
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_one_bad_row_imports_nothing_and_names_row_and_column(demo, unchanged):
    user = admin()
    data = export_via_api(user)
    # Row 5 of the items sheet: change the name (a good edit) in row 4 and break row 5's promised limit.
    data = _edit(data, "事项", "D4", "改过的名称")
    data = _edit(data, "事项", "M5", 999)
    with unchanged():
        r = upload(user, data)
    assert r.status_code == 400
    messages = r.json()["file"]
    assert len(messages) == 1, messages
    assert "第 5 行" in messages[0] and "M (承诺时限)" in messages[0] and "不得超过法定时限" in messages[0]
    (row,) = r.json()["rows"]
    assert (row["sheet"], row["row"], row["column"]) == ("事项", 5, "M (承诺时限)")


def test_bad_cells_in_child_sheets_are_all_reported(demo, unchanged):
    user = admin()
    data = export_via_api(user)
    data = _edit(data, "材料", "C3", "many")
    data = _edit(data, "流程", "E2", "nobody")
    data = _edit(data, "收费", "A2", "NO-SUCH-ITEM")
    with unchanged():
        r = upload(user, data)
    assert r.status_code == 400
    rows = {(e["sheet"], e["row"], e["column"][:1]) for e in r.json()["rows"]}
    assert ("材料", 3, "C") in rows and ("流程", 2, "E") in rows and ("收费", 2, "A") in rows


def test_not_a_workbook_and_missing_file(demo, unchanged):
    user = admin()
    with unchanged():
        r = upload(user, b"not excel at all")
        assert r.status_code == 400 and "file" in r.json()
        r = api(user).post("/api/v1/catalog/import/", {}, format="multipart")
        assert r.status_code == 400 and "file" in r.json()


def test_import_is_for_centre_admins(demo, unchanged):
    from django.contrib.auth import get_user_model
    clerk = get_user_model().objects.get(username="clerk")
    data = export_via_api(clerk)  # staff may export
    with unchanged():
        assert upload(clerk, data).status_code == 403
