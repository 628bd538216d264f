"""On a 390 px phone (issue 10): the public pages and the applicant's own have no horizontal
scroll and the header fits one line; the large-text mode is remembered from page to page."""

import io

import pytest
from django.core.management import call_command

from shenpi.cases.models import Case

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True),
              pytest.mark.usefixtures("seeded", "audit_flushable")]

FITS = """() => {
  const nav = document.querySelector('header.site nav');
  const items = [...nav.querySelectorAll('li')].filter(li => li.offsetParent);
  const tallest = Math.max(...items.map(li => li.getBoundingClientRect().height));
  return {scroll: document.documentElement.scrollWidth, width: innerWidth,
          header: nav.getBoundingClientRect().height, item: tallest};
}"""


def test_phone_pages_fit_and_the_header_is_one_line(live_server, browser):
    call_command("demo-data", "--cases", stdout=io.StringIO())
    from shenpi.catalog.models import Item
    code = Item.objects.get(versions__status="published", versions__name="建筑工程施工许可证核发").implementation_code
    case = Case.objects.filter(channel="online").first()
    page = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844}).new_page()
    public = ["/", f"/guide/{code}/", f"/lookup/?number={case.number}&code={case.query_code}", "/login/", "/register/"]
    for path in public:
        page.goto(live_server.url + path)
        m = page.evaluate(FITS)
        assert m["scroll"] <= m["width"], (path, m)
        assert m["header"] < 2 * m["item"], (path, m)  # one line
    page.goto(live_server.url + "/login/")
    page.fill("input[name=username]", "13800138000")
    page.fill("input[name=password]", "shenpi-demo-2026")
    page.click("main button[type=submit]")
    page.wait_for_url("**/my/")
    for path in ("/my/", f"/my/{case.number}/"):
        page.goto(live_server.url + path)
        m = page.evaluate(FITS)
        assert m["scroll"] <= m["width"] and m["header"] < 2 * m["item"], (path, m)
    # 适老化: large text switched on, and still on at the next page.
    size = page.evaluate("() => parseFloat(getComputedStyle(document.documentElement).fontSize)")
    page.click(".elder-switch")
    page.goto(live_server.url + "/")
    assert page.evaluate("() => parseFloat(getComputedStyle(document.documentElement).fontSize)") > size
