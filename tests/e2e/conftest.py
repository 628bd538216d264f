"""Browser tests: Playwright driving Debian's chromium (never a downloaded browser)."""

import os
import shutil

import pytest

CHROMIUM = os.environ.get("SHENPI_CHROMIUM", "/usr/bin/chromium")
# Playwright's sync API runs an event loop in this thread; the Django ORM calls made by the
# test itself are still synchronous, so let them through.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(config, items):
    if os.path.exists(CHROMIUM) or shutil.which("chromium"):
        return
    skip = pytest.mark.skip(reason=f"BROWSER TESTS SKIPPED: {CHROMIUM} not found (apt-get install chromium)")
    for item in items:
        if "e2e" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(
            executable_path=CHROMIUM, headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        )
        yield b
        b.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844})  # a phone screen
    pg = context.new_page()
    yield pg
    context.close()


def receive_at_window(page, base_url, *, item, applicant_type, name, id_number, phone="13800138000"):
    """The clerk (logged in) receives an application at the window with every material ticked,
    and lands on the new case's page."""
    page.goto(base_url + "/staff/window/")
    page.select_option("select[name=item]", label=item)
    page.wait_for_selector("input[name=paper_materials]")  # htmx loaded the item's checklist
    for box in page.locator("input[name=paper_materials]").all():
        box.check()
    page.select_option("select[name=applicant_type]", applicant_type)
    page.fill("input[name=applicant_name]", name)
    page.fill("input[name=applicant_id]", id_number)
    page.fill("input[name=applicant_phone]", phone)
    page.click("#receive button[type=submit]")
    page.wait_for_selector("#accept")
