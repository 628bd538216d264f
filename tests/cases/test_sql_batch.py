"""The batch runner of core.sql on PostgreSQL: several statements sent together through psycopg's
public pipeline (a lone one through a plain cursor), the queued writes composed into one
statement and sent with the COMMIT. psycopg waits for the answer to a transaction's BEGIN before the statements after
it, so a transaction's first batch costs that round trip too."""

import io
import tempfile
from datetime import datetime
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext

from shenpi.cases.models import Outbox
from shenpi.core import sql
from shenpi.core.sql import Statement, read_together

from .conftest import window_case

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql" or not connection.settings_dict["OPTIONS"].get("server_side_binding"),
        reason="the batch runner is used on PostgreSQL with server-side binding only (CI runs it there)"),
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("seeded", "audit_flushable"),
]


class Trace:
    """libpq's own protocol trace of the connection: which messages went each way, in order."""

    def __enter__(self):
        connection.ensure_connection()
        self.pgconn = connection.connection.pgconn
        self.file = tempfile.TemporaryFile("w+")
        self.pgconn.trace(self.file.fileno())
        return self

    def __exit__(self, *exc):
        self.pgconn.untrace()
        self.file.seek(0)
        self.lines = [line.split("\t") for line in self.file.read().splitlines() if "\t" in line]
        self.file.close()
        return False

    def _messages(self):
        for fields in self.lines:
            if fields[0] not in ("F", "B"):  # a timestamp first
                fields = fields[1:]
            yield fields[0], fields[2], fields[3] if len(fields) > 3 else ""

    def directions(self) -> str:
        """'F' for each message to the server, 'B' for each from it, runs collapsed: 'FB' is
        one round trip."""
        out = ""
        for way, _message, _rest in self._messages():
            if not out.endswith(way):
                out += way
        return out

    def completed(self) -> list[str]:
        """The server's command tags, in order: BEGIN, SELECT 1, INSERT 0 1, COMMIT …"""
        return [rest.strip().strip('"') for way, message, rest in self._messages()
                if way == "B" and message == "CommandComplete"]


def test_a_transactions_reads_are_one_round_trip_after_its_begin_and_values_come_back_as_djangos():
    with transaction.atomic(), Trace() as trace:
        rows = read_together(
            Statement("SELECT %s::timestamptz, %s::numeric, %s::text, NULL::int",
                       [datetime.fromisoformat("2026-03-02T10:00:00+08:00"), Decimal("12.50"), "受理"]),
            Statement("SELECT generate_series(1, %s)", [3]),
        )
    assert trace.directions() == "FBFB"  # BEGIN, then both reads in one round trip
    assert trace.completed() == ["BEGIN", "SELECT 1", "SELECT 3"]
    (when, amount, text, nothing), = rows[0]
    assert when == datetime.fromisoformat("2026-03-02T02:00:00+00:00") and when.tzinfo is not None
    assert (amount, text, nothing) == (Decimal("12.50"), "受理", None)
    assert rows[1] == [(1,), (2,), (3,)]


def test_a_lone_read_outside_a_transaction_goes_as_a_batch_of_one_without_begin():
    through_cursor = []
    with Trace() as trace, connection.execute_wrapper(lambda execute, *args: through_cursor.append(args[0])):
        assert read_together(Statement("SELECT %s::int", [5]))[0] == [(5,)]
    assert through_cursor == []  # not through Django's cursor
    assert trace.directions() == "FB"
    assert trace.completed() == ["SELECT 1"]  # autocommit: no BEGIN


def test_placeholders_and_percent_signs_read_as_django_writes_them():
    with transaction.atomic():
        rows = read_together(Statement("SELECT %s || '%%', '%%s', %s::int", ["100", 5]))
    assert rows[0] == [("100%", "%s", 5)]
    with pytest.raises(ValueError, match="percent sign"), transaction.atomic():
        read_together(Statement("SELECT '5%' || %s", ["x"]))
    with pytest.raises(Exception, match="2 placeholders but 1 parameters"), transaction.atomic():
        read_together(Statement("SELECT %s, %s", ["x"]))


def test_the_writes_and_the_commit_share_one_round_trip(seeded_case):
    with Trace() as trace, sql.batch():
        for n in range(2):
            sql.insert(Outbox(case=seeded_case, phone="13800138000", body=f"batch {n}"), need_pk=False)
    # BEGIN (psycopg waits for its answer); then the two rows in one statement and the COMMIT,
    # in one round trip; Django's commit at the block's end finds the transaction over.
    assert trace.completed() == ["BEGIN", "INSERT 0 1", "COMMIT"]
    assert trace.directions() == "FBFB"
    assert not connection.connection.info.transaction_status.name.startswith("INTRANS")
    assert sum(m.body.startswith("batch ") for m in Outbox.objects.all()) == 2


def test_an_error_in_the_middle_of_a_batch_is_djangos_error_and_nothing_of_it_lands(seeded_case):
    before = Outbox.objects.count()
    with pytest.raises(Exception) as raised, transaction.atomic(), sql.queued() as writes:
        sql.insert(Outbox(case=seeded_case, phone="13800138000", body="first"))  # reads its key back
        writes.add(Statement("SELECT 1 / %s", [0]), on_rows=lambda rows: None)
        sql.insert(Outbox(case=seeded_case, phone="13800138000", body="third"), need_pk=False)
    assert type(raised.value).__module__ == "django.db.utils" and "division by zero" in str(raised.value)
    assert Outbox.objects.count() == before
    with transaction.atomic():  # the connection is usable again
        assert read_together(Statement("SELECT %s", [7]))[0] == [(7,)]


def test_a_commit_that_fails_in_the_batch_raises_integrity_error_and_commits_nothing(seeded_case):
    """Foreign keys are checked at COMMIT on PostgreSQL (Django makes them deferred): the COMMIT
    sent in the writes' batch is the statement that fails."""
    before = Outbox.objects.count()
    with pytest.raises(IntegrityError), sql.batch():
        sql.insert(Outbox(case=seeded_case, phone="13800138000", body="kept?"), need_pk=False)
        sql.insert(Outbox(case_id=seeded_case.pk + 10_000, phone="13800138000", body="no such case"), need_pk=False)
    assert Outbox.objects.count() == before
    assert not connection.in_atomic_block


def test_statements_are_prepared_after_the_threshold_and_survive_psycopgs_deallocate_after_rollback():
    connection.ensure_connection()
    threshold = connection.connection.prepare_threshold
    assert threshold is not None
    read = Statement("SELECT %s::int + 40", [2])

    def prepared_names():
        with connection.cursor() as cursor:
            cursor.execute("SELECT name FROM pg_prepared_statements WHERE statement LIKE %s", ["%+ 40%"])
            return [name for (name,) in cursor.fetchall()]

    for _ in range(threshold + 2):
        with transaction.atomic():
            assert read_together(read)[0] == [(42,)]
    assert len(prepared_names()) == 1
    with connection.cursor() as cursor:  # psycopg prepares statements of its own, too
        for _ in range(threshold + 2):
            cursor.execute("SELECT %s::int", [1])
    with pytest.raises(ZeroDivisionError), transaction.atomic():
        read_together(read)
        1 / 0  # noqa: B018 - a rollback: psycopg then deallocates every prepared statement
    for _ in range(threshold + 2):
        with transaction.atomic():
            assert read_together(read)[0] == [(42,)]
    assert len(prepared_names()) == 1


def test_batched_statements_show_in_djangos_query_log():
    with CaptureQueriesContext(connection) as queries, transaction.atomic():
        read_together(Statement("SELECT %s", [1]), Statement("SELECT %s + 1", [1]))
    logged = [q["sql"] for q in queries.captured_queries]
    assert any(q.startswith("SELECT %s + 1") for q in logged), logged


@pytest.fixture
def seeded_case(on):
    """One case submitted at the demo centre's window."""
    call_command("demo-data", stdout=io.StringIO())
    on(2026, 3, 2)
    return window_case()


def test_a_connection_lost_during_a_batch_is_a_database_error_and_the_next_connection_works():
    import psycopg
    from django.db import DatabaseError

    connection.ensure_connection()
    pid = connection.connection.info.backend_pid
    with pytest.raises(DatabaseError) as lost, transaction.atomic():
        read_together(Statement("SELECT 1"))  # the transaction has begun
        with psycopg.connect(connection.connection.info.dsn, autocommit=True) as other:
            other.execute("SELECT pg_terminate_backend(%s)", [pid])
        read_together(Statement("SELECT %s", [1]), Statement("SELECT %s", [2]))
    # libpq reports whichever it reads first: the server's own notice of the termination, or
    # the closed socket (psycopg's pipeline reads as it sends, so either can come first).
    assert any(m in str(lost.value) for m in ("server closed the connection", "terminating connection")), lost.value
    connection.close_if_unusable_or_obsolete()
    with transaction.atomic():
        assert read_together(Statement("SELECT %s", [3]))[0] == [(3,)]


def test_the_batchs_begin_carries_the_connections_isolation_level():
    from psycopg import IsolationLevel
    connection.ensure_connection()
    connection.connection.isolation_level = IsolationLevel.SERIALIZABLE
    try:
        with transaction.atomic():
            rows = read_together(Statement("SHOW transaction_isolation"))
    finally:
        connection.connection.isolation_level = None
    assert rows[0] == [("serializable",)]
