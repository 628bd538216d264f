"""A citizen on a phone: open the catalog, search, open a guide, see its QR code."""

import io

import pytest
from django.core.management import call_command

# A transactional test: `seeded` puts back what an earlier flush emptied.
pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True),
              pytest.mark.usefixtures("seeded", "audit_flushable")]


def test_catalog_search_guide_and_qr(live_server, page):
    call_command("demo-data", stdout=io.StringIO())
    page.goto(live_server.url + "/")
    assert page.locator("h1").inner_text() == "事项目录"
    page.fill("input[name=q]", "施工许可")
    # htmx replaces the results as the visitor types
    page.wait_for_function("document.querySelectorAll('.results article').length === 1")
    assert "建筑工程施工许可证核发" in page.locator(".results").inner_text()
    assert "q=%E6%96%BD" in page.url  # the search is in the address, so it can be shared
    # Each keystroke may send a search; a later answer replaces the list, and a click on a link
    # it has just replaced goes nowhere (seen on a loaded machine): let them all land first.
    page.wait_for_load_state("networkidle")
    page.locator(".results a", has_text="建筑工程施工许可证核发").click()
    page.wait_for_url("**/guide/**")
    page.wait_for_selector("#guide-qr")
    assert page.locator("h1").inner_text() == "建筑工程施工许可证核发"
    for text in ("申请材料", "办理流程", "承诺时限", "施工图设计文件审查合格书"):
        assert text in page.content()
    page.wait_for_function("document.getElementById('guide-qr').complete")
    natural = page.evaluate("document.getElementById('guide-qr').naturalWidth")
    assert natural > 0, "the QR code image did not load"
    # The page fits a phone: nothing wider than the screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path="var/e2e-guide.png", full_page=True)


def test_catalog_filters_search_when_changed(live_server, page):
    """The checkbox and the lists search as soon as they change (the search box's own change
    event does not: see portal/catalog.html)."""
    call_command("demo-data", stdout=io.StringIO())
    page.goto(live_server.url + "/")

    def found() -> int:  # the list's count, "52 项"
        return int("".join(ch for ch in page.locator(".results > p.muted").inner_text() if ch.isdigit()))
    total = found()
    page.locator("input[name=online]").check()
    page.wait_for_url("**online=1**")
    page.wait_for_load_state("networkidle")
    online = found()
    assert 0 < online < total
    [category] = page.select_option("select[name=category]", index=1)
    page.wait_for_url(f"**category={category}**")
    page.wait_for_load_state("networkidle")
    assert found() < online
