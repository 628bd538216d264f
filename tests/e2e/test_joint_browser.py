"""Joint completion acceptance in a browser (issue 14): the coordinator schedules the site
inspection on the case page, and sees each department's result arrive on the same page
(refreshed by itself) as the departments record them."""

import io
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command

from shenpi.cases import services as s
from shenpi.joint import services as joint
from shenpi.joint.models import Inspection
from tests.cases.conftest import ORG_ID, applicant, complete, item, user

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True),
              pytest.mark.usefixtures("seeded", "audit_flushable")]
SH = ZoneInfo("Asia/Shanghai")
JOINT = "建设工程竣工综合验收"


def test_the_coordinator_schedules_and_sees_the_results_arrive(live_server, browser):
    call_command("demo-data", stdout=io.StringIO())
    with time_machine.travel(datetime(2026, 3, 2, 10, tzinfo=SH), tick=True):
        case = s.accept(actor=user("clerk"), case=s.submit(
            actor=user("clerk"), item=item(JOINT), channel="window", paper_materials=complete(JOINT),
            **applicant(applicant_type="organisation", applicant_name="衡阳市城建开发有限公司", applicant_id=ORG_ID)))
        page = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900}).new_page()
        page.goto(live_server.url + "/staff/login/")
        page.fill("input[name=username]", "clerk")
        page.fill("input[name=password]", "shenpi-demo-2026")
        page.click("button[type=submit]")
        page.goto(f"{live_server.url}/staff/cases/{case.number}/")
        page.fill("#schedule-inspection input[name=on]", "2026-03-02")
        page.fill("#schedule-inspection input[name=place]", "衡阳市蒸湘区华新大道项目现场")
        for field in page.locator("#schedule-inspection input[name^=member_]").all():
            field.fill("验收组2人")
        page.click("#schedule-inspection button[type=submit]")
        page.wait_for_selector("details.round")
        assert "第 1 轮" in page.locator("details.round").inner_text()
        inspection = Inspection.objects.get(case=case)
        assert len(inspection.members) == 5 and page.locator("#joint-parts .result .muted").count() == 5
        # The departments record their results; the coordinator's page shows them as they come.
        steps = [st for st in joint.joint_stage(case) if st.status == "open"]
        for st in steps:
            fire = st.department.short_name == "市消防救援支队"
            joint.record_result(actor=st.assignee, inspection=inspection, step_id=st.pk, passed=not fire,
                                items="疏散指示标志缺失" if fire else "")
        page.wait_for_function("document.querySelectorAll('#joint-parts .result .tag').length === 5", timeout=25000)
        rows = page.locator("#joint-parts tbody tr").all_inner_texts()
        assert sum("合格" in r and "需整改" not in r for r in rows) == 4
        assert any("需整改" in r and "疏散指示标志缺失" in r for r in rows)
        # Every result of round 1 is in: the coordinator may schedule the re-inspection of the one.
        page.reload()
        assert page.locator("#schedule-inspection input[name^=member_]").count() == 1
