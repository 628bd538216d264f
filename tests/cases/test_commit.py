"""A transition outside any transaction: its writes and its COMMIT may share a round trip
(core.sql.queued(commit=True)); everything must still be committed once, and the messages
queued with it must be there for the worker to send, each under its real key."""

import io

import pytest
from django.core.management import call_command
from django.db import connection

from shenpi.audit.services import chain_problem
from shenpi.cases import services as s
from shenpi.cases.models import Case, CaseEvent, Outbox

from .conftest import user, window_case

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("seeded", "audit_flushable")]
SENT = []


def remember(outbox_id):
    """A stand-in for the SMS gateway adapter: note what would be sent, read from the database."""
    SENT.append(Outbox.objects.get(pk=outbox_id).body)
    return True


def test_outermost_transitions_commit_their_writes_and_their_messages(settings, on):
    call_command("demo-data", stdout=io.StringIO())
    settings.SHENPI_SMS_SENDER = "tests.cases.test_commit.remember"
    SENT.clear()
    on(2026, 3, 2)
    assert not connection.in_atomic_block
    case = window_case()
    s.accept(actor=user("clerk"), case=case)
    assert not connection.in_atomic_block
    assert connection.connection.info.transaction_status.name == "IDLE" if connection.vendor == "postgresql" else True
    assert Case.objects.get(pk=case.pk).state == "accepted"
    assert list(CaseEvent.objects.filter(case=case).values_list("seq", flat=True)) == [1, 2]
    from shenpi.cases.notify import deliver_outbox
    assert deliver_outbox().done == 2
    assert len(SENT) == 2 and case.number in SENT[0] and "已受理" in SENT[1]
    assert chain_problem() is None
