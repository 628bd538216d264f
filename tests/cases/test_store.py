"""Each hot statement written out by hand in cases/store.py gives what its ORM queryset gives on
the same data (on SQLite and on PostgreSQL: CI runs both), and no signal receiver is connected
to a model the fast path writes (it sends none)."""

import pytest
from django.db import transaction
from django.db.models.signals import (
    post_delete,
    post_init,
    post_save,
    pre_delete,
    pre_init,
    pre_save,
)

from shenpi.audit.models import AuditEntry
from shenpi.cases import services as s
from shenpi.cases import store
from shenpi.cases.models import Case, CaseEvent, CaseMaterial, Notice, Outbox, StepTask
from shenpi.catalog.models import Item, ItemVersion
from shenpi.core import sql
from shenpi.core.sql import Statement
from shenpi.org.models import Window

from .conftest import user, window_case

pytestmark = pytest.mark.usefixtures("demo")


def values(obj, extras=()):
    fields = [f.attname for f in type(obj)._meta.concrete_fields]
    return {name: getattr(obj, name) for name in (*fields, *extras)}


@pytest.fixture
def cases(on):
    """Cases in several states: received, accepted with an open step, one step done, decided."""
    on(2026, 3, 2)
    made = [window_case() for _ in range(4)]
    clerk, reviewer, approver = user("clerk"), user("reviewer"), user("approver")
    for c in made[1:]:
        s.accept(actor=clerk, case=c)
    for c in made[2:]:
        step = StepTask.objects.get(case=c, status="open")
        s.complete_step(actor=reviewer, case=c, step_id=step.pk, outcome="pass", opinion="同意")
    last = made[3]
    step = StepTask.objects.get(case=last, status="open")
    s.complete_step(actor=approver, case=last, step_id=step.pk, outcome="pass", opinion="同意")
    s.decide(actor=approver, case=last, decision="approve", licence_number="L-1")
    return [Case.objects.get(pk=c.pk) for c in made]


def test_the_locked_case_reads_as_the_orm_reads_it(cases):
    windows = [0, *Window.objects.values_list("pk", flat=True)]
    seen = set()
    for field in store.WINDOW_FIELDS:
        for case in cases:
            for window in windows:
                with transaction.atomic():
                    hand = store._CASE_ROWS.instances(sql.read_together(store._lock_statement(field, case.pk, window))[0])
                    orm = list(store.lock_queryset(field, case.pk, window))
                assert [values(o, store.LOCK_EXTRAS) for o in hand] == [values(o, store.LOCK_EXTRAS) for o in orm]
                assert len(hand) == 1
                seen.add((hand[0].window_takes, hand[0].open_steps))
    assert seen == {(True, True), (True, False), (False, True), (False, False)}  # every answer was compared


def test_the_stage_holders_and_materials_read_as_the_orm_reads_them(cases):
    for case in cases:
        for step in StepTask.objects.filter(case=case):
            hand = store._STEP_ROWS.instances(sql.read_together(Statement(store._stage_sql(), [case.pk, step.pk]))[0])
            orm = list(store.stage_queryset(case.pk, step.pk))
            assert [values(o) for o in hand] == [values(o) for o in orm] and hand
        hand_holders = sql.read_together(Statement(store._holders_sql(), [case.pk]))[0]
        assert hand_holders == list(store.holders_queryset(case.pk)) and hand_holders
        hand_materials = sql.read_together(Statement(store._materials_sql(), [case.pk]))[0]
        assert sorted(hand_materials) == sorted(store.materials_queryset(case.pk)) and hand_materials


def test_the_submissions_reads_read_as_the_orm_reads_them(cases):
    for item in Item.objects.all():
        hand = store._VERSION_ROWS.instances(sql.read_together(
            Statement(store._published_sql(), [item.pk, ItemVersion.Status.PUBLISHED]))[0])
        assert [values(v) for v in hand] == [values(v) for v in store.published_queryset(item.pk)]
        hand = store._REFORM_ROWS.instances(sql.read_together(Statement(store._reforms_sql(), [item.pk]))[0])
        assert [values(r) for r in hand] == [values(r) for r in store.reforms_queryset(item.pk)]
        for window in Window.objects.all():
            for field in store.WINDOW_FIELDS:
                hand = sql.read_together(Statement(store._window_item_sql(field), [window.pk, item.pk]))[0]
                assert hand == list(store.window_item_queryset(field, window.pk, item.pk))
    assert sql.read_together(Statement(store.calendar_version_sql()))[0] == list(store.calendar_version_queryset())


def test_lock_case_gives_the_same_case_on_every_backend(cases):
    """What the services see, whichever path ran: the case with its extras and reads beside it."""
    case = cases[1]
    clerk_window = user("clerk").staff.window_id
    step = StepTask.objects.get(case=case, status="open")
    with transaction.atomic():
        locked = store.lock_case(case.pk, window_id=clerk_window, step_id=step.pk, holders=True, materials=True)
    assert values(locked) == values(Case.objects.get(pk=case.pk))
    assert locked.centre.name == case.centre.name and locked.department_name == case.department.name
    assert locked.window_items == {(clerk_window, "accept_items"): True}
    assert [st.pk for st in locked.stage_steps] == [step.pk] and locked.open_steps and not locked.refused_steps
    assert locked.material_names == set(CaseMaterial.objects.filter(case=case).values_list("name", flat=True))
    assert locked.holders[(step.department_id, step.role)] == step.assignee_id


HOT_MODELS = (Case, CaseEvent, StepTask, CaseMaterial, Notice, Outbox, AuditEntry)


def test_no_signal_receiver_is_connected_to_a_model_the_fast_path_writes():
    """core.sql writes these models by hand and sends no signal: a receiver would silently miss
    their writes. Put the receiver's work in the service instead."""
    connected = [(signal_name, model.__name__) for model in HOT_MODELS
                 for signal_name, signal in (("pre_init", pre_init), ("post_init", post_init),
                                             ("pre_save", pre_save), ("post_save", post_save),
                                             ("pre_delete", pre_delete), ("post_delete", post_delete))
                 if signal.has_listeners(model)]
    assert connected == []
