"""Entries stop repeating the previous entry's hash: the chain is checked in sequence order,
where the entry before gives it (audit.services.first_broken_entry). Every hash is unchanged.
PostgreSQL frees the column's space as rows are rewritten (VACUUM FULL to free it at once)."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('audit', '0004_linked_chain'),
    ]

    operations = [
        migrations.RemoveField(
            model_name='auditentry',
            name='prev_hash',
        ),
    ]
