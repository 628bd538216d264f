"""The database itself refuses to change or delete an audit entry (design.md, The audit record).

On SQLite the triggers consult audit_guard, a table outside Django's models that stays 1 in
every real database; test runs set it to 0 only to let Django empty tables between
transactional tests. PostgreSQL empties tables with TRUNCATE, which row triggers do not see.
"""

from django.db import migrations

SQLITE = [
    "CREATE TABLE IF NOT EXISTS audit_guard (enabled INTEGER NOT NULL)",
    "INSERT INTO audit_guard (enabled) SELECT 1 WHERE NOT EXISTS (SELECT 1 FROM audit_guard)",
    """CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit_auditentry
       WHEN (SELECT enabled FROM audit_guard) = 1
       BEGIN SELECT RAISE(ABORT, 'audit entries are append-only'); END""",
    """CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit_auditentry
       WHEN (SELECT enabled FROM audit_guard) = 1
       BEGIN SELECT RAISE(ABORT, 'audit entries are append-only'); END""",
]
SQLITE_REVERSE = ["DROP TRIGGER IF EXISTS audit_no_update", "DROP TRIGGER IF EXISTS audit_no_delete",
                  "DROP TABLE IF EXISTS audit_guard"]
POSTGRES = [
    """CREATE OR REPLACE FUNCTION audit_append_only() RETURNS trigger AS $$
       BEGIN RAISE EXCEPTION 'audit entries are append-only'; END; $$ LANGUAGE plpgsql""",
    """CREATE TRIGGER audit_no_change BEFORE UPDATE OR DELETE ON audit_auditentry
       FOR EACH ROW EXECUTE FUNCTION audit_append_only()""",
]
POSTGRES_REVERSE = ["DROP TRIGGER IF EXISTS audit_no_change ON audit_auditentry",
                    "DROP FUNCTION IF EXISTS audit_append_only()"]


def run(statements):
    def apply(apps, schema_editor):
        vendor = schema_editor.connection.vendor
        for sql in statements.get(vendor, []):
            schema_editor.execute(sql)
    return apply


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_head")]
    operations = [migrations.RunPython(run({"sqlite": SQLITE, "postgresql": POSTGRES}),
                                       run({"sqlite": SQLITE_REVERSE, "postgresql": POSTGRES_REVERSE}))]
