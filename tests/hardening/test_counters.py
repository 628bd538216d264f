"""The guards' counters (core.throttle): in the database every server shares, raised by one
atomic statement, forgotten after their window and purged by the periodic sweep; a key
anyone can type (an address from X-Forwarded-For, a case number) is never an error."""

import datetime

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.utils import timezone

from shenpi.cases import lookup
from shenpi.core.exceptions import TooMany
from shenpi.core.models import Counter
from shenpi.core.tasks import purge_expired_counters
from shenpi.core.throttle import count, count_all, hits, uncount
from tests.cases.test_concurrency import run_together

pytestmark = pytest.mark.django_db


def test_a_counter_counts_within_its_window_and_starts_again_after():
    assert hits("a", "b") == {"a": 0, "b": 0}
    assert [count("a", 60) for _ in range(3)] == [1, 2, 3]
    assert count("b", 3600) == 1
    assert hits("a", "b") == {"a": 3, "b": 1}
    with time_machine.travel(timezone.now() + datetime.timedelta(seconds=61), tick=False):
        assert hits("a", "b") == {"a": 0, "b": 1}  # a's window has passed, b's has not
        assert count("a", 60) == 1  # it starts again
        assert hits("a") == {"a": 1}


def test_several_counters_are_raised_in_one_statement_and_given_back(django_assert_num_queries):
    count("a", 60)
    with django_assert_num_queries(1):
        assert count_all(("a", 60), ("b", 3600), ("c", 60)) == {"a": 2, "b": 1, "c": 1}
    with django_assert_num_queries(1):
        uncount("a", "b", "never")
    assert hits("a", "b", "never") == {"a": 1, "b": 0, "never": 0}
    uncount("b")  # never below nothing
    assert hits("b") == {"b": 0} and count("b", 60) == 1
    with time_machine.travel(timezone.now() + datetime.timedelta(seconds=61), tick=False):
        uncount("c")  # a counter past its window is left as it is; it starts again when next raised
        assert count("c", 60) == 1
    # Two keys cut to one stored name are one counter, raised once.
    long = "编" * 300
    assert count_all((long, 60), (long + "x", 60)) == {long: 1, long + "x": 1}


def test_the_sweep_deletes_only_the_counters_whose_window_passed():
    count("short", 60)
    count("long", 3600)
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=5), tick=False):
        assert purge_expired_counters().done == 1
    assert set(Counter.objects.values_list("name", flat=True)) == {"long"}


def test_keys_anyone_can_type_are_counted_not_errors():
    odd = ["HY2026\x00030200", "编号" * 150, "", "%s'; DROP TABLE core_counter; --"]
    for key in odd:
        assert count(key, 60) == 1 and count(key, 60) == 2, key
        assert hits(key)[key] == 2
    assert Counter.objects.count() == len(odd)
    # Through the pages, a NUL byte in the number is refused before it is counted.
    c = Client(raise_request_exception=False)
    assert c.get("/lookup/?number=HY2026%00&code=ABC%00DEFG").status_code == 400
    assert c.get("/api/v1/cases/lookup/?number=HY%00&code=X%00").status_code == 400
    assert Counter.objects.count() == len(odd)


pg_only = pytest.mark.skipif(connection.vendor != "postgresql",
                             reason="races need separate connections to one database: run on PostgreSQL (CI does)")


@pg_only
@pytest.mark.django_db(transaction=True)
def test_counts_from_processes_at_once_are_all_counted():
    """Four connections count one key fifty times each, at once: 200, none lost (the file
    cache's get-then-set lost some)."""
    results = run_together(4, lambda i: [count("race", 60) for _ in range(50)])
    assert hits("race") == {"race": 200}
    seen = sorted(n for r in results for n in r)
    assert seen == list(range(1, 201))  # each count saw its own number


@pg_only
@pytest.mark.django_db(transaction=True)
def test_counting_and_giving_back_at_once_never_deadlock():
    """Four connections count three keys and give two back, over and over, each statement on
    its own (as a guard does outside a transaction). The rows are stored in the reverse of their
    names' order, the order in which an UPDATE that scans the table would lock them; count_all
    locks them by name. Had uncount locked them as it found them, one connection would hold
    one row and wait for another that the next holds, and PostgreSQL would kill one as a
    deadlock."""
    keys = ["guard-c", "guard-b", "guard-a"]
    for key in keys:  # stored c, b, a
        count(key, 3600)

    def guard(i):
        for _ in range(150):
            count_all(*((key, 3600) for key in keys))
            uncount("guard-a", "guard-c")
    run_together(4, guard)
    assert hits(*keys) == {"guard-a": 1, "guard-b": 601, "guard-c": 1}


def test_the_complaint_lookup_is_limited_per_address(settings):
    """Wrong codes from one address are counted in the database; at the limit that address
    waits (429), another does not."""
    limit = settings.SHENPI_LOOKUP_LIMITS["failures_per_address_per_hour"]
    c = Client(REMOTE_ADDR="10.8.0.1")
    for n in range(limit):
        assert c.get(f"/complaints/lookup/?number=TS20260302{n:04d}&code=WRONG123").status_code == 200
    assert hits("complaint-fail:10.8.0.1")["complaint-fail:10.8.0.1"] == limit
    r = c.get("/complaints/lookup/?number=TS202603020001&code=WRONG123")
    assert r.status_code == 429 and "查询次数过多" in r.content.decode()  # refused, and told why
    assert Client(REMOTE_ADDR="10.8.0.2").get("/complaints/lookup/?number=X1&code=Y1").status_code == 200


@pg_only
@pytest.mark.django_db(transaction=True)
def test_guesses_at_once_cannot_pass_the_lookup_limit_together(settings):
    """One failure short of a case number's limit, four guesses come at once from four
    addresses: exactly one is tried, three are refused. (Read first and counted after, as the
    lookup was, every one of them could read the count before any had raised it.)"""
    limit = settings.SHENPI_LOOKUP_LIMITS["failures_per_number_per_hour"]
    number = "HY2026030200001"
    for _ in range(limit - 1):
        count(f"lookup-fail-number:{number}", 3600)

    def guess(i):
        try:
            return lookup.find(address=f"10.9.0.{i + 1}", number=number, code="WRONG234")
        except TooMany:
            return "refused"
    assert sorted(map(str, run_together(4, guess))) == ["None", "refused", "refused", "refused"]
    assert hits(f"lookup-fail-number:{number}")[f"lookup-fail-number:{number}"] == limit


@pg_only
@pytest.mark.django_db(transaction=True)
def test_complaints_at_once_cannot_pass_the_address_limit_together(seeded, dept):
    """One complaint short of an address's limit, four posts come at once: one complaint is
    taken, three are refused (429), and only the one counts."""
    from shenpi.feedback.models import Complaint
    for _ in range(19):
        count("complaint-submit:10.9.1.1", 3600)

    def post(i):
        return Client(REMOTE_ADDR="10.9.1.1").post("/api/v1/complaints/", {
            "against_department": dept.pk, "content": f"窗口未一次告知所需材料（{i}）",
            "name": "张三", "phone": "13800138000"}, content_type="application/json").status_code
    assert sorted(run_together(4, post)) == [201, 429, 429, 429]
    assert Complaint.objects.count() == 1
