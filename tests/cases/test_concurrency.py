"""Races on PostgreSQL: real threads, real connections (issue 4 acceptance)."""

import io
import threading
from datetime import date

import pytest
from django.core.management import call_command
from django.db import connection

from shenpi.cases import services as s
from shenpi.cases.models import Case, CaseEvent
from shenpi.cases.tasks import sweep_deemed_acceptance
from tests.conftest import api

from .conftest import applicant, complete, item, user, window_case

pg_only = pytest.mark.skipif(connection.vendor != "postgresql",
                             reason="races need separate connections to one database: run on PostgreSQL (CI does)")
pytestmark = [pg_only, pytest.mark.django_db(transaction=True),
              pytest.mark.usefixtures("seeded", "audit_flushable")]


def run_together(n, fn):
    barrier, results, errors = threading.Barrier(n), [None] * n, []

    def target(i):
        try:
            barrier.wait(timeout=10)
            results[i] = fn(i)
        except Exception as exc:  # surfaced below
            errors.append(exc)
        finally:
            connection.close()
    threads = [threading.Thread(target=target, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert not errors, errors
    return results


@pytest.fixture
def demo_db():
    call_command("demo-data", stdout=io.StringIO())


def test_two_conflicting_actions_one_wins_one_gets_409(demo_db, on):
    on(2026, 3, 2)
    case = window_case()
    clerk = user("clerk")
    actions = [("accept", {}), ("refuse", {"reasons": "不属于本机关职权范围"})]

    def act(i):
        name, body = actions[i]
        return api(clerk).post(f"/api/v1/cases/{case.number}/{name}/", {**body, "version": case.row_version},
                               format="json").status_code
    assert sorted(run_together(2, act)) == [200, 409]
    assert CaseEvent.objects.filter(case=case, action__in=["accept", "refuse"]).count() == 1


def test_ten_submissions_with_one_key_make_one_case(demo_db, on):
    on(2026, 3, 2)
    clerk = user("clerk")
    body = {"item": item("建筑工程施工许可证核发").pk, "channel": "window", **applicant()}

    def submit(i):
        r = api(clerk).post("/api/v1/cases/", body, format="json", HTTP_IDEMPOTENCY_KEY="retry-42")
        assert r.status_code in (200, 201), r.content
        return r.status_code, r.json()["number"]
    results = run_together(10, submit)
    assert len({number for _status, number in results}) == 1 and Case.objects.count() == 1
    assert sorted(status for status, _n in results) == [200] * 9 + [201]  # exactly one call made it


def test_case_numbers_gapless_under_concurrency(demo_db, on):
    on(2026, 3, 2)
    clerk = user("clerk")
    numbers = run_together(8, lambda i: s.submit(actor=clerk, item=item("建筑工程施工许可证核发"), channel="window",
                                                   **applicant()).number)
    assert sorted(numbers) == [f"HY20260302{i:04d}" for i in range(1, 9)]


def test_two_workers_never_record_deemed_acceptance_twice(demo_db, on):
    on(2026, 2, 12)
    clerk = user("clerk")
    cases = [s.submit(actor=clerk, item=item("建筑工程施工许可证核发"), channel="window", **applicant()) for _ in range(5)]
    on(2026, 2, 27)
    counts = run_together(2, lambda i: sweep_deemed_acceptance(on=date(2026, 2, 27)))
    assert sum(c.done for c in counts) == 5 and not any(c.failed for c in counts)
    for c in cases:
        assert CaseEvent.objects.filter(case=c, action="deem_accept").count() == 1


def test_acting_on_a_case_locks_that_row_only_so_busy_centres_never_deadlock(demo_db, on):
    """A transition used to lock the case's centre, item and version rows with it (FOR UPDATE
    over select_related), so every transition of a centre queued on one row and concurrent
    submissions deadlocked on it in their foreign-key checks (found by bench/lifecycle.py with
    several processes). While one case is locked, its centre, item and version stay free, and
    another case of the same item can be accepted."""
    on(2026, 3, 2)
    clerk, it = user("clerk"), item("建筑工程施工许可证核发")
    papers = complete("建筑工程施工许可证核发")
    first = s.submit(actor=clerk, item=it, channel="window", paper_materials=papers, **applicant())
    second = s.submit(actor=clerk, item=it, channel="window", paper_materials=papers, **applicant())
    locked, release = threading.Event(), threading.Event()

    def hold(i):
        if i == 0:
            with s._acting(actor=clerk, case=first, action="accept"):
                locked.set()
                release.wait(20)
            return "held"
        locked.wait(20)
        try:
            with connection.cursor() as cursor:
                cursor.execute("SET lock_timeout = '2s'")
                for table, pk in (("org_centre", first.centre_id), ("catalog_item", first.item_id),
                                  ("catalog_itemversion", first.version_id)):
                    cursor.execute(f"SELECT id FROM {table} WHERE id = %s FOR UPDATE NOWAIT", [pk])
            s.accept(actor=user("clerk"), case=second)
            return "free"
        finally:
            release.set()
    assert run_together(2, hold) == ["held", "free"]
    assert Case.objects.get(pk=second.pk).state == "accepted"
