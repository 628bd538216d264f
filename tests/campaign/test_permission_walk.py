"""Every address issue 17 added, with every kind of user: each answers its readers 200 and the
rest 401 (no credentials), 403 or, for pages, the login page; every write by someone it is
not for is refused and changes nothing."""

import pytest
from django.test import Client

from tests.cases.conftest import user
from tests.conftest import api

ANON, APPLICANT = None, "13800138000"
WATCHERS = {"supervisor", "leader", "admin"}
DEPT_STAFF = {"clerk", "handler", "depthead", "approver"}  # 住建's: a clerk, a handler, its head, its chief rep
HEADS = {"depthead", "approver"}
STAFF = DEPT_STAFF | WATCHERS | {"clerk_general"}  # the general window's clerk belongs to no department
EVERYONE = STAFF | {ANON, APPLICANT}
ROLES = [ANON, APPLICANT, "clerk_general", *sorted(DEPT_STAFF), *sorted(WATCHERS)]

API = {
    "/api/v1/campaign/problems/": WATCHERS | DEPT_STAFF,
    "/api/v1/campaign/problems/figures/": WATCHERS | DEPT_STAFF,
    "/api/v1/campaign/campaigns/": WATCHERS | DEPT_STAFF,
    "/api/v1/campaign/inspections/": WATCHERS | DEPT_STAFF,
    "/api/v1/campaign/assessment/": WATCHERS | HEADS,
    "/api/v1/campaign/assessment/schemes/": WATCHERS | HEADS,
    "/api/v1/duty/roster/": STAFF,
    "/api/v1/duty/report/": WATCHERS | HEADS,
    "/api/v1/intermediaries/": EVERYONE,
    "/api/v1/intermediaries/designations/": WATCHERS,
    "/api/v1/public/results/": EVERYONE,
    "/api/v1/public/statistics/": EVERYONE,
    "/api/v1/public/inspections/": EVERYONE,
}
PAGES = {
    "/staff/problems/": WATCHERS | DEPT_STAFF,
    "/staff/campaign/": WATCHERS | DEPT_STAFF,
    "/staff/assessment/": WATCHERS | HEADS,
    "/staff/assessment/scheme/": WATCHERS | HEADS,
    "/staff/duty/": STAFF,
    "/staff/duty/report/": WATCHERS | HEADS,
    "/staff/supervision/designations/": WATCHERS,
    "/results/": EVERYONE, "/statistics/": EVERYONE, "/campaign/": EVERYONE, "/intermediaries/": EVERYONE,
}


def _client(who):
    c = Client()
    if who:
        c.force_login(user(who))
    return c


def test_every_new_address_answers_its_readers_only(living):
    for who in ROLES:
        for url, readers in API.items():
            r = (api(user(who)) if who else api()).get(url)
            expected = 200 if who in readers else 401 if who is None else 403
            assert r.status_code == expected, (who, url, r.status_code)
        c = _client(who)
        for url, readers in PAGES.items():
            r = c.get(url)
            if who in readers:
                assert r.status_code == 200, (who, url, r.status_code)
            else:
                assert r.status_code in (302, 403), (who, url, r.status_code)
                if r.status_code == 302:
                    assert "login" in r["Location"], (who, url, r["Location"])


@pytest.mark.parametrize("who", [ANON, APPLICANT, "handler", "clerk_general"])
def test_writes_by_those_they_are_not_for_are_refused(living, unchanged, who):
    head = user("depthead")
    writes = [
        ("/api/v1/campaign/problems/", {"department": head.staff.department_id, "title": "x", "kind": "slow",
                                        "source": "self_check", "measure": "x", "responsible": head.pk,
                                        "deadline_days": 5}),
        ("/api/v1/campaign/assessment/schemes/", {"weights": {"on_time": 100}}),
        ("/api/v1/campaign/campaigns/", {"name": "x", "units": [head.staff.department_id], "phases": [
            {"name": "x", "starts_on": "2027-01-04", "ends_on": "2027-01-08"}]}),
        ("/api/v1/campaign/inspections/", {"campaign": 1, "department": head.staff.department_id,
                                           "planned_on": "2026-12-01", "inspectors": "x"}),
        ("/api/v1/duty/roster/", {"person": user("approver").pk, "kind": "section_chief", "day": "2026-12-01"}),
        ("/api/v1/intermediaries/", {"name": "x", "credit_code": "x", "contact": "x", "phone": "x", "services": []}),
    ]
    client = api(user(who)) if who else api()
    with unchanged():
        for url, body in writes:
            r = client.post(url, body, format="json")
            assert r.status_code == (401 if who is None else 403), (who, url, r.status_code, r.content[:200])
