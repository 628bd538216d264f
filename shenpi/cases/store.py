"""The case write path's fixed reads, compiled once per process (see shenpi.core.sql).

Only the statements every transition runs live here; the services keep the rules."""

from functools import lru_cache

from django.db.models import F, Subquery

from shenpi.catalog.models import ItemVersion
from shenpi.core.sql import Prepared
from shenpi.org.models import Centre, Staff, Window
from shenpi.workdays.models import CalendarVersion

from .models import Case, StepTask

_LOCK = Prepared(
    lambda pk: Case.objects.select_for_update(of=("self",)).filter(pk=pk).annotate(
        centre_name=F("centre__name"), centre_code=F("centre__code"),
        calendar_version=Subquery(CalendarVersion.objects.order_by("id").values("version")[:1])),
    7001)
_STEP = Prepared(lambda pk, case: StepTask.objects.filter(pk=pk, case_id=case), 7011, 7012)
_OPEN_IN_STAGE = Prepared(lambda case, order, besides: StepTask.objects.filter(
    case_id=case, stage_order=order, status=StepTask.Status.OPEN).exclude(pk=besides).values_list("pk")[:1],
    7021, 7022, 7023)
_STEP_STATES = Prepared(lambda case: StepTask.objects.filter(case_id=case).values_list("status", "outcome"), 7031)
_HOLDER = Prepared(lambda department, role: Staff.objects.filter(
    department_id=department, user__groups__name=role, user__is_active=True).order_by("pk").values_list(
    "user_id")[:1], 7041, "\x00role")
_WINDOW_ITEM = {
    "accept_items": Prepared(lambda window, item: Window.accept_items.through.objects.filter(
        window_id=window, item_id=item).values_list("pk")[:1], 7051, 7052),
    "decide_items": Prepared(lambda window, item: Window.decide_items.through.objects.filter(
        window_id=window, item_id=item).values_list("pk")[:1], 7061, 7062),
}


@lru_cache(maxsize=4096)
def published_version(pk: int) -> ItemVersion:
    """A case's item version. A published version's content never changes (a change is a new
    version), so each process reads it once, like its flow."""
    return ItemVersion.objects.select_related("item").get(pk=pk)


def lock_case(pk: int) -> Case:
    """The case row locked for the rest of the transaction (only that row: not its centre, item
    or version, which every other case shares), with its version, its centre's name and code,
    and the calendar's version number read in the same statement."""
    case = _LOCK.first(pk)
    if case is None:
        raise Case.DoesNotExist(f"no case {pk}")
    case.version = published_version(case.version_id)
    case.centre = Centre.from_db(case._state.db, ["id", "name", "code"],
                                 [case.centre_id, case.centre_name, case.centre_code])
    return case


def step_of(case, step_id) -> StepTask | None:
    try:
        return _STEP.first(int(step_id), case.pk)
    except (TypeError, ValueError):
        return None


def stage_has_open_steps(case, stage_order: int, *, besides: int) -> bool:
    """Whether a step of the stage other than ``besides`` is still open."""
    return _OPEN_IN_STAGE.exists(case.pk, stage_order, besides)


def step_states(case) -> list[tuple[str, str]]:
    return _STEP_STATES.rows(case.pk)


def holder_of(department_id: int, role: str) -> int | None:
    """By default a step goes to the department's holder of the step's role."""
    rows = _HOLDER.rows(department_id, str(role))
    return rows[0][0] if rows else None


def window_has(window_id: int, field: str, item_id: int) -> bool:
    return _WINDOW_ITEM[field].exists(window_id, item_id)
