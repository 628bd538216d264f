"""The migrations that pack notice and message texts (cases 0016, 0017), event payloads (cases
0018) and audit entries' values (audit 0006) keep every one: undone they give back the JSON and
plain text they took, redone the same values read back packed, and the audit chain still holds
and still refuses changes."""

import io
import json

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from django.db.migrations.executor import MigrationExecutor

from shenpi.audit.models import AuditEntry
from shenpi.audit.services import first_broken_entry
from shenpi.cases.models import CaseEvent, Notice, Outbox


def _migrate(targets=None) -> None:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets or executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_the_packing_migrations_keep_every_text(seeded, audit_flushable):
    call_command("demo-data", "--cases", stdout=io.StringIO())
    notices = dict(Notice.objects.values_list("pk", "body"))
    messages = dict(Outbox.objects.values_list("pk", "body"))
    assert len(notices) > 50 and len(messages) > 50
    try:
        _migrate([("cases", "0015_archive_is_one_deflated_document")])
        with connection.cursor() as cursor:
            cursor.execute("SELECT id, body FROM cases_notice")
            before = {pk: json.loads(body) if isinstance(body, str) else body for pk, body in cursor.fetchall()}
            cursor.execute("SELECT id, body FROM cases_outbox")
            plain = dict(cursor.fetchall())
        assert before == notices and plain == messages
    finally:
        _migrate()
    assert dict(Notice.objects.values_list("pk", "body")) == notices
    assert dict(Outbox.objects.values_list("pk", "body")) == messages


def _json(value):
    return json.loads(value) if isinstance(value, str) else value


@pytest.mark.django_db(transaction=True)
def test_the_record_packing_migrations_keep_every_value_and_the_chain(seeded, audit_flushable):
    call_command("demo-data", "--cases", stdout=io.StringIO())
    payloads = dict(CaseEvent.objects.values_list("pk", "payload"))
    values = {seq: (b, a) for seq, b, a in AuditEntry.objects.values_list("seq", "before", "after")}
    assert len(payloads) > 100 and sum(1 for b, a in values.values() if a) > 100
    assert any(b is None for b, a in values.values())  # NULL stays NULL, not the JSON null
    hashes = dict(AuditEntry.objects.values_list("seq", "hash"))
    assert all(len(h) == 64 for h in hashes.values())
    try:
        _migrate([("cases", "0017_message_text_packed"), ("audit", "0005_entries_do_not_repeat_the_previous_hash")])
        with connection.cursor() as cursor:
            cursor.execute("SELECT id, payload FROM cases_caseevent")
            assert {pk: _json(p) for pk, p in cursor.fetchall()} == payloads
            cursor.execute("SELECT seq, before, after FROM audit_auditentry")
            assert {pk: (_json(b), _json(a)) for pk, b, a in cursor.fetchall()} == values
            cursor.execute("SELECT seq, hash FROM audit_auditentry")  # hex text again, under an id
            assert dict(cursor.fetchall()) == hashes
    finally:
        _migrate()
    assert dict(CaseEvent.objects.values_list("pk", "payload")) == payloads
    assert {seq: (b, a) for seq, b, a in AuditEntry.objects.values_list("seq", "before", "after")} == values
    assert dict(AuditEntry.objects.values_list("seq", "hash")) == hashes
    assert first_broken_entry() is None
    # The copy lowered the append-only guard for itself alone.
    entry = AuditEntry.objects.order_by("seq").first()
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEntry.objects.filter(pk=entry.pk).update(actor_name="someone else")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEntry.objects.filter(pk=entry.pk).delete()
