"""The case lifecycle's one door to the database's fast path (docs/hot-path.md).

The services call ``store.*`` for the statements every transition runs — the locked case with
what the rules need beside it, the submission's reads, the queued inserts and updates, the
transaction that ends with them — and never ``core.sql``. Those reads are SQL written out
here by hand, sent together in one round trip on PostgreSQL (core.sql, public interfaces of
Django and psycopg only) and one after another on SQLite. Beside them stand the ORM querysets
that say the same, which a test holds each hand-written statement equal to on the same data
(tests/cases/test_store.py)."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model
from django.db import connections
from django.db.models import Exists, F, OuterRef, QuerySet, Subquery

from shenpi.catalog.models import FlowStage, FlowStep, ItemVersion, ReformRecord
from shenpi.catalog.selectors import published_version
from shenpi.core import sql
from shenpi.core.sql import ModelRows, Statement, table
from shenpi.org.models import Centre, Department, Staff, Window
from shenpi.workdays.models import CalendarVersion
from shenpi.workdays.selectors import calendar_version_sql

from .models import Case, CaseCounter, CaseMaterial, StepTask

if TYPE_CHECKING:
    from collections.abc import Iterable
    from typing import Any

WINDOW_FIELDS = ("accept_items", "decide_items")


def _through(field: str) -> str:
    """The table of a window's items it accepts (``accept_items``) or decides (``decide_items``)."""
    return table(getattr(Window, field).through)


# --- the reads, as the ORM writes them (the reference the hand-written ones are held to) ---------

def _window_items(field: str, window: Any, item: Any) -> QuerySet:
    return getattr(Window, field).through.objects.filter(window_id=window, item_id=item)


def lock_queryset(field: str, pk: int, window: int) -> QuerySet:
    """The case row, locked, with its centre's name and code, its department's name, the
    calendar's version, whether the window accepts or decides its item, and whether any of its
    steps is open or refused."""
    # (The annotations are declared on Case for the hand-written path as well: the plugin objects.)
    return Case.objects.select_for_update(of=("self",)).filter(pk=pk).annotate(  # type: ignore[no-redef]
        centre_name=F("centre__name"), centre_code=F("centre__code"), department_name=F("department__name"),
        calendar_version=Subquery(CalendarVersion.objects.order_by("id").values("version")[:1]),
        window_takes=Exists(_window_items(field, window, OuterRef("item_id"))),
        open_steps=Exists(StepTask.objects.filter(case_id=OuterRef("pk"), status=StepTask.Status.OPEN)),
        refused_steps=Exists(StepTask.objects.filter(case_id=OuterRef("pk"), outcome=StepTask.Outcome.REFUSE)))


def stage_queryset(case: int, step: int) -> QuerySet:
    """The steps of the stage a step belongs to (only if the step is the case's)."""
    return StepTask.objects.filter(
        case_id=case, stage_order=Subquery(StepTask.objects.filter(pk=step).values("stage_order")[:1]))


def holders_queryset(case: int) -> QuerySet:
    """Every default holder of a step of the case's flow: (department, role, user), first staff first."""
    return Staff.objects.filter(user__is_active=True).annotate(role=F("user__groups__name")).filter(Exists(
        FlowStep.objects.filter(stage__version_id=Subquery(Case.objects.filter(pk=case).values("version_id")[:1]),
                                department_id=OuterRef("department_id"), role=OuterRef("role")))
    ).order_by("pk").values_list("department_id", "role", "user_id")


def materials_queryset(case: int) -> QuerySet:
    return CaseMaterial.objects.filter(case_id=case).values_list("name")


def window_item_queryset(field: str, window: int, item: int) -> QuerySet:
    return _window_items(field, window, item).values_list("pk")[:1]


def published_queryset(item: int) -> QuerySet:
    return ItemVersion.objects.filter(item_id=item, status=ItemVersion.Status.PUBLISHED)


def reforms_queryset(item: int) -> QuerySet:
    return ReformRecord.objects.filter(item_id=item).order_by("-effective_date", "-id")


def calendar_version_queryset() -> QuerySet:
    return CalendarVersion.objects.order_by("id").values_list("version")[:1]


# --- the same reads written out by hand ------------------------------------------------------------

LOCK_EXTRAS = ("centre_name", "centre_code", "department_name", "calendar_version", "window_takes",
               "open_steps", "refused_steps")
_CASE_ROWS = ModelRows(Case, [(name, bool if name in ("window_takes", "open_steps", "refused_steps") else None)
                              for name in LOCK_EXTRAS])
_STEP_ROWS = ModelRows(StepTask)
_VERSION_ROWS = ModelRows(ItemVersion)
_REFORM_ROWS = ModelRows(ReformRecord)


@cache
def _lock_sql(field: str, vendor: str) -> str:
    return (
        f"SELECT {_CASE_ROWS.columns('c')}, ce.name, ce.code, d.name, "
        f"({calendar_version_sql()}), "
        f"EXISTS (SELECT 1 FROM {_through(field)} w WHERE w.window_id = %s AND w.item_id = c.item_id), "
        f"EXISTS (SELECT 1 FROM {table(StepTask)} s WHERE s.case_id = c.id AND s.status = %s), "
        f"EXISTS (SELECT 1 FROM {table(StepTask)} s WHERE s.case_id = c.id AND s.outcome = %s) "
        f"FROM {table(Case)} c LEFT JOIN {table(Centre)} ce ON ce.id = c.centre_id "
        f"LEFT JOIN {table(Department)} d ON d.id = c.department_id "
        f"WHERE c.id = %s{' FOR UPDATE OF c' if vendor == 'postgresql' else ''}")


def _lock_statement(field: str, pk: int, window: int) -> Statement:
    return Statement(_lock_sql(field, connections["default"].vendor),
                     [window, StepTask.Status.OPEN, StepTask.Outcome.REFUSE, pk])


@cache
def _stage_sql() -> str:
    t = table(StepTask)
    return (f"SELECT {_STEP_ROWS.columns('s')} FROM {t} s WHERE s.case_id = %s AND s.stage_order = "
            f"(SELECT o.stage_order FROM {t} o WHERE o.id = %s LIMIT 1) ORDER BY s.case_id, s.stage_order, s.id")


@cache
def _holders_sql() -> str:
    user = get_user_model()
    groups = user.groups.through
    return (
        f"SELECT s.department_id, g.name, s.user_id FROM {table(Staff)} s "
        f"JOIN {table(user)} u ON u.id = s.user_id "
        f"JOIN {table(groups)} ug ON ug.user_id = u.id JOIN {table(groups.group.field.related_model)} g "
        f"ON g.id = ug.group_id "
        f"WHERE u.is_active AND EXISTS (SELECT 1 FROM {table(FlowStep)} fs "
        f"JOIN {table(FlowStage)} st ON st.id = fs.stage_id "
        f"WHERE st.version_id = (SELECT c.version_id FROM {table(Case)} c WHERE c.id = %s LIMIT 1) "
        f"AND fs.department_id = s.department_id AND fs.role = g.name) ORDER BY s.id")


@cache
def _materials_sql() -> str:
    return f"SELECT m.name FROM {table(CaseMaterial)} m WHERE m.case_id = %s ORDER BY m.case_id, m.id"


@cache
def _window_item_sql(field: str) -> str:
    return f"SELECT w.id FROM {_through(field)} w WHERE w.window_id = %s AND w.item_id = %s LIMIT 1"


@cache
def _published_sql() -> str:
    return (f"SELECT {_VERSION_ROWS.columns('v')} FROM {table(ItemVersion)} v "
            f"WHERE v.item_id = %s AND v.status = %s ORDER BY v.item_id, v.number DESC")


@cache
def _reforms_sql() -> str:
    return (f"SELECT {_REFORM_ROWS.columns('r')} FROM {table(ReformRecord)} r "
            f"WHERE r.item_id = %s ORDER BY r.effective_date DESC, r.id DESC")


@cache
def _counter_sql() -> str:
    t = table(CaseCounter)
    return (f"INSERT INTO {t} (centre_id, day, last) VALUES (%s, %s, 1) "
            f"ON CONFLICT (centre_id, day) DO UPDATE SET last = {t}.last + 1 RETURNING last")


# --- what the services call ----------------------------------------------------------------------

_CASE_FIELDS = tuple(f for f in Case._meta.concrete_fields if not f.primary_key)


def changed_fields(case: Case) -> tuple[str, ...] | None:
    """The fields changed since lock_case read the case (None: not read by lock_case)."""
    loaded = getattr(case, "loaded_values", None)
    if loaded is None:
        return None
    return tuple(f.attname for f, before in zip(_CASE_FIELDS, loaded, strict=True) if getattr(case, f.attname) != before)


def mark_saved(case: Case) -> None:
    case.loaded_values = tuple(getattr(case, f.attname) for f in _CASE_FIELDS)


def lock_case(pk: int, *, window_id: int | None = None, window_field: str = "accept_items",
              step_id: int | None = None, holders: bool = False, materials: bool = False) -> Case:
    """The case row locked for the rest of the transaction (only that row: not its centre, item
    or version, which every other case shares), with its version, its centre's name and code,
    and the calendar's version number read in the same statement. Read with it, in the same
    round trip on PostgreSQL: whether the actor's window accepts (or decides: ``window_field``)
    the case's item (``window_id``), the steps of the stage of ``step_id``
    (``case.stage_steps``), the default holders of the flow's steps (``holders``) and the names
    of the case's materials (``materials``: ``case.material_names``)."""
    if window_field not in WINDOW_FIELDS:
        raise ValueError(f"window_field is one of {WINDOW_FIELDS}")
    statements = [_lock_statement(window_field, pk, window_id or 0)]
    if step_id is not None:
        statements.append(Statement(_stage_sql(), [pk, step_id]))
    if holders:
        statements.append(Statement(_holders_sql(), [pk]))
    if materials:
        statements.append(Statement(_materials_sql(), [pk]))
    results = iter(sql.read_together(*statements))
    found = _CASE_ROWS.instances(next(results))
    stage = _STEP_ROWS.instances(next(results)) if step_id is not None else None
    holder_rows = next(results) if holders else None
    material_rows = next(results) if materials else None
    if not found:
        raise Case.DoesNotExist(f"no case {pk}")
    case = found[0]
    if window_id is not None:
        case.window_items = {(window_id, window_field): bool(case.window_takes)}
    if stage is not None:
        case.stage_steps = stage
    if holder_rows is not None:
        case.holders = _holders_from(holder_rows)
    if material_rows is not None:
        case.material_names = {name for (name,) in material_rows}
    mark_saved(case)
    case.version = published_version(case.version_id)
    case.centre = Centre.from_db(case._state.db, ["id", "name", "code"],
                                 [case.centre_id, case.centre_name, case.centre_code])
    return case


def _holders_from(rows: Iterable[tuple]) -> dict[tuple[int, str], int]:
    """By default a step goes to the department's holder of the step's role: the first active
    staff member (by record) of that department with that role."""
    holders: dict[tuple[int, str], int] = {}
    for department_id, role, user_id in rows:
        holders.setdefault((department_id, role), user_id)
    return holders


def default_holders(case: Case) -> dict[tuple[int, str], int]:
    """The default holders of the steps of the case's flow, for a case not read by lock_case."""
    return _holders_from(sql.read_together(Statement(_holders_sql(), [case.pk]))[0])


def window_has(window_id: int, field: str, item_id: int, case: Case | None = None) -> bool:
    known = getattr(case, "window_items", {}).get((window_id, field))
    if known is not None and case is not None and case.item_id == item_id:
        return known
    return bool(sql.read_together(Statement(_window_item_sql(field), [window_id, item_id]))[0])


@dataclass
class SubmitReads:
    """What a submission reads before it writes: the item's published versions and reform
    records, the calendar's version, whether the window accepts the item, and (read ahead at a
    window on PostgreSQL) the day's next number and the case's key."""

    versions: list[ItemVersion]
    reforms: list[ReformRecord]
    calendar_version: int
    window_takes: bool
    last: int | None = None
    case_id: int | None = None


def submit_reads(*, item_id: int, window_id: int | None, centre_id: int | None,
                 day: datetime.date) -> SubmitReads:
    """The submission's reads; on PostgreSQL in one round trip, and at a window with the
    number's counter and the case's key (both rolled back with any refusal)."""
    statements = [Statement(_published_sql(), [item_id, ItemVersion.Status.PUBLISHED]),
                  Statement(_reforms_sql(), [item_id]), Statement(calendar_version_sql())]
    # At a window on PostgreSQL the number's counter and the case's key are read ahead too.
    ahead = window_id is not None and centre_id is not None and sql.is_postgresql()
    if window_id is not None:
        statements.append(Statement(_window_item_sql("accept_items"), [window_id, item_id]))
    if ahead:
        statements += [Statement(_counter_sql(), [centre_id, day]),
                       Statement(f"SELECT nextval(pg_get_serial_sequence('{Case._meta.db_table}', 'id'))")]
    published, reforms, calendar, *more = sql.read_together(*statements)
    out = SubmitReads(_VERSION_ROWS.instances(published), _REFORM_ROWS.instances(reforms),
                      calendar[0][0] if calendar else 0, bool(more[0]) if window_id is not None else False)
    if ahead:
        out.last, out.case_id = more[1][0][0], more[2][0][0]
    return out


def next_number(centre_id: int, day: datetime.date) -> int:
    """The centre's next number of the day: one upsert that takes the counter row's lock, so
    concurrent submissions queue on it and numbers have no gaps (a rolled-back submission rolls
    its number back too)."""
    connection = connections["default"]
    with connection.cursor() as cursor:
        cursor.execute(_counter_sql(), [centre_id, connection.ops.adapt_datefield_value(day)])
        return cursor.fetchone()[0]


# --- writes -----------------------------------------------------------------------------------------

insert = sql.insert
update = sql.update
queued = sql.queued
immediate = sql.immediate


@contextmanager
def transition() -> Iterator[sql.Writes]:
    """A transition's transaction: the service's inserts and updates are queued and sent
    together, with the COMMIT where the database allows (core.sql.batch)."""
    with sql.batch() as writes:
        yield writes

