"""Electronic supervision in a browser: a supervisor opens the dashboard, the ECharts charts
render with the figures, and a click on the red count lands on the list of those cases; the
big screen draws too."""

import io
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command

from shenpi.cases import services as s
from shenpi.cases.models import Case
from shenpi.supervision.tasks import sweep_overtime_warnings
from tests.cases.conftest import applicant, complete, item, user

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True),
              pytest.mark.usefixtures("seeded", "audit_flushable")]
SH = ZoneInfo("Asia/Shanghai")
PERMIT = "建筑工程施工许可证核发"


def test_the_dashboard_draws_and_the_red_count_opens_its_cases(live_server, browser):
    call_command("demo-data", stdout=io.StringIO())
    with time_machine.travel(datetime(2026, 3, 2, 10, tzinfo=SH), tick=False):
        late = [s.accept(actor=user("clerk"), case=s.submit(actor=user("clerk"), item=item(PERMIT), channel="window",
                                                            paper_materials=complete(PERMIT), **applicant()))
                for _ in range(2)]
    from shenpi.workdays.selectors import current_calendar
    day = current_calendar().add_workdays(Case.objects.get(pk=late[0].pk).promised_due, 1)  # red, not yet severe
    with time_machine.travel(datetime(day.year, day.month, day.day, 10, tzinfo=SH), tick=True):
        fresh = s.submit(actor=user("clerk"), item=item(PERMIT), channel="window", paper_materials=complete(PERMIT),
                         **applicant())
        sweep_overtime_warnings()
        page = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900}).new_page()
        page.goto(live_server.url + "/staff/login/")
        page.fill("input[name=username]", "supervisor")
        page.fill("input[name=password]", "shenpi-demo-2026")
        page.click("button[type=submit]")
        page.goto(live_server.url + "/staff/supervision/")
        page.wait_for_selector("body[data-charts=drawn]")
        for chart in ("chart-lights", "chart-trend", "chart-departments"):
            assert page.locator(f"#{chart} canvas").count() == 1, chart
        drawn = page.evaluate("""() => echarts.getInstanceByDom(document.getElementById('chart-lights'))
                                  .getOption().series[0].data.map(d => [d.light, d.value])""")
        assert dict(drawn)["red"] == 2 and page.locator("#count-red strong").inner_text() == "2"
        page.click("#count-red")
        page.wait_for_url("**/staff/search/?light=red")
        rows = page.locator("#results tbody tr").all_inner_texts()
        assert sorted(r.split()[0] for r in rows) == sorted(Case.objects.get(pk=c.pk).number for c in late)
        assert fresh.number not in " ".join(rows) and all("超期" in r for r in rows)
        page.goto(live_server.url + "/staff/supervision/screen/")
        page.wait_for_selector("body[data-charts=drawn]")
        assert page.locator('[data-light="red"]').inner_text() == "2"
        assert page.locator("#chart-departments canvas").count() == 1
