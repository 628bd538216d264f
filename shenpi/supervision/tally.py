"""The cases being watched, tallied for the dashboard's lights (issue 16).

The dashboard counts, department by department, the cases being handled or awaiting delivery
and how many of them are due soon, overdue or past the statutory limit. Counted from the cases,
every refresh read every open case: 100,000 of them in a province-sized database, most of the
dashboard's time, and more as the province grows. A case's light depends only on its state and
one or two due dates, so the open cases are tallied by department, state and those dates
(`WatchTally`), and the lights are worked out from the tally's rows: one for each department,
state and set of due dates (about 120 a department on the HTTP bench's data, docs/architecture.md).

The tally is kept by the database itself: triggers on the case table add a row of +1 for the
key a case enters and -1 for the one it leaves, in the transaction that changed the case, so no
writer (the services, a bulk recount, the exchange, a loader) can forget it. Every minute the
worker folds the rows into one a key (`rebuild`), counted again from the cases in the same
snapshot, which also mends anything done to the table behind the triggers' back. Cases are
legal records and are never deleted, so the triggers watch inserts and updates only.

A province's departments have some hundred keys each (their cases' due dates), so adding up
every key on each refresh would grow with the province (4,000 departments: 500,000 rows, 177 ms
on a 2-core VM). The fold therefore also writes each department's lights as of its day and
warning horizon (`WatchLights`); a refresh that day adds those up with the tally's rows written
since the fold, classified as it reads them. A refresh of another day or horizon (the first
minute after midnight, a calendar edited since, a worker stopped overnight) reads every key as
before: slower, never wrong.
"""

from __future__ import annotations

import datetime
import logging
from typing import Any

from django.db import connection, transaction
from django.db.models import Sum, Value
from django.utils import timezone

from shenpi.cases.lifecycle import State

from .access import scoped
from .models import WatchLights, WatchTally

log = logging.getLogger("shenpi.supervision")

TABLE = "supervision_watchtally"
LIGHTS = ("yellow", "red", "severe")
# The states in which a case is watched: being handled, or decided and awaiting delivery.
WATCHED = (State.SUBMITTED, State.AWAITING_SUPPLEMENT, State.ACCEPTED, State.SUSPENDED, State.APPROVED,
           State.DENIED)
COLUMNS = "department_id, state, acceptance_due, promised_due, statutory_due, delivery_due"
_IN = "(" + ", ".join(f"'{s.value}'" for s in WATCHED) + ")"
# Any number, the same in every server: one rebuild at a time.
_LOCK = 7_314_021_611


def key(row: str = "") -> str:
    """The tally's key of a case row (`NEW`, `OLD`, or the table's own columns): the department,
    the state, and only the dates the state's light reads."""
    p = f"{row}." if row else ""
    return (f"{p}department_id, {p}state, "
            f"CASE WHEN {p}state = 'submitted' THEN {p}acceptance_due END, "
            f"CASE WHEN {p}state = 'accepted' THEN {p}promised_due END, "
            f"CASE WHEN {p}state = 'accepted' THEN {p}statutory_due END, "
            f"CASE WHEN {p}state IN ('approved', 'denied') THEN {p}delivery_due END")


def _changed(distinct: str) -> str:
    return " OR ".join(f"OLD.{c} {distinct} NEW.{c}" for c in COLUMNS.split(", "))


def install_sql(vendor: str) -> list[str]:
    """The triggers that keep the tally, as statements for this database."""
    if vendor == "postgresql":
        return [
            f"""CREATE OR REPLACE FUNCTION supervision_watch_tally() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND OLD.state IN {_IN} THEN
    INSERT INTO {TABLE} ({COLUMNS}, n) VALUES ({key('OLD')}, -1);
  END IF;
  IF NEW.state IN {_IN} THEN
    INSERT INTO {TABLE} ({COLUMNS}, n) VALUES ({key('NEW')}, 1);
  END IF;
  RETURN NULL;
END $$""",
            f"CREATE TRIGGER supervision_watch_insert AFTER INSERT ON cases_case FOR EACH ROW "
            f"WHEN (NEW.state IN {_IN}) EXECUTE FUNCTION supervision_watch_tally()",
            f"CREATE TRIGGER supervision_watch_update AFTER UPDATE OF {COLUMNS} ON cases_case FOR EACH ROW "
            f"WHEN ((OLD.state IN {_IN} OR NEW.state IN {_IN}) AND ({_changed('IS DISTINCT FROM')})) "
            f"EXECUTE FUNCTION supervision_watch_tally()",
        ]
    return [
        f"CREATE TRIGGER supervision_watch_insert AFTER INSERT ON cases_case WHEN NEW.state IN {_IN} BEGIN "
        f"INSERT INTO {TABLE} ({COLUMNS}, n) VALUES ({key('NEW')}, 1); END",
        f"CREATE TRIGGER supervision_watch_update AFTER UPDATE OF {COLUMNS} ON cases_case "
        f"WHEN (OLD.state IN {_IN} OR NEW.state IN {_IN}) AND ({_changed('IS NOT')}) BEGIN "
        f"INSERT INTO {TABLE} ({COLUMNS}, n) SELECT {key('OLD')}, -1 WHERE OLD.state IN {_IN}; "
        f"INSERT INTO {TABLE} ({COLUMNS}, n) SELECT {key('NEW')}, 1 WHERE NEW.state IN {_IN}; END",
    ]


def uninstall_sql(vendor: str) -> list[str]:
    drops = ["DROP TRIGGER IF EXISTS supervision_watch_insert", "DROP TRIGGER IF EXISTS supervision_watch_update"]
    if vendor == "postgresql":
        return [f"{d} ON cases_case" for d in drops] + ["DROP FUNCTION IF EXISTS supervision_watch_tally()"]
    return drops


def counted_sql(*, folded: bool = False) -> str:
    """The tally's rows counted from the cases, one a key (and, with `folded`, a last column
    saying so)."""
    mark = ", TRUE" if folded else ""
    return f"SELECT {key()}, COUNT(*){mark} FROM cases_case WHERE state IN {_IN} GROUP BY 1, 2, 3, 4, 5, 6"


def installed() -> bool:
    """Whether both triggers are on the case table. (On SQLite, Django rebuilds a table to alter
    it, and the rebuilt one has no triggers: a later migration of the case table would drop
    them; the rebuild puts them back and tests/supervision/test_tally.py fails until then.)"""
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute("SELECT COUNT(*) FROM pg_trigger WHERE tgrelid = 'cases_case'::regclass AND tgname IN "
                        "('supervision_watch_insert', 'supervision_watch_update')")
        else:
            cur.execute("SELECT COUNT(*) FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'cases_case' AND "
                        "name IN ('supervision_watch_insert', 'supervision_watch_update')")
        return int(cur.fetchone()[0]) == 2


def rebuild(on: datetime.date | None = None) -> int:
    """Fold the tally into one row a key, counted again from the cases, and write each
    department's lights from it as of `on` (today); the rows the tally holds now.

    On PostgreSQL the rows are deleted and counted in one statement, which sees one snapshot: a
    change that commits meanwhile keeps its own +1 and -1 rows for the next time. Elsewhere the
    database has one writer at a time, and the transaction holds it. The folded rows are this
    transaction's alone (one rebuild at a time), so the lights are summed from exactly them.
    Triggers found missing are put back first (and logged)."""
    on = on or timezone.localdate()
    with transaction.atomic(), connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute("SELECT pg_advisory_xact_lock(%s)", [_LOCK])
        if not installed():
            log.error("the tally's triggers on the case table were missing: installed again")
            for sql in uninstall_sql(connection.vendor) + install_sql(connection.vendor):
                cur.execute(sql)
        insert = f"INSERT INTO {TABLE} ({COLUMNS}, n, folded) {counted_sql(folded=True)}"
        if connection.vendor == "postgresql":
            cur.execute(f"WITH gone AS (DELETE FROM {TABLE}) {insert}")
        else:
            cur.execute(f"DELETE FROM {TABLE}")
            cur.execute(insert)
        cur.execute(f"SELECT COUNT(*) FROM {TABLE}")
        rows = int(cur.fetchone()[0])
        # In the same transaction: a reader sees the new folded rows with their lights, or
        # neither (the old lights beside the new rows would leave out the changes folded now).
        fold_lights(on)
    return rows


def fold_lights(on: datetime.date) -> int:
    """Each department's lights as of `on` from the folded rows, in place of the last fold's;
    how many departments. Called by `rebuild` in its transaction."""
    from .selectors import warning_horizon
    soon = warning_horizon(on)
    WatchLights.objects.all().delete()
    return len(WatchLights.objects.bulk_create(
        [WatchLights(department_id=r["department_id"], on=on, soon=soon, n=r["n"],
                     **{light: r[light] for light in LIGHTS})
         for r in _summed(WatchTally.objects.filter(folded=True), on, soon)], batch_size=1000))


def _by_department(qs: Any, on: datetime.date, soon: datetime.date) -> Any:
    """Rows of the tally added up by department, as a query: how many cases (`watched`), and
    how many in each light."""
    from .selectors import light_q
    return (qs.order_by().values("department_id")
            .annotate(watched=Sum("n"), **{light: Sum("n", filter=light_q(light, on, soon)) for light in LIGHTS}))


def _summed(qs: Any, on: datetime.date, soon: datetime.date) -> list[dict]:
    """The same, read: a dictionary a department."""
    return [{"department_id": r["department_id"], "n": r["watched"], **{light: r[light] or 0 for light in LIGHTS}}
            for r in _by_department(qs, on, soon)]


def lights(user: Any, on: datetime.date, soon: datetime.date) -> list[dict]:
    """The cases being watched that the user may see, by department: how many, and how many
    are due soon, overdue and past the statutory limit (supervision.selectors.light_q, over
    the tally's rows as over the cases). From the fold's lights and the changes since it
    where the fold was made for this day and horizon, read in one statement (one snapshot: a
    fold committing between two reads would lose the changes it folded); else from every key."""
    fields = ("department_id", "n", *LIGHTS)
    folded = (scoped(WatchLights.objects.filter(on=on, soon=soon), user).order_by()
              .annotate(folded=Value(True)).values_list("folded", *fields))
    since = (_by_department(scoped(WatchTally.objects.filter(folded=False), user), on, soon)
             .annotate(is_folded=Value(False)).values_list("is_folded", "department_id", "watched", *LIGHTS))
    rows = list(folded.union(since, all=True))
    if any(row[0] for row in rows):
        # A department with no lights has no folded rows: its changes since are all it has.
        out: dict[int, dict] = {}
        for _folded, department, *counts in rows:
            mine = out.setdefault(department, {"department_id": department, "n": 0, **dict.fromkeys(LIGHTS, 0)})
            for k, v in zip(fields[1:], counts, strict=True):
                mine[k] += v or 0
        found = list(out.values())
    else:
        found = _summed(scoped(WatchTally.objects.all(), user), on, soon)
    return [r for r in found if r["n"]]
