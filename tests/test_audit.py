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
    forged = AuditEntry._meta.get_field("after").get_db_prep_save({"forged": True}, connection)
    behind_the_applications_back("UPDATE audit_auditentry SET after = %s WHERE seq = %s", [forged, victim.pk])
    with pytest.raises(CommandError) as e:
        call_command("audit", "verify", stdout=io.StringIO())
    assert f"#{victim.seq}" in str(e.value) and e.value.returncode == 1


@pytest.mark.parametrize("which", [1, -1])
def test_verify_names_a_deleted_entry(guarded, admin_user, centre, dept, dept2, which):
    entries = list(AuditEntry.objects.order_by("seq"))
    victim = entries[which]
    behind_the_applications_back("DELETE FROM audit_auditentry WHERE seq = %s", [victim.pk])
    with pytest.raises(CommandError) as e:
        call_command("audit", "verify", stdout=io.StringIO())
    # A gap shows at the entry after it; a cut-off tail at the first missing one.
    assert f"#{victim.seq + 1 if which == 1 else victim.seq}" in str(e.value)


def test_entries_of_the_first_scheme_are_checked_against_the_entry_before(guarded):
    """Entries written before the linked scheme (seq < the head's linked_from) hash the previous
    entry's hash with everything else; with no previous hash stored, verify takes it from the
    entry before, and still names a forged one."""
    from django.utils import timezone

    from shenpi.audit.models import AuditHead
    from shenpi.audit.services import GENESIS, entry_hash, record

    behind_the_applications_back("DELETE FROM audit_auditentry")
    prev, at = GENESIS, timezone.now()
    for seq in (1, 2):
        fields = {"at": at, "actor_id": None, "actor_name": "system", "action": "test.old", "object_type": "test",
                  "object_id": str(seq), "object_repr": f"old {seq}", "before": None, "after": {"n": seq}}
        prev = entry_hash(seq=seq, **fields, prev_hash=prev)
        AuditEntry.objects.create(seq=seq, hash=prev, **fields)
    AuditHead.objects.update_or_create(pk=1, defaults={"seq": 2, "hash": prev, "prev_hash": GENESIS,
                                                        "linked_from": 3})
    record(actor=None, action="test.new", object_type="test", object_id="3")
    out = io.StringIO()
    call_command("audit", "verify", stdout=out)
    assert "audit chain holds: 3 entries" in out.getvalue()
    behind_the_applications_back("UPDATE audit_auditentry SET object_repr = 'forged' WHERE seq = 2")
    with pytest.raises(CommandError) as e:
        call_command("audit", "verify", stdout=io.StringIO())
    assert "#2" in str(e.value)


def test_a_damaged_stored_value_is_named_by_verify_not_a_crash(guarded, admin_user, centre, dept, dept2, caplog):
    """A value damaged on disk (bytes no dictionary inflates) reads as unreadable, is logged,
    and verify names its entry instead of stopping on it."""
    victim = AuditEntry.objects.order_by("seq")[1]
    behind_the_applications_back("UPDATE audit_auditentry SET after = %s WHERE seq = %s", [b"\x01not deflate", victim.pk])
    assert AuditEntry.objects.get(pk=victim.pk).after == {"unreadable": b"\x01not deflate".hex()}
    assert "unreadable packed value in audit.AuditEntry.after" in caplog.text
    with pytest.raises(CommandError) as e:
        call_command("audit", "verify", stdout=io.StringIO())
    assert f"#{victim.seq}" in str(e.value)
