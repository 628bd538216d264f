"""An application made online reaches the window (issue 10): the applicant applies with uploads
on a phone; the clerk finds it in the online inbox, takes it, opens a file in the browser and
asks for a supplement; the applicant uploads the missing material on the portal; the clerk
accepts, and the 受理通知书 opens in the browser naming the department."""

import io
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from pypdf import PdfReader

from shenpi.cases.models import Case

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True),
              pytest.mark.usefixtures("seeded", "audit_flushable")]

PERMIT = "建筑工程施工许可证核发"


def pdf(tmp_path, name) -> str:
    path = tmp_path / name
    path.write_bytes(b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
    return str(path)


def test_online_application_inbox_supplement_and_acceptance(live_server, browser, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    call_command("demo-data", stdout=io.StringIO())
    from shenpi.catalog.models import Item
    code = Item.objects.get(versions__status="published", versions__name=PERMIT).implementation_code
    with time_machine.travel(datetime(2026, 3, 2, 10, tzinfo=ZoneInfo("Asia/Shanghai")), tick=True):
        phone = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844}).new_page()
        phone.goto(f"{live_server.url}/register/?next=/apply/{code}/")
        phone.fill("input[name=phone]", "13912345678")
        phone.check("input[name=consent]")
        phone.click("form button[type=submit]")
        phone.wait_for_selector("#register-confirm")
        from tests.cases.test_portal_apply import sms_code
        phone.fill("input[name=code]", sms_code("13912345678"))
        phone.fill("input[name=password]", "Shenpi-applicant-9")
        phone.click("form button[type=submit]")
        phone.wait_for_selector("#apply")
        phone.select_option("select[name=applicant_type]", "person")
        phone.fill("input[name=applicant_name]", "李四")
        phone.fill("input[name=applicant_id]", "11010519491231002X")
        files = phone.locator("#apply input[type=file]")
        for i in range(3):  # the first three; the review certificate is left out
            files.nth(i).set_input_files(pdf(tmp_path, f"m{i}.pdf"))
        phone.click("#apply button[type=submit]")
        phone.wait_for_selector("#case")
        case = Case.objects.get()
        assert case.channel == "online" and case.materials.count() == 3

        clerk = browser.new_context(locale="zh-CN").new_page()
        clerk.goto(live_server.url + "/staff/login/")
        clerk.fill("input[name=username]", "clerk")
        clerk.fill("input[name=password]", "shenpi-demo-2026")
        clerk.click("button[type=submit]")
        clerk.goto(live_server.url + "/staff/inbox/")
        row = clerk.locator("#inbox tr", has_text=case.number)
        row.locator("button").click()  # take it
        clerk.wait_for_selector("#materials")
        with clerk.context.expect_page() as opened:
            clerk.locator("#materials a").first.click()
        file_page = opened.value
        file_page.wait_for_load_state()
        assert "/materials/" in file_page.url  # opened in the browser, not downloaded
        file_page.close()
        clerk.locator("summary", has_text="补正告知").click()
        clerk.locator("form[action$='/act/supplement/'] input[value='施工图设计文件审查合格书']").check()
        clerk.locator("form[action$='/act/supplement/'] button[type=submit]").click()
        clerk.wait_for_selector("article[role=alert]")
        assert Case.objects.get().state == "awaiting_supplement"

        phone.goto(f"{live_server.url}/my/{case.number}/")
        phone.wait_for_selector("#supplement")
        phone.locator("#supplement input[type=file]").set_input_files(pdf(tmp_path, "review.pdf"))
        phone.click("#supplement button[type=submit]")
        phone.wait_for_selector("article[role=alert]")
        assert Case.objects.get().state == "submitted"

        clerk.reload()
        clerk.click("#accept")
        clerk.wait_for_selector("#notices")
        assert Case.objects.get().state == "accepted"
        link = clerk.locator("#notices li", has_text="受理通知书").locator("a.notice-open")
        response = clerk.request.get(live_server.url + link.get_attribute("href"))
        assert response.headers["content-disposition"].startswith("inline")
        text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(response.body())).pages).replace("\n", "")
        assert "衡阳市住房和城乡建设局" in text and case.number in text
