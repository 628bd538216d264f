"""An applicant on a phone rates a finished case poorly on the portal; the follow-up appears in
the department's queue, due for its call-back the next working day (issue 15)."""

import io
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core.management import call_command

from shenpi.cases import services as s
from shenpi.feedback.models import FollowUp
from tests.cases.conftest import applicant, complete, item, user

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True),
              pytest.mark.usefixtures("seeded", "audit_flushable")]
SH = ZoneInfo("Asia/Shanghai")
FILING = "房屋建筑和市政基础设施工程竣工验收备案"


def test_a_poor_rating_on_the_portal_reaches_the_department_queue(live_server, browser, page):
    call_command("demo-data", stdout=io.StringIO())
    with time_machine.travel(datetime(2026, 3, 6, 10, tzinfo=SH), tick=True):  # a Friday
        me = get_user_model().objects.create_user("13900005678", password="x-Secret-9")
        case = s.submit(actor=user("clerk"), item=item(FILING), channel="window", paper_materials=complete(FILING),
                        **applicant())
        type(case).objects.filter(pk=case.pk).update(applicant_user=me)
        s.decide(actor=user("clerk"), case=type(case).objects.get(pk=case.pk), decision="approve",
                 licence_number="备2026-0306")
        s.deliver(actor=user("clerk"), case=type(case).objects.get(pk=case.pk), method="窗口领取")
        page.goto(live_server.url + "/login/")
        page.fill("input[name=username]", "13900005678")
        page.fill("input[name=password]", "x-Secret-9")
        page.click("main button[type=submit]")
        page.goto(f"{live_server.url}/my/{case.number}/")
        form = page.locator("#rating form")
        form.locator("input[value=attitude]").check()
        form.locator("textarea[name=text]").fill("窗口人员态度生硬")
        assert form.locator("button.level").count() == 5
        assert page.evaluate("document.documentElement.scrollWidth") <= 390  # fits the phone
        form.locator("button.level-5").click()
        page.wait_for_selector("text=感谢您的评价")
        assert "非常不满意" in page.locator("#rating").inner_text()
        follow = FollowUp.objects.get(rating__case=case)
        assert str(follow.call_back_due) == "2026-03-09"
        desk = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900}).new_page()
        desk.goto(live_server.url + "/staff/login/")
        desk.fill("input[name=username]", "depthead")
        desk.fill("input[name=password]", "shenpi-demo-2026")
        desk.click("main button[type=submit]")
        desk.goto(live_server.url + "/staff/queue/")
        row = desk.locator("#queue-follow-ups tbody tr", has_text=case.number)
        assert row.count() == 1 and "非常不满意" in row.inner_text() and "待回访" in row.inner_text()
        row.locator("a").click()
        desk.fill("textarea[name=note]", "已电话回访,向申请人致歉。")
        desk.click("aside button[type=submit] >> nth=0")
        desk.wait_for_selector("text=已记录回访")
        follow.refresh_from_db()
        assert follow.called_back_at is not None
        desk.context.close()
