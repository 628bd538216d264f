"""The case page's reads written by hand (cases/page_reads.py) give what their ORM querysets
give on the same data, related rows included (on SQLite and on PostgreSQL: CI runs both), and
the page reads them in one go."""

import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from shenpi.cases import page_reads as p
from shenpi.cases.models import Case

from .conftest import user


def values(obj):
    return None if obj is None else {f.attname: getattr(obj, f.attname) for f in type(obj)._meta.concrete_fields}


def staff_values(person):
    staff = getattr(person, "staff", None) if person is not None else None
    return values(staff), values(staff.window if staff else None)


@pytest.fixture
def living(db):
    call_command("demo-data", "--cases", stdout=io.StringIO())


@pytest.mark.django_db
def test_each_read_gives_what_the_orm_gives(living):
    cases = list(Case.objects.order_by("pk"))
    assert len(cases) > 20
    seen_steps = seen_events = 0
    for case in cases:
        reads = p.page_reads(case)
        with CaptureQueriesContext(connection) as q:  # every related row came with its own
            hand_steps = [(values(s), values(s.assignee), values(getattr(s.assignee, "staff", None)),
                           values(s.department), s.case is case) for s in reads.steps]
            hand_events = [(values(e), values(e.actor), staff_values(e.actor), e.case is case)
                           for e in reads.events]
        assert q.captured_queries == [], case.number
        orm_steps = [(values(s), values(s.assignee), values(getattr(s.assignee, "staff", None)), values(s.department),
                      True) for s in p.steps_queryset(case)]
        assert hand_steps == orm_steps, case.number
        orm_events = [(values(e), values(e.actor), staff_values(e.actor), True) for e in p.events_queryset(case)]
        assert hand_events == orm_events, case.number
        assert [values(m) for m in reads.materials] == [values(m) for m in p.materials_queryset(case)]
        assert [values(m) for m in reads.listed] == [values(m) for m in p.listed_queryset(case)]
        assert [values(n) for n in reads.notices] == [values(n) for n in p.notices_queryset(case)]
        assert all(n.body for n in reads.notices)  # the packed text, unpacked
        seen_steps += len(hand_steps)
        seen_events += len(hand_events)
    assert seen_steps > 20 and seen_events > 50


@pytest.mark.django_db
def test_an_archived_case_s_history_and_notices_come_from_its_archive(living):
    case = Case.objects.filter(state="delivered").first()
    case.archived = True  # as the archive marks it; the page then reads its archive entry
    reads = p.page_reads(case)
    assert reads.events is None and reads.notices is None and reads.listed


@pytest.mark.django_db
def test_the_case_page_reads_its_parts_once(living):
    case = Case.objects.filter(state="accepted").first()
    c = Client()
    c.force_login(user("supervisor"))
    with CaptureQueriesContext(connection) as q:
        page = c.get(f"/staff/cases/{case.number}/").content.decode()
    assert case.number in page and 'id="materials"' in page
    sql = [x["sql"] for x in q.captured_queries]
    for table in ("cases_steptask", "cases_casematerial", "catalog_material", "cases_caseevent", "cases_notice"):
        assert sum(f'FROM "{table}"' in x for x in sql) == 1, (table, sql)
