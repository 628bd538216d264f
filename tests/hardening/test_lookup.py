"""The public lookup (issue 12): query codes that cannot be guessed, guesses limited per address
and per case number on the API and the portal, and failures shown to supervisors."""

import re

import pytest
from django.test import Client

from shenpi.cases import numbering
from shenpi.cases import services as s
from shenpi.cases.models import LookupFailure
from tests.cases.conftest import applicant, complete, item, user

pytestmark = pytest.mark.usefixtures("demo")
PERMIT = "建筑工程施工许可证核发"


@pytest.fixture
def case(on):
    on(2026, 3, 2)
    return s.submit(actor=user("clerk"), item=item(PERMIT), channel="window", paper_materials=complete(PERMIT),
                    **applicant())


def at(address):
    return Client(REMOTE_ADDR=address, raise_request_exception=False)


def test_query_codes_are_eight_unambiguous_characters(case):
    codes = {numbering.query_code() for _ in range(500)} | {case.query_code}
    assert all(re.fullmatch(r"[2-9A-HJKMNP-Z]{8}", c) for c in codes) and len(codes) > 490
    # Typed in lower case on a phone, it still finds the case.
    r = at("10.1.0.1").get(f"/api/v1/cases/lookup/?number={case.number.lower()}&code={case.query_code.lower()}")
    assert r.status_code == 200 and r.json()["number"] == case.number


def test_guesses_at_one_case_number_are_limited_from_any_address(case, settings):
    limit = settings.SHENPI_LOOKUP_LIMITS["failures_per_number_per_hour"]
    for n in range(limit):
        r = at(f"10.2.0.{n}").get(f"/api/v1/cases/lookup/?number={case.number}&code=WRONG{n:03d}")
        assert r.status_code == 404
    # Now even the right code waits, on the API and on the portal, from a fresh address.
    r = at("10.2.1.1").get(f"/api/v1/cases/lookup/?number={case.number}&code={case.query_code}")
    assert r.status_code == 429 and int(r["Retry-After"]) > 0 and "分钟" in r.json()["detail"]
    r = at("10.2.1.2").get(f"/lookup/?number={case.number}&code={case.query_code}")
    assert r.status_code == 429 and "查询次数过多" in r.content.decode() and case.applicant_name not in r.content.decode()
    # Another case is not held up.
    other = s.submit(actor=user("clerk"), item=item(PERMIT), channel="window", paper_materials=complete(PERMIT),
                     **applicant())
    assert at("10.2.1.3").get(f"/lookup/?number={other.number}&code={other.query_code}").status_code == 200


def test_one_address_is_limited_across_numbers(case, settings):
    c = at("10.3.0.1")
    for n in range(settings.SHENPI_LOOKUP_LIMITS["failures_per_address_per_hour"]):
        assert c.get(f"/lookup/?number=HY2026030200{n:02d}&code=ABCDEFGH").status_code == 200
    assert c.get(f"/lookup/?number={case.number}&code={case.query_code}").status_code == 429
    assert at("10.3.0.2").get(f"/lookup/?number={case.number}&code={case.query_code}").status_code == 200


def test_lookups_per_minute_are_limited_even_when_right(case, settings):
    settings.SHENPI_LOOKUP_LIMITS = {**settings.SHENPI_LOOKUP_LIMITS, "per_address_per_minute": 5}
    c = at("10.4.0.1")
    for _ in range(5):
        assert c.get(f"/api/v1/cases/lookup/?number={case.number}&code={case.query_code}").status_code == 200
    assert c.get(f"/api/v1/cases/lookup/?number={case.number}&code={case.query_code}").status_code == 429


def test_failures_are_counted_and_shown_to_supervisors(case, settings):
    for n in range(settings.SHENPI_LOOKUP_LIMITS["failures_per_number_per_hour"] + 3):
        at("10.5.0.9").get(f"/lookup/?number={case.number}&code=BAD{n:05d}")
    row = LookupFailure.objects.get(number=case.number)
    assert (row.address, row.failures, row.throttled) == ("10.5.0.9", 10, 3)
    supervisor = Client()
    supervisor.force_login(user("supervisor"))
    page = supervisor.get("/staff/").content.decode()
    section = page[page.index('id="home-lookups"'):]
    assert case.number in section and "10.5.0.9" in section and "13" in section
    clerk = Client()
    clerk.force_login(user("clerk"))
    assert 'id="home-lookups"' not in clerk.get("/staff/").content.decode()
