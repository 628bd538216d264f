"""The lifecycle's queued writes (core.sql) against the real database, and what the transport refuses."""

import pytest
from django.db import transaction

from shenpi.audit.models import AuditEntry
from shenpi.audit.services import chain_problem, record
from shenpi.cases import services as s
from shenpi.cases.models import Case, CaseEvent, Outbox
from shenpi.core import sql
from shenpi.core.sql import Statement, Writes

from .conftest import applicant, user, window_case

pytestmark = pytest.mark.usefixtures("demo")


def a_case(on):
    on(2026, 3, 2)
    return window_case()


def test_queued_writes_are_sent_at_the_end_of_the_block_and_all_land(on):
    case = a_case(on)
    before = Outbox.objects.count()
    with transaction.atomic():
        with sql.queued():
            for n in range(3):
                sql.insert(Outbox(case=case, phone="13800138000", body=f"message {n}"), need_pk=False)
            case.applicant_name = "李四"
            sql.update(case, ("applicant_name",))
            entry = record(actor=user("clerk"), action="test.queued", obj=case)
            assert Outbox.objects.count() == before  # nothing sent yet
        assert Outbox.objects.count() == before + 3
    assert Case.objects.get(pk=case.pk).applicant_name == "李四"
    assert entry.seq == AuditEntry.objects.order_by("-seq").first().seq and entry.hash
    assert chain_problem() is None


def test_an_error_in_the_block_sends_nothing(on):
    case = a_case(on)
    before = Outbox.objects.count()
    with pytest.raises(ZeroDivisionError), transaction.atomic(), sql.queued():
        sql.insert(Outbox(case=case, phone="13800138000", body="never"), need_pk=False)
        1 / 0  # noqa: B018
    assert Outbox.objects.count() == before


def test_a_row_updated_twice_is_never_folded_into_one_statement(on):
    """In one statement only one of two updates of a row would take effect: such writes are
    sent one by one, and the second wins, as in the code."""
    case = a_case(on)
    writes = Writes()
    writes.add(Statement("UPDATE cases_case SET applicant_name = %s WHERE id = %s", ["甲", case.pk]),
               target=("cases_case", case.pk))
    writes.add(Statement("UPDATE cases_case SET applicant_name = %s WHERE id = %s", ["乙", case.pk]),
               target=("cases_case", case.pk))
    assert writes._composed(writes.items) is None
    with transaction.atomic():
        writes.flush()
    assert Case.objects.get(pk=case.pk).applicant_name == "乙"


def test_an_instant_item_accepted_and_decided_in_one_visit_keeps_both_events(on):
    on(2026, 3, 2)
    clerk = user("clerk")
    from shenpi.catalog.models import ItemVersion
    version = ItemVersion.objects.filter(status="published", category="instant",
                                         item__in=clerk.staff.window.decide_items.all()).first()
    papers = [m.name for m in version.materials.filter(requirement="required")]
    instant = s.submit(actor=clerk, item=version.item, channel="window", paper_materials=papers, **applicant())
    s.decide(actor=clerk, case=instant, decision="approve", licence_number="JB-1")
    instant.refresh_from_db()
    assert instant.state == "approved" and instant.accepted_on is not None
    assert list(CaseEvent.objects.filter(case=instant).values_list("seq", "action")) == [
        (1, "submit"), (2, "accept"), (3, "decide")]
    assert instant.row_version == 3
    assert chain_problem() is None


def test_a_model_with_a_save_receiver_or_a_database_default_is_not_written_by_hand():
    from django.db import models
    from django.db.models.signals import pre_save

    from shenpi.core.sql import _check_model

    def receiver(**kwargs):
        pass

    pre_save.connect(receiver, sender=Outbox)
    try:
        with pytest.raises(TypeError, match="save-signal receivers"):
            sql._checked.pop(Outbox, None)
            _check_model(Outbox)
    finally:
        pre_save.disconnect(receiver, sender=Outbox)
        sql._checked.pop(Outbox, None)

    from django.test.utils import isolate_apps

    with isolate_apps("shenpi.cases"):
        class Defaulted(models.Model):  # noqa: DJ008
            made = models.DateTimeField(db_default=models.functions.Now())

            class Meta:
                app_label = "cases"

        with pytest.raises(TypeError, match="computed by the database"):
            _check_model(Defaulted)
