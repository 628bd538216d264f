"""At the year's end, in a browser: the clerk accepts a 45-day joint acceptance whose statutory
due date falls in the year the calendar does not know yet and sees it marked 暂定; the
administrator enters next year's schedule in the admin; the clerk sees the date recounted and
the history saying what moved; the applicant sees the same on a phone."""

import io
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command

from shenpi.cases.models import Case

from .conftest import receive_at_window

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True),
              pytest.mark.usefixtures("seeded", "audit_flushable")]

SCHEDULE = "2027-01-01..2027-01-03 元旦 休\n2027-02-06..2027-02-13 春节 休\n2027-02-14 春节 班\n"


def login(page, url, path, username, submit):
    page.goto(url + path)
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "shenpi-demo-2026")
    page.click(submit)


def test_provisional_date_marked_then_recounted_when_the_year_is_entered(live_server, browser):
    call_command("demo-data", stdout=io.StringIO())
    with time_machine.travel(datetime(2026, 11, 27, 10, tzinfo=ZoneInfo("Asia/Shanghai")), tick=True):
        clerk = browser.new_context(locale="zh-CN").new_page()
        login(clerk, live_server.url, "/staff/login/", "clerk", "button[type=submit]")
        receive_at_window(clerk, live_server.url, item="建设工程竣工综合验收", applicant_type="organisation",
                          name="衡阳市城建开发有限公司", id_number="91350100M000100Y43")
        clerk.click("#accept")
        clerk.wait_for_selector("#clock-statutory")
        statutory = clerk.locator("#clock-statutory").inner_text()
        assert "2027-01-29" in statutory and "暂定" in statutory
        assert clerk.locator("#provisional").is_visible()
        case = Case.objects.get()

        admin = browser.new_context(locale="zh-CN").new_page()
        login(admin, live_server.url, "/admin/login/", "admin", "input[type=submit]")
        admin.goto(live_server.url + "/admin/workdays/calendarday/add-year/")
        assert "1" in admin.locator("#provisional-cases").inner_text()
        admin.fill("input[name=document_number]", "国办发明电〔2026〕7号")
        admin.fill("textarea[name=schedule]", SCHEDULE)
        admin.click("#add-year")
        admin.wait_for_selector(".messagelist")
        assert "重新计算" in admin.locator(".messagelist").inner_text()

        clerk.reload()
        statutory = clerk.locator("#clock-statutory").inner_text()
        assert "2027-02-01" in statutory and "暂定" not in statutory
        assert "2027-01-29 → 2027-02-01" in clerk.content()

        phone = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844}).new_page()
        phone.goto(f"{live_server.url}/lookup/?number={case.number}&code={case.query_code}")
        text = phone.locator("#case").inner_text()
        assert "2027-02-01" in text and "期限重新计算" in text
