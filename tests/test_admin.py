"""The Django admin: every page opens for a centre administrator, the rules hold there too."""

import io
import json

import pytest
from django.contrib import admin
from django.core.management import call_command
from django.urls import reverse
from django.utils.html import escape

from shenpi.org.models import Staff
from shenpi.org.roles import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo():
    call_command("demo-data", stdout=io.StringIO())


def admin_client(client, username="admin"):
    from django.contrib.auth import get_user_model
    client.force_login(get_user_model().objects.get(username=username))
    return client


def test_every_admin_page_opens_for_the_centre_admin(demo, client):
    c = admin_client(client)
    assert c.get("/admin/").status_code == 200
    for model in admin.site._registry:
        info = model._meta.app_label, model._meta.model_name
        url = reverse("admin:{}_{}_changelist".format(*info))
        assert c.get(url).status_code == 200, url
        obj = model.objects.first()
        if obj is not None:
            r = c.get(reverse("admin:{}_{}_change".format(*info), args=[obj.pk]))
            assert r.status_code in (200, 302), (url, r.status_code)


def test_a_centre_admin_who_is_not_superuser_can_work(demo, client, admin_user):
    from shenpi.org import services
    s = services.save_staff(actor=admin_user, username="ca2", password="x-Secret-9", name="二号管理员", department=None,
                            window=None, employment="permanent", position="officer", roles=[Role.CENTRE_ADMIN])
    c = admin_client(client, "ca2")
    assert s.user.is_staff and not s.user.is_superuser
    assert c.get("/admin/org/staff/").status_code == 200
    assert c.get("/admin/catalog/item/").status_code == 200
    assert c.get("/admin/auth/user/").status_code == 403  # accounts are the superuser's


def test_other_staff_are_kept_out_of_the_admin(demo, client):
    c = admin_client(client, "clerk")
    assert c.get("/admin/org/staff/").status_code in (302, 403)


def test_admin_staff_form_refuses_a_temporary_hire_at_a_window(demo, client):
    from tests.conftest import db_dump
    c = admin_client(client)
    clerk = Staff.objects.get(user__username="clerk")
    before = db_dump()
    r = c.post(f"/admin/org/staff/{clerk.pk}/change/", {
        "name": clerk.name, "department": clerk.department_id, "window": clerk.window_id,
        "employment": "temporary", "position": "officer", "phone": "", "roles": ["window_clerk"],
    })
    assert r.status_code == 200  # the form again, with the message
    assert "在编在岗" in r.content.decode()
    assert db_dump() == before


def test_admin_staff_form_refuses_a_chief_rep_officer(demo, client):
    c = admin_client(client)
    handler = Staff.objects.get(user__username="handler")
    r = c.post(f"/admin/org/staff/{handler.pk}/change/", {
        "name": handler.name, "department": handler.department_id, "window": "", "employment": "permanent",
        "position": "officer", "phone": "", "roles": ["chief_rep"],
    })
    assert "分管负责人或行政审批科科长" in r.content.decode()
    assert not handler.user.groups.filter(name="chief_rep").exists()


def test_admin_staff_change_goes_through_the_service_and_is_audited(demo, client):
    from shenpi.audit.models import AuditEntry
    c = admin_client(client)
    handler = Staff.objects.get(user__username="handler")
    n = AuditEntry.objects.count()
    r = c.post(f"/admin/org/staff/{handler.pk}/change/", {
        "name": "王强", "department": handler.department_id, "window": "", "employment": "permanent",
        "position": "officer", "phone": "13800000000", "roles": ["handler", "reviewer"],
    })
    assert r.status_code == 302, r.content.decode()[:2000]
    handler.refresh_from_db()
    assert handler.phone == "13800000000"
    assert sorted(handler.user.groups.values_list("name", flat=True)) == ["handler", "reviewer"]
    entry = AuditEntry.objects.get(seq=n + 1)
    assert entry.action == "org.staff.save" and entry.after["roles"] == ["handler", "reviewer"]


def test_admin_publish_action_checks_the_rules(demo, client):
    from shenpi.catalog.models import Item, ItemVersion
    c = admin_client(client)
    item = Item.objects.first()
    published = ItemVersion.objects.get(item=item, status="published")
    # A draft that breaks a rule (edited in the admin) is not published.
    draft = ItemVersion.objects.get(pk=published.pk)
    draft.pk = None
    draft.number = published.number + 1
    draft.status = "draft"
    draft.promised_limit = draft.statutory_limit + 1
    draft.save()
    r = c.post("/admin/catalog/item/", {"action": "publish_drafts", "_selected_action": [item.pk]}, follow=True)
    assert "不得超过法定时限" in r.content.decode()
    assert ItemVersion.objects.get(item=item, status="published").pk == published.pk


def test_token_auth(demo, client):
    r = client.post("/api/v1/auth/token/", {"username": "admin", "password": "shenpi-demo-2026"})
    assert r.status_code == 200
    token = r.json()["token"]
    r = client.get("/api/v1/org/staff/", HTTP_AUTHORIZATION=f"Token {token}")
    assert r.status_code == 200 and r.json()["count"] >= 9
    assert client.get("/api/v1/org/staff/", HTTP_AUTHORIZATION="Token nonsense").status_code == 401


def test_login_is_locked_after_repeated_failures(demo, client, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/staff/login/", {"username": "clerk", "password": "wrong"})
    r = client.post("/staff/login/", {"username": "clerk", "password": "shenpi-demo-2026"})
    assert r.status_code in (403, 429)


def test_admin_edits_a_published_item_through_a_draft(demo, client):
    from shenpi.catalog.models import Item, ItemVersion
    c = admin_client(client)
    item = Item.objects.get(versions__name="企业设立登记")
    c.post("/admin/catalog/item/", {"action": "start_drafts", "_selected_action": [item.pk]})
    draft = ItemVersion.objects.get(item=item, status="draft")
    assert draft.materials.count() == ItemVersion.objects.get(item=item, status="published").materials.count()
    page = c.get(f"/admin/catalog/itemversion/{draft.pk}/change/")
    assert page.status_code == 200 and 'name="handling_forms"' in page.content.decode()
    r = c.post("/admin/catalog/item/", {"action": "publish_drafts", "_selected_action": [item.pk]}, follow=True)
    assert r.status_code == 200
    assert ItemVersion.objects.get(item=item, status="published").pk == draft.pk
    # A superseded version can no longer be edited.
    old = ItemVersion.objects.filter(item=item, status="superseded").first()
    assert c.post(f"/admin/catalog/itemversion/{old.pk}/change/", {"name": "x"}).status_code == 403


def test_admin_reform_record_checked_and_audited(demo, client):
    from shenpi.audit.models import AuditEntry
    from shenpi.catalog.models import Item, ReformRecord
    from tests.conftest import db_dump
    c = admin_client(client)
    item = Item.objects.first()
    before = db_dump()
    r = c.post("/admin/catalog/reformrecord/add/", {"item": item.pk, "status": "delegated", "effective_date": "2014-01-01",
                                                    "document_number": "衡政发〔2014〕1号", "delegated_to": "", "note": ""})
    assert r.status_code == 200 and "承接下放事项的县级机关" in r.content.decode()
    assert db_dump() == before
    r = c.post("/admin/catalog/reformrecord/add/", {"item": item.pk, "status": "delegated", "effective_date": "2014-01-01",
                                                    "document_number": "衡政发〔2014〕1号", "delegated_to": "衡南县住建局", "note": ""})
    assert r.status_code == 302
    assert ReformRecord.objects.filter(item=item, delegated_to="衡南县住建局").exists()
    assert AuditEntry.objects.last().action == "catalog.reform.add"


def test_packed_values_are_shown_on_their_admin_pages(demo, client):
    """Audit entries' before and after, events' payloads, notices' and messages' texts are
    stored packed (core.packed); their pages show them as written."""
    from shenpi.audit.models import AuditEntry
    from shenpi.cases.models import Outbox
    c = admin_client(client)
    entry = AuditEntry.objects.filter(before__isnull=False, after__isnull=False).first()
    page = c.get(reverse("admin:audit_auditentry_change", args=[entry.pk])).content.decode()
    for value in (entry.before, entry.after):
        assert escape(json.dumps(value, ensure_ascii=False, indent=2, sort_keys=True)) in page
    message = Outbox.objects.create(phone="13800138000", body="【政务服务中心】您的申请已收件,办件编号 HY20261128001")
    page = c.get(reverse("admin:cases_outbox_change", args=[message.pk])).content.decode()
    assert message.body[:10] in page
