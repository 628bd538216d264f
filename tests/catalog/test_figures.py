"""Reform figures (A4): the notice's 四个一批, 70% and 50% targets, overall and by department."""

import pytest

from shenpi.catalog import services
from shenpi.catalog.selectors import reform_figures
from shenpi.org.roles import Role
from tests.conftest import api, content

pytestmark = pytest.mark.django_db


def add(admin, centre, dept, code, **over):
    item = services.create_item(actor=admin, basic_code=code, implementation_code=code, department=dept,
                                content=content(centre, dept, **over))
    services.publish(actor=admin, item=item)
    return item


def test_figures_by_hand(admin_user, centre, dept, dept2):
    instant_stages = [{"name": "受理", "steps": [{"name": "受理", "role": Role.WINDOW_CLERK, "department": dept, "budget": 0}]}]
    add(admin_user, centre, dept, "A1", statutory_limit=20, promised_limit=5)  # review_approve, 3 steps, online
    add(admin_user, centre, dept, "A2", category="instant", statutory_limit=10, promised_limit=0,
        stages=instant_stages, handling_forms=["1"])
    promised_stages = content(centre, dept)["stages"]
    add(admin_user, centre, dept, "A3", category="promised", statutory_limit=20, promised_limit=15, stages=promised_stages)
    cancelled = add(admin_user, centre, dept2, "B1", statutory_limit=20, promised_limit=5,
                    stages=content(centre, dept2)["stages"])
    services.add_reform_record(actor=admin_user, item=cancelled, status="cancelled", effective_date="2013-10-01",
                               document_number="衡政发〔2013〕15号")
    f = reform_figures()
    o = f["overall"]
    assert o["items"] == 4 and o["active_items"] == 3 and o["cancelled"] == 1
    assert o["by_category"] == {"instant": 1, "review_approve": 1, "promised": 1}
    assert o["simple_share"] == round(2 / 3, 4) and o["simple_share_met"] is False
    assert o["statutory_days"] == 50 and o["promised_days"] == 20
    assert o["compression"] == 0.6 and o["compression_met"] is True
    assert o["online_share"] == round(2 / 3, 4)
    assert o["steps_per_item"] == round((3 + 1 + 3) / 3, 2)
    by = {d["name"]: d for d in f["departments"]}
    assert by[dept.name]["items"] == 3 and by[dept2.name]["cancelled"] == 1 and by[dept2.name]["active_items"] == 0


def test_figures_endpoint_and_page_are_for_staff(make_staff, client):
    user = make_staff("h", [Role.HANDLER]).user
    assert api().get("/api/v1/catalog/figures/").status_code in (401, 403)
    r = api(user).get("/api/v1/catalog/figures/")
    assert r.status_code == 200 and "overall" in r.json()
    assert client.get("/staff/catalog/figures/").status_code == 302  # to the login page
    client.force_login(user)
    assert client.get("/staff/catalog/figures/").status_code == 200


def test_demo_meets_the_notice_targets(db):
    from io import StringIO

    from django.core.management import call_command
    call_command("demo-data", stdout=StringIO())
    o = reform_figures()["overall"]
    assert o["simple_share_met"] and o["compression_met"]
    assert o["cancelled"] >= 1 and o["delegated"] >= 1
