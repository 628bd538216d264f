"""The audit record: append-only in the database, verified by `shenpi audit verify`."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, IntegrityError, connection, transaction

from shenpi.audit.models import AuditEntry

pytestmark = pytest.mark.django_db


def behind_the_applications_back(sql, params=()):
    """What someone with direct database access could do: switch the guard off and write."""
    with connection.cursor() as cur:
        if connection.vendor == "sqlite":
            cur.execute("UPDATE audit_guard SET enabled = 0")
            cur.execute(sql, params)
            cur.execute("UPDATE audit_guard SET enabled = 1")
        else:
            cur.execute("ALTER TABLE audit_auditentry DISABLE TRIGGER audit_no_change")
            cur.execute(sql, params)
            cur.execute("ALTER TABLE audit_auditentry ENABLE TRIGGER audit_no_change")


@pytest.fixture
def guarded(db):
    if connection.vendor == "sqlite":
        with connection.cursor() as cur:
            cur.execute("UPDATE audit_guard SET enabled = 1")


def test_database_refuses_updates_and_deletes(guarded, admin_user, centre):
    entry = AuditEntry.objects.first()
    for attempt in (lambda: AuditEntry.objects.filter(pk=entry.pk).update(actor_name="mallory"),
                    lambda: AuditEntry.objects.filter(pk=entry.pk).delete()):
        with pytest.raises((IntegrityError, DatabaseError)), transaction.atomic():
            attempt()
    entry.refresh_from_db()
    assert entry.actor_name == "root"


def test_verify_passes_on_demo_data_and_names_the_altered_entry(guarded):
    call_command("demo-data", stdout=io.StringIO())
    out = io.StringIO()
    call_command("audit", "verify", stdout=out)
    assert "audit chain holds" in out.getvalue()
    victim = AuditEntry.objects.order_by("seq")[40]
    behind_the_applications_back("UPDATE audit_auditentry SET after = %s WHERE id = %s", ['{"forged": true}', victim.pk])
    with pytest.raises(CommandError) as e:
        call_command("audit", "verify", stdout=io.StringIO())
    assert f"#{victim.seq}" in str(e.value) and e.value.returncode == 1


@pytest.mark.parametrize("which", [1, -1])
def test_verify_names_a_deleted_entry(guarded, admin_user, centre, dept, dept2, which):
    entries = list(AuditEntry.objects.order_by("seq"))
    victim = entries[which]
    behind_the_applications_back("DELETE FROM audit_auditentry WHERE id = %s", [victim.pk])
    with pytest.raises(CommandError) as e:
        call_command("audit", "verify", stdout=io.StringIO())
    # A gap shows at the entry after it; a cut-off tail at the first missing one.
    assert f"#{victim.seq + 1 if which == 1 else victim.seq}" in str(e.value)
