"""Performance assessment in a browser (issue 17): an administrator opens the month's ranking,
sorts it by the on-time figure, drills into a department's on-time figure and lands on the
cases behind it; the Excel export opens with openpyxl and holds the same figures."""

import io
from datetime import datetime
from zoneinfo import ZoneInfo

import openpyxl
import pytest
import time_machine
from django.core.management import call_command

from shenpi.cases.models import Case
from tests.cases.conftest import user
from tests.conftest import api

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True),
              pytest.mark.usefixtures("seeded", "audit_flushable")]
SH = ZoneInfo("Asia/Shanghai")


def test_the_administrator_sorts_drills_down_and_exports(live_server, browser):
    with time_machine.travel(datetime(2026, 11, 27, 10, tzinfo=SH), tick=True):
        call_command("demo-data", "--cases", stdout=io.StringIO())
        figures = {d["name"]: d for d in api(user("admin")).get(
            "/api/v1/campaign/assessment/", {"period": "2026-11"}).json()["departments"]}
        context = browser.new_context(locale="zh-CN", viewport={"width": 1366, "height": 900})
        page = context.new_page()
        page.set_default_timeout(30000)
        page.goto(live_server.url + "/staff/login/")
        page.fill("input[name=username]", "admin")
        page.fill("input[name=password]", "shenpi-demo-2026")
        page.click("button[type=submit]")
        page.click("text=绩效考核")
        page.wait_for_selector("#ranking")
        assert "2026-11" in page.locator("h1").inner_text()

        page.click("a[data-sort=on_time]")
        page.wait_for_url("**sort=on_time**")
        names = [n.strip() for n in page.locator("#ranking tbody tr td:nth-child(2)").all_inner_texts()]
        scores = [figures[n]["figures"]["on_time"]["score"] for n in names]
        shown = [s for s in scores if s is not None]
        assert len(shown) >= 2 and shown == sorted(shown, reverse=True), list(zip(names, scores, strict=True))

        late = next(n for n in names if figures[n]["figures"]["on_time"]["data"]
                    and figures[n]["figures"]["on_time"]["value"] < 100)
        row = page.locator("#ranking tbody tr", has_text=late)
        cell = row.locator("td[data-code=on_time] a")
        assert cell.inner_text() == f"{figures[late]['figures']['on_time']['value']}%"
        cell.click()
        page.wait_for_url("**/staff/assessment/records/**indicator=on_time**")
        listed = {t.strip() for t in page.locator("#records tbody tr td:first-child").all_inner_texts()}
        expected = set(Case.objects.filter(department_id=figures[late]["id"], decided_on__gte="2026-11-01",
                                           decided_on__lte="2026-11-30").values_list("number", flat=True))
        assert listed == expected and len(listed) == figures[late]["figures"]["on_time"]["of"]
        assert page.locator("#records .tag.warn").count() == (figures[late]["figures"]["on_time"]["of"]
                                                              - figures[late]["figures"]["on_time"]["hits"])

        page.go_back()
        page.wait_for_selector("#export")
        # The export link, fetched with the page's own session (a download's path() waits with no
        # time limit, and once hung CI).
        href = page.locator("#export").get_attribute("href")
        assert "period=2026-11" in href and "sort=on_time" in href
        answer = context.request.get(live_server.url + href, timeout=30000)
        assert answer.ok and 'filename="assessment-2026-11.xlsx"' in answer.headers["content-disposition"]
        book = openpyxl.load_workbook(io.BytesIO(answer.body()), read_only=True)
        sheet = book.worksheets[0]
        rows = list(sheet.iter_rows(values_only=True))
        head = list(rows[1])
        assert head[:3] == ["排名", "部门", "总分"] and "按时办结率" in head
        column = head.index("按时办结率")
        in_book = {r[1]: r for r in rows[2:]}
        assert set(in_book) == set(figures)
        for name, d in figures.items():
            r = in_book[name]
            assert r[0] == d["rank"] and r[2] == (d["total"] if d["total"] is not None else "暂无数据"), (name, r)
            on_time = d["figures"]["on_time"]
            assert r[column] == (on_time["value"] if on_time["data"] else "暂无数据"), (name, r)
            assert r[column + 1] == (on_time["score"] if on_time["data"] else "暂无数据"), (name, r)
        context.close()
