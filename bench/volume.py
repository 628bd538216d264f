"""Benchmark: Shenpi with province-size history (issue 16, item 3). A fresh PostgreSQL database
gets the demo centre with its living cases (made through the services), then 2,000,000
completed cases and 100,000 open ones copied from the demo's own cases in SQL
(INSERT ... SELECT over generate_series, in chunks): every case with its steps, events,
notices, messages, material records, fees and audit entries, as real handling left them,
received over the last five years. Then it measures, in one process through Django's test
client (no HTTP, so the figures are the application's and the database's): the staff task
list, a department queue, case search, the public lookup, a case page, the cases API (first
page and a page a million rows deep), the supervision dashboard, cards and figures, and one
overtime sweep; and the storage per completed case, table by table and index by index, with
the indexes this workload never used. Writes bench/results/volume.txt.

Run: .venv/bin/python bench/volume.py [--done N] [--open N] [--chunk N] [--keep NAME]
Needs PostgreSQL on 127.0.0.1:5432. Targets: p95 < 100 ms for each read; <= 5 KB per
completed case (tables and indexes, no uploads), so 100 million cases fit in 500 GB.
"""

from __future__ import annotations

import sys
from pathlib import Path

# Run as a script, this file's folder comes first on the path, and bench/http.py would hide the
# standard library's `http` package: take the folder off.
if sys.path and Path(sys.path[0]).resolve() == Path(__file__).resolve().parent:
    del sys.path[0]

import argparse  # noqa: E402
import os  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import time  # noqa: E402
from datetime import datetime  # noqa: E402
from zoneinfo import ZoneInfo  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
sys.path.insert(0, str(ROOT))
from bench.common import PG_ADMIN, machine  # noqa: E402

# The tables a case's handling writes rows to, keyed by the column naming the case.
CHILDREN = ["cases_steptask", "cases_caseevent", "cases_notice", "cases_outbox", "cases_casematerial",
            "cases_feecharge", "cases_extension", "cases_supplementnotice", "cases_suspension"]
CASE_TABLES = ["cases_case", *CHILDREN, "audit_auditentry", "cases_casearchive"]


def names(cols) -> str:
    return ", ".join(f'"{c}"' for c, _ in cols)


def columns(cur, table):
    cur.execute("SELECT column_name, data_type FROM information_schema.columns WHERE table_name = %s "
                "AND column_name <> 'id' ORDER BY ordinal_position", [table])
    return cur.fetchall()


def shifted(col, kind, alias):
    """A date or time column moved back by the copy's shift (days); anything else as it is."""
    if kind == "date":
        return f'{alias}."{col}" - (m.shift)::int'
    if kind.startswith("timestamp"):
        return f'{alias}."{col}" - make_interval(days => (m.shift)::int)'
    return f'{alias}."{col}"'


def grow(cur, *, prefix, first, last, templates, spread, log):
    """Copies first..last of the template cases (round robin), each moved back by up to
    `spread` days, with everything handling wrote about them."""
    k = len(templates)
    cols = columns(cur, "cases_case")
    exprs = []
    for col, kind in cols:
        if col == "number":
            exprs.append(f"'{prefix}' || lpad(g::text, 12, '0')")  # shaped as a real number
        elif col == "idempotency_key":
            exprs.append("NULL")
        else:
            exprs.append(shifted(col, kind, "t").replace("m.shift", f"mod(g * 7919, {spread})" if spread else "0"))
    cur.execute("DROP TABLE IF EXISTS copy_map; CREATE TEMP TABLE copy_map (new_id bigint, tmpl_id bigint, shift int, number text)")
    cur.execute(f"""
        WITH ins AS (
            INSERT INTO cases_case ({names(cols)})
            SELECT {", ".join(exprs)} FROM generate_series(%s::bigint, %s::bigint) g
            JOIN cases_case t ON t.id = (%s::bigint[])[1 + mod(g, {k})]
            RETURNING id, number)
        INSERT INTO copy_map SELECT id, (%s::bigint[])[1 + mod(substr(number, 3)::bigint, {k})],
               CASE WHEN {spread} > 0 THEN mod(substr(number, 3)::bigint * 7919, {spread}) ELSE 0 END, number
        FROM ins""",
                [first, last, templates, templates])
    cur.execute("CREATE INDEX ON copy_map (tmpl_id)")
    for table in CHILDREN:
        cols = columns(cur, table)
        exprs = []
        for col, kind in cols:
            if col == "case_id":
                exprs.append("m.new_id")
            elif table == "cases_notice" and col == "number":
                # numbered as the service numbers them: the case's number and the notice's suffix
                exprs.append("m.number || regexp_replace(c.number, '^.*-', '-')")
            elif table == "cases_outbox" and col == "sent_at":
                # the demo has no SMS gateway; a real centre's old messages were all sent
                exprs.append(shifted("created_at", "timestamp", "c"))
            else:
                exprs.append(shifted(col, kind, "c"))
        cur.execute(f"INSERT INTO {table} ({names(cols)}) SELECT {', '.join(exprs)} "
                    f"FROM {table} c JOIN copy_map m ON c.case_id = m.tmpl_id")
    cols = columns(cur, "audit_auditentry")
    exprs = []
    for col, kind in cols:
        exprs.append({"seq": "nextval('copy_seq')", "object_id": "m.new_id::text"}.get(col) or shifted(col, kind, "a"))
    cur.execute(f"INSERT INTO audit_auditentry ({names(cols)}) SELECT {', '.join(exprs)} "
                "FROM audit_auditentry a JOIN copy_map m ON a.object_type = 'cases.case' AND a.object_id = m.tmpl_id::text")
    log(f"  {prefix} {first:,}..{last:,}")


def load(done: int, open_: int, chunk: int) -> float:
    from django.db import connection, transaction
    t0 = time.perf_counter()
    with connection.cursor() as cur:
        cur.execute("SELECT id FROM cases_case WHERE state IN ('delivered', 'refused') AND external_system = '' "
                    "AND id IN (SELECT case_id FROM cases_caseevent) ORDER BY id")
        finished = [r[0] for r in cur.fetchall()]
        cur.execute("SELECT DISTINCT c.id FROM cases_case c JOIN cases_steptask s ON s.case_id = c.id "
                    "WHERE c.state = 'accepted' AND s.status = 'open' ORDER BY c.id")
        running = [r[0] for r in cur.fetchall()]
        cur.execute("SELECT coalesce(max(seq), 0) + 1 FROM audit_auditentry")
        cur.execute(f"CREATE SEQUENCE IF NOT EXISTS copy_seq START {cur.fetchone()[0]}")
    print(f"templates: {len(finished)} completed, {len(running)} open demo cases", flush=True)
    for first in range(1, done + 1, chunk):
        with transaction.atomic(), connection.cursor() as cur:
            grow(cur, prefix="VB", first=first, last=min(first + chunk - 1, done), templates=finished, spread=1825,
                 log=lambda m: print(m, flush=True))
    for first in range(1, open_ + 1, chunk):
        with transaction.atomic(), connection.cursor() as cur:
            grow(cur, prefix="WB", first=first, last=min(first + chunk - 1, open_), templates=running, spread=0,
                 log=lambda m: print(m, flush=True))
    with connection.cursor() as cur:
        # The copies' audit entries took sequence numbers past the chain's tip: move the tip to
        # the last of them, so what the application appends next follows on (the copies are
        # storage, not a chain `shenpi audit verify` would accept).
        cur.execute("UPDATE audit_audithead SET seq = (SELECT max(seq) FROM audit_auditentry), "
                    "hash = (SELECT encode(hash, 'hex') FROM audit_auditentry ORDER BY seq DESC LIMIT 1)")
        cur.execute("VACUUM ANALYZE")
    return time.perf_counter() - t0


NOTES: list[str] = []


def measure(repeat: int) -> list[tuple[str, list[float], int]]:
    import base64

    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from shenpi.cases.models import Case
    from shenpi.supervision.tasks import sweep_overtime_warnings
    User = get_user_model()

    # The copies were never swept, and a centre's sweep runs every few minutes: their warning
    # cards (up to 5,000 a run) are made first, as a living centre has them, and the rate noted;
    # the sweep is timed after the reads, as it runs all day (only new warnings left to make).
    t, made, runs = time.perf_counter(), 0, 0
    while (done := sweep_overtime_warnings().done) and runs < 500:
        made, runs = made + done, runs + 1
    took = time.perf_counter() - t
    NOTES.append(f"# warning cards the copies were due, made before the reads: {made:,} in {runs} sweeps, "
                 f"{took:.0f} s ({made / max(took, 0.001):,.0f} cards/s, with their messages)")
    print(NOTES[-1], flush=True)
    # So are the dashboard's figures of the days that are over (the sweep makes them every 10 minutes).
    from shenpi.supervision.figures import KEEP_DAYS, make_days
    t, runs = time.perf_counter(), 0
    while make_days().done and runs < 10:
        runs += 1
    NOTES.append(f"# the dashboard's figures of the last {KEEP_DAYS} days, made before the reads: "
                 f"{time.perf_counter() - t:.1f} s")
    print(NOTES[-1], flush=True)
    # And the tally of the cases watched, which the worker folds every minute (the copies' rows,
    # one for each open case copied, are folded to one a key, as they would be a minute later).
    from shenpi.supervision.models import WatchTally
    from shenpi.supervision.tally import rebuild
    before, t = WatchTally.objects.count(), time.perf_counter()
    after = rebuild()
    NOTES.append(f"# the tally of the cases watched, folded before the reads: {before:,} rows to {after:,} in "
                 f"{time.perf_counter() - t:.2f} s (the worker does it every minute)")
    print(NOTES[-1], flush=True)

    def client(name):
        c = Client(SERVER_NAME="127.0.0.1")
        if name:
            c.force_login(User.objects.get(username=name))
        return c
    clerk = User.objects.get(username="clerk")
    # A case of the clerk's department received through the services (the copies share its rows).
    case = Case.objects.filter(number__startswith="HY2", department=clerk.staff.department).order_by("id").first()
    mine = Case.objects.filter(department=clerk.staff.department)
    depth = min(1_000_000, mine.count() * 3 // 4)  # the clerk sees their department's cases
    deep = mine.order_by("-received_at", "-id").values_list("received_at", "id")[depth]
    cursor = base64.urlsafe_b64encode(f"{deep[0].isoformat()}|{deep[1]}".encode()).decode().rstrip("=")
    kinds = [
        ("task list (reviewer)", "reviewer", "/staff/tasks/"),
        ("department queue", "depthead", "/staff/queue/"),
        ("case search (number)", "clerk", f"/staff/search/?q={case.number}"),
        ("real-time view, all", "supervisor", "/staff/search/"),
        ("public lookup", None, f"/lookup/?number={case.number}&code={case.query_code}"),
        ("staff case page", "clerk", f"/staff/cases/{case.number}/"),
        ("cases API, first page", "clerk", "/api/v1/cases/"),
        (f"cases API, {depth:,} deep", "clerk", f"/api/v1/cases/?cursor={cursor}"),
        ("supervision dashboard", "supervisor", "/staff/supervision/"),
        ("supervision cards", "supervisor", "/staff/supervision/cards/"),
        ("supervision figures", "supervisor", "/staff/supervision/figures.json"),
        ("my cases (applicant)", "13800138000", "/my/"),
    ]
    out = []
    for label, who, path in kinds:
        c = client(who)
        times = []
        for i in range(repeat + 2):
            with CaptureQueriesContext(connection) as q:
                t = time.perf_counter()
                r = c.get(path)
                el = time.perf_counter() - t
            assert r.status_code == 200, (label, r.status_code)
            if i >= 2:  # the first two warm the process's caches
                times.append(el * 1000)
        out.append((label, times, len(q)))
        print(f"{label:<24} p50 {statistics.median(times):7.1f} ms", flush=True)
    times = []
    for _ in range(3):
        t = time.perf_counter()
        sweep_overtime_warnings()
        times.append((time.perf_counter() - t) * 1000)
    out.append(("overtime sweep (steady)", times, 0))
    return out


def storage(done_total: int) -> tuple[list[str], list[tuple]]:
    from django.db import connection
    lines, indexes = [], []
    with connection.cursor() as cur:
        total = 0
        for table in CASE_TABLES:
            cur.execute("SELECT pg_table_size(%s), pg_indexes_size(%s), (SELECT reltuples::bigint FROM pg_class "
                        "WHERE relname = %s)", [table, table, table])
            heap, idx, rows = cur.fetchone()
            total += heap + idx
            lines.append(f"{table:<28} {rows:>12,} rows {heap / 2**20:>9.0f} MB table {idx / 2**20:>8.0f} MB indexes "
                         f"{(heap + idx) / done_total:>7.0f} B/case")
        lines.append(f"{'per case, all of these':<28} {total / done_total:>7.0f} B "
                     f"({total / 2**30:.1f} GB for {done_total:,} cases; 100 million: "
                     f"{total / done_total * 1e8 / 2**30:.0f} GB)")
        cur.execute("SELECT s.relname, s.indexrelname, pg_relation_size(s.indexrelid), s.idx_scan, i.indisunique "
                    "FROM pg_stat_user_indexes s JOIN pg_index i ON i.indexrelid = s.indexrelid "
                    "WHERE s.relname = ANY(%s) ORDER BY pg_relation_size(s.indexrelid) DESC", [CASE_TABLES])
        indexes = cur.fetchall()
    return lines, indexes


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--done", type=int, default=2_000_000)
    ap.add_argument("--open", type=int, default=100_000)
    ap.add_argument("--chunk", type=int, default=100_000)
    ap.add_argument("--repeat", type=int, default=20)
    ap.add_argument("--keep", metavar="NAME", help="keep the database under this name (reused if it exists)")
    ap.add_argument("--archive", action="store_true", help="archive every case due (cases/archive.py) before "
                    "measuring, to see what archiving saves")
    args = ap.parse_args()
    import psycopg
    name = args.keep or f"shenpi_bench_volume_{os.getpid()}"
    with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
        kept = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is not None
        if not kept:
            admin.execute(f'CREATE DATABASE "{name}"')
    var = Path("/tmp") / f"{name}-var"
    var.mkdir(exist_ok=True)
    os.environ.update({"DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{name}", "SHENPI_VAR_DIR": str(var),
                       "SHENPI_LOOKUP_PER_MINUTE": "100000000", "SHENPI_LOOKUP_FAILURES_PER_ADDRESS": "100000000",
                       "SHENPI_LOOKUP_FAILURES_PER_NUMBER": "100000000", "DJANGO_SETTINGS_MODULE": "shenpi.config.settings"})
    loaded = None
    try:
        if not kept:
            subprocess.run([str(BIN / "shenpi"), "migrate", "-v0"], check=True)
            subprocess.run([str(BIN / "shenpi"), "demo-data", "--cases"], check=True, stdout=subprocess.DEVNULL)
        import django
        django.setup()
        from django.conf import settings
        from django.db import connection
        if not kept:
            loaded = load(args.done, args.open, args.chunk)
        else:
            subprocess.run([str(BIN / "shenpi"), "migrate", "-v0"], check=True)
            with connection.cursor() as cur:
                cur.execute("ANALYZE")  # as autovacuum would have, after the migrations' new indexes
        archived = None
        if args.archive:
            from shenpi.cases.tasks import archive_delivered_cases
            t0, archived = time.perf_counter(), 0
            while n := archive_delivered_cases(limit=5000).done:
                archived += n
            print(f"archived {archived:,} cases in {time.perf_counter() - t0:.0f} s", flush=True)
            with connection.cursor() as cur:
                cur.execute("VACUUM FULL cases_notice")
                cur.execute("VACUUM FULL cases_outbox")
                cur.execute("VACUUM FULL cases_caseevent")
                # Marking a case archived leaves a dead version of its row; autovacuum makes that
                # room reusable by the next rows, so the steady state does not keep it.
                cur.execute("VACUUM FULL cases_case")
                cur.execute("ANALYZE")
        with connection.cursor() as cur:
            cur.execute("SELECT count(*) FILTER (WHERE number LIKE 'V%%'), count(*) FILTER (WHERE number LIKE 'W%%'), "
                        "count(*) FROM cases_case")
            done_n, open_n, all_n = cur.fetchone()
            cur.execute("SELECT pg_stat_reset()")
        reads = measure(args.repeat)
        time.sleep(1)  # the statistics of the reads reach the shared counters
        lines, indexes = storage(all_n)
    finally:
        from django.db import connections
        connections.close_all()
        if not args.keep:
            with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    now = datetime.now(ZoneInfo("Asia/Shanghai")).strftime("%Y-%m-%d %H:%M")
    out = [f"# {machine()}; {now}",
           f"# PostgreSQL on the same cores; {done_n:,} completed and {open_n:,} open cases copied from the demo's "
           f"(with steps, events, notices, messages, materials and audit entries), {all_n:,} cases in all"
           + (f"; loaded in {loaded / 60:.1f} min" if loaded else "")
           + (f"; {archived:,} delivered more than {settings.SHENPI_ARCHIVE_AFTER_DAYS} days ago "
              "archived before measuring" if archived is not None else ""),
           f"# each read {args.repeat} times in one process through Django's test client (no HTTP); target p95 < 100 ms",
           f"{'read':<26} {'p50 ms':>7} {'p95 ms':>7} {'max ms':>7} {'queries':>7}"]
    for label, times, queries in reads:
        ts = sorted(times)
        p95 = ts[min(len(ts) - 1, int(round(0.95 * (len(ts) - 1))))]
        out.append(f"{label:<26} {statistics.median(ts):>7.1f} {p95:>7.1f} {ts[-1]:>7.1f} {queries:>7}")
    out += NOTES
    out += ["", "# storage, per case in the database (target <= 5,120 B per completed case)", *lines, "",
            "# indexes on these tables: size, and whether the reads above used them (unique ones keep rules)",
            f"{'table':<24} {'index':<44} {'MB':>7} {'scans':>8}"]
    for table, index, size, scans, unique in indexes:
        out.append(f"{table:<24} {index:<44} {size / 2**20:>7.0f} {scans:>8}" + ("  unique" if unique else
                                                                               ("  UNUSED here" if not scans else "")))
    text = "\n".join(out) + "\n"
    print(text)
    (ROOT / "bench" / "results" / "volume.txt").write_text(text)


if __name__ == "__main__":
    main()
