"""Generic plans for the pages that read by key, custom plans for everything else (issue 16):
the staff case page and the applicant's case page run in a transaction that lets PostgreSQL
keep one plan per prepared statement, and the connection's default comes back after them."""

import io

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.test import Client

from shenpi.core.sql import is_postgresql, keyed_reads
from tests.cases.conftest import user

pytestmark = pytest.mark.skipif(
    not is_postgresql() or not settings.DATABASES["default"].get("OPTIONS", {}).get("prepare_threshold"),
    reason="PostgreSQL with prepared statements only (CI runs it there)")


def mode() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SHOW plan_cache_mode")
        return cursor.fetchone()[0]


def test_a_keyed_page_keeps_generic_plans_and_the_default_comes_back(db):
    @keyed_reads
    def page():
        return mode()

    assert mode() == "force_custom_plan"
    assert page() == "auto"
    assert mode() == "force_custom_plan"

    @keyed_reads
    def failing():
        raise LookupError

    with pytest.raises(LookupError):
        failing()
    assert mode() == "force_custom_plan"


def test_the_case_pages_read_with_generic_plans_and_lists_do_not(db):
    call_command("demo-data", "--cases", stdout=io.StringIO())
    from shenpi.cases.models import Case
    sent: list[str] = []

    def spy(execute, sql, params, many, context):
        sent.append(sql)
        return execute(sql, params, many, context)

    def statements(who, path):
        client = Client()
        if who:
            client.force_login(user(who))
        sent.clear()
        with connection.execute_wrapper(spy):
            assert client.get(path).status_code == 200
        return sent[:]

    clerk = user("clerk")
    case = Case.objects.filter(window=clerk.staff.window).order_by("pk").first()
    assert any("'plan_cache_mode', 'auto'" in s for s in statements("clerk", f"/staff/cases/{case.number}/"))
    mine = Case.objects.filter(applicant_user=user("13800138000")).order_by("pk").first()
    assert any("'plan_cache_mode', 'auto'" in s for s in statements("13800138000", f"/my/{mine.number}/"))
    assert any("'plan_cache_mode', 'auto'" in s for s in statements(None, f"/lookup/?number={mine.number}"
                                                                            f"&code={mine.query_code}"))
    assert not any("plan_cache_mode" in s for s in statements("reviewer", "/staff/tasks/"))


def test_jit_is_off_on_a_direct_connection(db):
    # A request's statements are short; JIT compiled a queue's count for 28 of its 72 ms.
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"
