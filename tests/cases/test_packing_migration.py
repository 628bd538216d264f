"""The migrations that pack notice and message texts (cases 0016, 0017) keep every text: undone
they give back the JSON and plain text they took, redone the same texts read back packed."""

import io
import json

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from shenpi.cases.models import Notice, Outbox


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
