"""core.sql outside any transaction: what it refuses and what it owns."""

import io

import pytest
from django.core.management import call_command
from django.db import connection, transaction

from shenpi.cases.models import Outbox
from shenpi.core import sql

from .conftest import window_case

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("seeded", "audit_flushable")]


def a_case(on):
    call_command("demo-data", stdout=io.StringIO())
    on(2026, 3, 2)
    return window_case()


def test_queued_writes_outside_a_transaction_are_refused(on):
    """Writes that must land together would not: the block refuses before anything is written."""
    case = a_case(on)
    before = Outbox.objects.count()
    with pytest.raises(transaction.TransactionManagementError, match="need a transaction"), sql.queued():
        sql.insert(Outbox(case=case, phone="13800138000", body="alone"), need_pk=False)
    assert Outbox.objects.count() == before


def test_a_batch_is_its_own_transaction_and_a_write_after_it_is_a_new_one(on):
    """sql.batch() owns its transaction: its COMMIT may go with its writes, so nothing can be
    written after that COMMIT inside it; a later write is visibly a transaction of its own."""
    case = a_case(on)
    assert not connection.in_atomic_block
    with sql.batch():
        assert connection.in_atomic_block
        sql.insert(Outbox(case=case, phone="13800138000", body="in the batch"), need_pk=False)
    assert not connection.in_atomic_block
    assert Outbox.objects.filter(body="in the batch").count() == 1


