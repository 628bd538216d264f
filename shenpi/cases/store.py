"""The case write path's fixed reads, compiled once per process (see shenpi.core.sql).

Only the statements every transition runs live here; the services keep the rules."""

from functools import lru_cache

from django.db.models import Exists, F, OuterRef, Subquery

from shenpi.catalog.models import FlowStep, ItemVersion
from shenpi.core.sql import Prepared, read_together
from shenpi.org.models import Centre, Staff, Window
from shenpi.workdays.models import CalendarVersion

from .models import Case, StepTask

_LOCK = Prepared(
    lambda pk: Case.objects.select_for_update(of=("self",)).filter(pk=pk).annotate(
        centre_name=F("centre__name"), centre_code=F("centre__code"),
        calendar_version=Subquery(CalendarVersion.objects.order_by("id").values("version")[:1])),
    7001)
# The steps of the stage a step belongs to (only if the step is the case's).
_STAGE_OF_STEP = Prepared(lambda case, step: StepTask.objects.filter(
    case_id=case, stage_order=Subquery(StepTask.objects.filter(pk=step).values("stage_order")[:1])), 7013, 7014)
_STEP_STATES = Prepared(lambda case: StepTask.objects.filter(case_id=case).values_list("status", "outcome"), 7031)
_HOLDER = Prepared(lambda department, role: Staff.objects.filter(
    department_id=department, user__groups__name=role, user__is_active=True).order_by("pk").values_list(
    "user_id")[:1], 7041, "\x00role")
# Whether a window accepts (decides) the item of a case, read with the case's lock.
_WINDOW_ITEM_OF_CASE = {
    field: Prepared(lambda window, case, field=field: getattr(Window, field).through.objects.filter(
        window_id=window, item_id=Subquery(Case.objects.filter(pk=case).values("item_id")[:1])).values_list("pk")[:1],
        7071, 7072)
    for field in ("accept_items", "decide_items")
}
# Every default holder of a step of the case's flow: (department, role, user), first staff first.
_HOLDERS_OF_CASE = Prepared(lambda case: Staff.objects.filter(user__is_active=True).annotate(
    role=F("user__groups__name")).filter(Exists(FlowStep.objects.filter(
        stage__version_id=Subquery(Case.objects.filter(pk=case).values("version_id")[:1]),
        department_id=OuterRef("department_id"), role=OuterRef("role")))).order_by("pk").values_list(
    "department_id", "role", "user_id"), 7091)
_WINDOW_ITEM = {
    "accept_items": Prepared(lambda window, item: Window.accept_items.through.objects.filter(
        window_id=window, item_id=item).values_list("pk")[:1], 7051, 7052),
    "decide_items": Prepared(lambda window, item: Window.decide_items.through.objects.filter(
        window_id=window, item_id=item).values_list("pk")[:1], 7061, 7062),
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
              holders: bool = False) -> Case:
    """The case row locked for the rest of the transaction (only that row: not its centre, item
    or version, which every other case shares), with its version, its centre's name and code,
    and the calendar's version number read in the same statement. Read with it, in the same
    round trip: whether the actor's window accepts (or decides: ``window_field``) the case's
    item (``window_id``), the steps of the stage of ``step_id`` (``case.stage_steps``), and the
    default holders of the flow's steps (``holders``)."""
    calls = [(_LOCK, (pk,))]
    if window_id is not None:
        calls.append((_WINDOW_ITEM_OF_CASE[window_field], (window_id, pk)))
    if step_id is not None:
        calls.append((_STAGE_OF_STEP, (pk, step_id)))
    if holders:
        calls.append((_HOLDERS_OF_CASE, (pk,)))
    results = iter(read_together(*calls))
    found = _LOCK.instances(next(results))
    if not found:
        raise Case.DoesNotExist(f"no case {pk}")
    case = found[0]
    if window_id is not None:
        case.window_items = {(window_id, window_field): bool(next(results))}
    if step_id is not None:
        case.stage_steps = _STAGE_OF_STEP.instances(next(results))
    if holders:
        case.holders = {}
        for department_id, role, user_id in next(results):
            case.holders.setdefault((department_id, role), user_id)
    case.loaded_values = tuple(getattr(case, f.attname) for f in _CASE_FIELDS)
    case.version = published_version(case.version_id)
    case.centre = Centre.from_db(case._state.db, ["id", "name", "code"],
                                 [case.centre_id, case.centre_name, case.centre_code])
    return case


def step_states(case) -> list[tuple[str, str]]:
    return _STEP_STATES.rows(case.pk)


def holder_of(department_id: int, role: str) -> int | None:
    """By default a step goes to the department's holder of the step's role."""
    rows = _HOLDER.rows(department_id, str(role))
    return rows[0][0] if rows else None


def window_has(window_id: int, field: str, item_id: int, case=None) -> bool:
    known = getattr(case, "window_items", {}).get((window_id, field))
    if known is not None and case.item_id == item_id:
        return known
    return _WINDOW_ITEM[field].exists(window_id, item_id)
