"""The staff case page's reads of one case, written by hand and sent together (docs/hot-path.md).

The case page shows a case's steps (with who holds each and the department), its materials
beside the catalog's list, its history (with who did each thing, their staff record and
window) and its notices. Through the ORM those were five statements, each costing two or three
times more in Django's query compiler than in the database. Here they are hand-written and sent
in one round trip on PostgreSQL (core.sql; public interfaces only), and become the same model
instances with the same related ones in place. The ORM querysets they stand for are beside
them, and tests/cases/test_page_reads.py holds the two equal on the demo's cases.

An archived case's history and notices are in its archive entry, not in these tables: for it
the page reads them as before (cases.archive)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from django.contrib.auth import get_user_model
from django.db.models import QuerySet

from shenpi.catalog.models import Material
from shenpi.core.sql import ModelRows, Statement, read_together, table
from shenpi.org.models import Department, Staff, Window
from shenpi.org.store import People, one, person_rows

from .models import Case, CaseEvent, CaseMaterial, Notice, StepTask

# --- the reads as the ORM says them ---------------------------------------------------------------


def steps_queryset(case: Case) -> QuerySet:
    return case.steps.select_related("assignee__staff", "department")


def materials_queryset(case: Case) -> QuerySet:
    return case.materials.all()


def listed_queryset(case: Case) -> QuerySet:
    return Material.objects.filter(version_id=case.version_id)


def events_queryset(case: Case) -> QuerySet:
    return case.events.select_related("actor__staff__window")


def notices_queryset(case: Case) -> QuerySet:
    return case.notices.all()


# --- the same, by hand ----------------------------------------------------------------------------


@dataclass
class PageReads:
    steps: list[StepTask]
    materials: list[CaseMaterial]
    listed: list[Material]
    events: list[CaseEvent] | None  # None for an archived case: read from its archive
    notices: list[Notice] | None


@cache
def _rows() -> dict[str, ModelRows]:
    return {**person_rows(), "step": ModelRows(StepTask), "department": ModelRows(Department),
            "material": ModelRows(CaseMaterial), "listed": ModelRows(Material), "event": ModelRows(CaseEvent),
            "notice": ModelRows(Notice)}


@cache
def _statements() -> dict[str, str]:
    r = _rows()
    users = table(get_user_model())
    return {
        "steps": (f"SELECT {r['step'].columns('s')}, {r['user'].columns('u')}, {r['staff'].columns('st')}, "
                  f"{r['department'].columns('d')} FROM {table(StepTask)} s "
                  f"LEFT JOIN {users} u ON u.id = s.assignee_id LEFT JOIN {table(Staff)} st ON st.user_id = u.id "
                  f"JOIN {table(Department)} d ON d.id = s.department_id "
                  "WHERE s.case_id = %s ORDER BY s.case_id, s.stage_order, s.id"),
        "materials": f"SELECT {r['material'].columns('m')} FROM {table(CaseMaterial)} m WHERE m.case_id = %s "
                     "ORDER BY m.case_id, m.id",
        "listed": f'SELECT {r["listed"].columns("m")} FROM {table(Material)} m WHERE m.version_id = %s '
                  'ORDER BY m.version_id, m."order"',
        "events": (f"SELECT {r['event'].columns('e')}, {r['user'].columns('u')}, {r['staff'].columns('st')}, "
                   f"{r['window'].columns('w')} FROM {table(CaseEvent)} e "
                   f"LEFT JOIN {users} u ON u.id = e.actor_id LEFT JOIN {table(Staff)} st ON st.user_id = u.id "
                   f"LEFT JOIN {table(Window)} w ON w.id = st.window_id WHERE e.case_id = %s ORDER BY e.case_id, e.seq"),
        "notices": f"SELECT {r['notice'].columns('n')} FROM {table(Notice)} n WHERE n.case_id = %s "
                   "ORDER BY n.case_id, n.issued_at, n.id",
    }


def _cut(row: tuple, *kinds: str) -> list[tuple]:
    """The row's parts, one per model, in the order their columns were listed."""
    rows, parts, at = _rows(), [], 0
    for kind in kinds:
        width = len(rows[kind].fields)
        parts.append(row[at:at + width])
        at += width
    return parts


def page_reads(case: Case) -> PageReads:
    """The case's steps, materials, its version's listed materials, history and notices."""
    sql = _statements()
    statements = [Statement(sql["steps"], [case.pk]), Statement(sql["materials"], [case.pk]),
                  Statement(sql["listed"], [case.version_id])]
    if not case.archived:
        statements += [Statement(sql["events"], [case.pk]), Statement(sql["notices"], [case.pk])]
    results = read_together(*statements)
    rows, people = _rows(), People()
    steps = []
    for row in results[0]:
        step_values, user_values, staff_values, department_values = _cut(row, "step", "user", "staff", "department")
        step = rows["step"].instances([step_values])[0]
        step.assignee = people.user(user_values, staff_values)
        step.department = one(rows["department"], department_values)
        step.case = case
        steps.append(step)
    materials = rows["material"].instances(results[1])
    listed = rows["listed"].instances(results[2])
    events = notices = None
    if not case.archived:
        events = []
        for row in results[3]:
            event_values, user_values, staff_values, window_values = _cut(row, "event", "user", "staff", "window")
            event = rows["event"].instances([event_values])[0]
            event.actor = people.user(user_values, staff_values, window_values)
            event.case = case
            events.append(event)
        notices = rows["notice"].instances(results[4])
        for notice in notices:
            notice.case = case
    for material in materials:
        material.case = case
    people.settle()
    return PageReads(steps=steps, materials=materials, listed=listed, events=events, notices=notices)
