"""A clerk receives an application at the window, accepts it and downloads the 受理通知书;
the applicant finds the case on the portal by number and query code."""

import io
import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from pypdf import PdfReader

from shenpi.cases.models import Case

from .conftest import receive_at_window

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True),
              pytest.mark.usefixtures("seeded", "audit_flushable")]


def test_clerk_receives_accepts_and_prints_then_applicant_looks_up(live_server, browser):
    call_command("demo-data", stdout=io.StringIO())
    with time_machine.travel(datetime(2026, 3, 2, 10, tzinfo=ZoneInfo("Asia/Shanghai")), tick=True):
        context = browser.new_context(locale="zh-CN", accept_downloads=True)
        page = context.new_page()
        page.goto(live_server.url + "/staff/login/")
        page.fill("input[name=username]", "clerk")
        page.fill("input[name=password]", "shenpi-demo-2026")
        page.click("button[type=submit]")
        receive_at_window(page, live_server.url, item="建筑工程施工许可证核发", applicant_type="person", name="张三",
                          id_number="11010519491231002X")
        number = re.search(r"HY\d{12}", page.locator("h1").inner_text()).group(0)
        case = Case.objects.get(number=number)
        assert case.materials.filter(paper=True).count() == 4
        page.click("#accept")
        page.wait_for_selector("#notices a")
        with page.expect_download() as download:
            page.locator("#notices li", has_text="受理通知书").locator("a.notice-download").click()
        text = "".join(p.extract_text() for p in PdfReader(download.value.path()).pages)
        assert number in text and "受理通知书" in text
        context.close()

        # The applicant, with no account, on a phone.
        phone = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844})
        page = phone.new_page()
        page.goto(live_server.url + "/lookup/")
        page.fill("input[name=number]", number)
        page.fill("input[name=code]", Case.objects.get(number=number).query_code)
        page.click("form button[type=submit]")
        page.wait_for_selector("#case")
        assert number in page.locator("#case h2").inner_text()
        assert "办理中" in page.locator("#case").inner_text()
        assert page.locator("#case a:has-text('受理通知书')").count() == 1
        page.screenshot(path="var/e2e-lookup.png", full_page=True)
        phone.close()
