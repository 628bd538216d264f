"""No page answers 500 to what a browser can send (issue 12): every page each role can reach,
asked with odd values in every query parameter the pages read, and odd ids in the path."""

import pytest
from django.test import Client

from shenpi.cases.models import Case
from shenpi.catalog.models import Item
from tests.cases.conftest import user

pytestmark = pytest.mark.usefixtures("living")

PARAMS = ["q", "page", "page_size", "department", "state", "item", "category", "online", "overdue", "received_from",
          "received_to", "number", "code", "phone", "next", "download", "all", "date", "n", "start", "end", "kind"]
ODD = ["²", "-1", "0", "99999999999999999999999", "x" * 3000, "2026-02-30", "%", "'\"", "<script>", "１２", " ", "None",
       "1e9", "1.5", "true"]


@pytest.fixture
def living(db):
    import io

    from django.core.management import call_command
    call_command("demo-data", "--cases", stdout=io.StringIO())


def pages():
    case = Case.objects.order_by("pk").first()
    code = Item.objects.filter(versions__status="published").first().implementation_code
    return {
        None: ["/", "/lookup/", f"/guide/{code}/", "/register/", "/register/confirm/", "/password/forgot/",
               "/password/reset/", "/login/", f"/guide/{code}/qr.svg"],
        "13800138000": ["/my/", f"/my/{Case.objects.filter(applicant_user__username='13800138000').first().number}/",
                        f"/apply/{code}/"],
        "clerk": ["/staff/", "/staff/window/", "/staff/inbox/", "/staff/search/", "/staff/tasks/",
                  "/staff/window/materials/", f"/staff/cases/{case.number}/"],
        "depthead": ["/staff/queue/", "/staff/search/"],
        "supervisor": ["/staff/", "/staff/search/", "/staff/catalog/figures/"],
        "admin": ["/staff/catalog/transfer/", "/staff/catalog/export.xlsx", "/admin/cases/case/", "/admin/"],
    }


def test_every_page_takes_odd_query_values_without_a_500():
    failures = []
    for who, paths in pages().items():
        c = Client(raise_request_exception=False)
        if who:
            c.force_login(user(who))
        for path in paths:
            for value in ODD:
                query = "&".join(f"{p}={value}" for p in PARAMS)
                r = c.get(f"{path}?{query}")
                if r.status_code >= 500:
                    failures.append((who, path, value, r.status_code))
    assert not failures, failures[:10]


@pytest.mark.parametrize("path", [
    "/staff/cases/{odd}/", "/staff/cases/{odd}/notices/1.pdf", "/staff/cases/{number}/notices/{odd}.pdf",
    "/staff/cases/{number}/materials/{odd}/", "/my/{odd}/", "/guide/{odd}/", "/guide/{odd}/qr.svg",
    "/lookup/notices/{odd}.pdf", "/api/v1/cases/{odd}/", "/api/v1/cases/{number}/notices/{odd}/pdf/",
])
def test_odd_ids_in_paths_are_not_500(path):
    number = Case.objects.order_by("pk").first().number
    for who in (None, "clerk", "13800138000"):
        c = Client(raise_request_exception=False)
        if who:
            c.force_login(user(who))
        for odd in ["²", "x" * 300, "..", "%E2%80%AE", "-1", "99999999999999999999999", "HY%27"]:
            r = c.get(path.format(odd=odd, number=number))
            assert r.status_code < 500, (who, path, odd, r.status_code)


@pytest.mark.django_db
def test_an_api_address_that_names_nothing_answers_json_404_and_a_page_keeps_the_site_s():
    """`<int:pk>` routes match digits only: `/api/v1/campaign/problems/null,null/` names no route."""
    for path in ("/api/v1/campaign/problems/null,null/", "/api/v1/intermediaries/-1/", "/api/v1/no-such-thing/"):
        r = Client().get(path)
        assert r.status_code == 404 and r["Content-Type"] == "application/json" and "detail" in r.json(), path
    r = Client().get("/no-such-page/")
    assert r.status_code == 404 and r["Content-Type"].startswith("text/html") and "页面不存在" in r.content.decode()
