"""An entry's before and after move from JSON columns to packed ones (core.packed): the same
values, deflated against the record's common wording (audit.packing), in about a quarter of
the bytes. Every hash is unchanged: it is taken over the values, not over how they are stored.

The entries are append-only (0003): the copy is the one write the database lets through, with
the guard lowered for it alone and raised again after, whatever happens. PostgreSQL frees the
old columns' space as rows are rewritten (VACUUM FULL to free it at once; docs/deploy.md)."""

from contextlib import contextmanager

from django.db import migrations

import shenpi.core.packed

RECORD_DICTIONARIES = "shenpi.audit.packing.RECORD_DICTIONARIES"


@contextmanager
def _writable(schema_editor):
    """The append-only guard lowered for the copy, then set back as it was."""
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE audit_auditentry DISABLE TRIGGER USER")
            try:
                yield
            finally:
                cursor.execute("ALTER TABLE audit_auditentry ENABLE TRIGGER USER")
        elif connection.vendor == "sqlite":
            cursor.execute("SELECT enabled FROM audit_guard")
            row = cursor.fetchone()
            cursor.execute("UPDATE audit_guard SET enabled = 0")
            try:
                yield
            finally:
                cursor.execute("UPDATE audit_guard SET enabled = %s", [row[0] if row else 1])
        else:
            yield


class Migration(migrations.Migration):

    dependencies = [("audit", "0005_entries_do_not_repeat_the_previous_hash")]

    operations = [
        migrations.AddField(
            model_name="auditentry", name="before_packed",
            field=shenpi.core.packed.PackedJSONField(
                blank=True, null=True, dictionaries=RECORD_DICTIONARIES, verbose_name="before")),
        migrations.AddField(
            model_name="auditentry", name="after_packed",
            field=shenpi.core.packed.PackedJSONField(
                blank=True, null=True, dictionaries=RECORD_DICTIONARIES, verbose_name="after")),
        shenpi.core.packed.packing_operation("audit", "AuditEntry", ["before", "after"], guard=_writable),
        migrations.RemoveField(model_name="auditentry", name="before"),
        migrations.RemoveField(model_name="auditentry", name="after"),
        migrations.RenameField(model_name="auditentry", old_name="before_packed", new_name="before"),
        migrations.RenameField(model_name="auditentry", old_name="after_packed", new_name="after"),
    ]
