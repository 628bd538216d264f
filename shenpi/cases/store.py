"""The case write path's fixed reads, compiled once per process (see shenpi.core.sql).

Only the statements every transition runs live here; the services keep the rules."""

from functools import lru_cache

from django.db.models import Exists, F, OuterRef, Subquery

from shenpi.catalog.models import FlowStep, ItemVersion
from shenpi.core.sql import Prepared, read_together
from shenpi.org.models import Centre, Staff, Window
from shenpi.workdays.models import CalendarVersion

from .models import Case, CaseMaterial, StepTask


def _window_items(field, window, item):
    """Rows saying the window accepts (``accept_items``) or decides (``decide_items``) the item."""
    return getattr(Window, field).through.objects.filter(window_id=window, item_id=item)


def _lock(field):
    """The case row, locked, with what every transition needs to know beside it: its centre's
    name and code, the calendar's version, whether a window (0: none) accepts or decides its
    item, and whether any of its steps is open or refused."""
    return Prepared(
        lambda pk, window: Case.objects.select_for_update(of=("self",)).filter(pk=pk).annotate(
            centre_name=F("centre__name"), centre_code=F("centre__code"), department_name=F("department__name"),
            calendar_version=Subquery(CalendarVersion.objects.order_by("id").values("version")[:1]),
            window_takes=Exists(_window_items(field, window, OuterRef("item_id"))),
            open_steps=Exists(StepTask.objects.filter(case_id=OuterRef("pk"), status=StepTask.Status.OPEN)),
            refused_steps=Exists(StepTask.objects.filter(case_id=OuterRef("pk"), outcome=StepTask.Outcome.REFUSE))),
        7001, 7002)


_LOCK = {field: _lock(field) for field in ("accept_items", "decide_items")}
# The steps of the stage a step belongs to (only if the step is the case's).
_STAGE_OF_STEP = Prepared(lambda case, step: StepTask.objects.filter(
    case_id=case, stage_order=Subquery(StepTask.objects.filter(pk=step).values("stage_order")[:1])), 7013, 7014)
# Every default holder of a step of the case's flow: (department, role, user), first staff first.
_HOLDERS_OF_CASE = Prepared(lambda case: Staff.objects.filter(user__is_active=True).annotate(
    role=F("user__groups__name")).filter(Exists(FlowStep.objects.filter(
        stage__version_id=Subquery(Case.objects.filter(pk=case).values("version_id")[:1]),
        department_id=OuterRef("department_id"), role=OuterRef("role")))).order_by("pk").values_list(
    "department_id", "role", "user_id"), 7091)
# The names of the materials a case has (on paper or uploaded), for the completeness check.
_MATERIALS_OF_CASE = Prepared(lambda case: CaseMaterial.objects.filter(case_id=case).values_list("name"), 7111)
_WINDOW_ITEM = {
    field: Prepared(lambda window, item, field=field: _window_items(field, window, item).values_list("pk")[:1],
                    7051, 7052)
    for field in ("accept_items", "decide_items")
}


_CASE_FIELDS = tuple(f for f in Case._meta.concrete_fields if not f.primary_key)


def changed_fields(case) -> tuple[str, ...] | None:
    """The fields changed since lock_case read the case (None: not read by lock_case)."""
    loaded = getattr(case, "loaded_values", None)
    if loaded is None:
        return None
    return tuple(f.attname for f, before in zip(_CASE_FIELDS, loaded, strict=True) if getattr(case, f.attname) != before)


def mark_saved(case):
    case.loaded_values = tuple(getattr(case, f.attname) for f in _CASE_FIELDS)


@lru_cache(maxsize=4096)
def published_version(pk: int) -> ItemVersion:
    """A case's item version. A published version's content never changes (a change is a new
    version), so each process reads it once, like its flow."""
    return ItemVersion.objects.select_related("item").get(pk=pk)


def lock_case(pk: int, *, window_id: int | None = None, window_field: str = "accept_items", step_id=None,
              holders: bool = False, materials: bool = False) -> Case:
    """The case row locked for the rest of the transaction (only that row: not its centre, item
    or version, which every other case shares), with its version, its centre's name and code,
    and the calendar's version number read in the same statement. Read with it, in the same
    round trip: whether the actor's window accepts (or decides: ``window_field``) the case's
    item (``window_id``), the steps of the stage of ``step_id`` (``case.stage_steps``), the
    default holders of the flow's steps (``holders``) and the names of the case's materials
    (``materials``: ``case.material_names``)."""
    lock = _LOCK[window_field]
    calls = [(lock, (pk, window_id or 0))]
    if step_id is not None:
        calls.append((_STAGE_OF_STEP, (pk, step_id)))
    if holders:
        calls.append((_HOLDERS_OF_CASE, (pk,)))
    if materials:
        calls.append((_MATERIALS_OF_CASE, (pk,)))
    results = iter(read_together(*calls))
    found = lock.instances(next(results))
    if not found:
        raise Case.DoesNotExist(f"no case {pk}")
    case = found[0]
    if window_id is not None:
        case.window_items = {(window_id, window_field): bool(case.window_takes)}
    if step_id is not None:
        case.stage_steps = _STAGE_OF_STEP.instances(next(results))
    if holders:
        case.holders = _holders_from(next(results))
    if materials:
        case.material_names = {name for (name,) in next(results)}
    case.loaded_values = tuple(getattr(case, f.attname) for f in _CASE_FIELDS)
    case.version = published_version(case.version_id)
    case.centre = Centre.from_db(case._state.db, ["id", "name", "code"],
                                 [case.centre_id, case.centre_name, case.centre_code])
    return case


def _holders_from(rows) -> dict[tuple[int, str], int]:
    """By default a step goes to the department's holder of the step's role: the first active
    staff member (by record) of that department with that role."""
    holders = {}
    for department_id, role, user_id in rows:
        holders.setdefault((department_id, role), user_id)
    return holders


def default_holders(case) -> dict[tuple[int, str], int]:
    """The default holders of the steps of the case's flow, for a case not read by lock_case."""
    return _holders_from(_HOLDERS_OF_CASE.rows(case.pk))


def window_read(window_id: int, field: str, item_id: int):
    """The read window_has makes, for a caller that sends it with its own (core.sql.read_together)."""
    return _WINDOW_ITEM[field], (window_id, item_id)


def window_has(window_id: int, field: str, item_id: int, case=None) -> bool:
    known = getattr(case, "window_items", {}).get((window_id, field))
    if known is not None and case.item_id == item_id:
        return known
    return _WINDOW_ITEM[field].exists(window_id, item_id)
