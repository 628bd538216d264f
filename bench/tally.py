"""Benchmark: the dashboard's lights at province size (issue 16), from the tally of the cases
watched (supervision.tally) over made-up rows for many departments.

A province has thousands of departments and each has some hundred keys in the tally (a key is a
department, a state and a set of due dates: about 120 a department on the HTTP bench's data).
This loads that many folded rows straight into the tally (generate_series, no cases), and a few
thousand changes since the fold, then measures:
- the fold's lights, department by department (`tally.fold_lights`, once a minute in the worker);
- a refresh on the fold's day and horizon: the fold's lights plus the changes since;
- a refresh on another day (the first minute after midnight, a stopped worker): every key;
- one department's staff refreshing, on the fold's day.

Run: .venv/bin/python bench/tally.py [--departments 4000] [--keys 120] [--changes 2000] [--repeat 20]
A throwaway PostgreSQL database on 127.0.0.1:5432 is made, migrated, measured and dropped.
Writes bench/results/tally.txt (median and p95 of the rounds). Target: < 100 ms at p95.
"""

import argparse
import datetime
import io
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.common import create_database, drop_database, machine  # noqa: E402

DAY = datetime.date(2026, 6, 15)  # a Monday well inside the known calendar


def load(departments: int, keys: int, changes: int) -> int:
    """Folded rows: for each department, `keys` keys over the four kinds of state, with due
    dates from 20 days before DAY to 100 after; then `changes` rows of +1 and -1 since."""
    from django.db import connection
    states = "(ARRAY['submitted', 'accepted', 'approved', 'suspended'])[1 + k %% 4]"
    due = "DATE '2026-06-15' + ((k * 7 + d) %% 120 - 20)"
    with connection.cursor() as cur:
        cur.execute(f"""
INSERT INTO supervision_watchtally (department_id, state, acceptance_due, promised_due, statutory_due,
                                    delivery_due, n, folded)
SELECT d, {states},
       CASE WHEN k %% 4 = 0 THEN {due} END,
       CASE WHEN k %% 4 = 1 THEN {due} END,
       CASE WHEN k %% 4 = 1 THEN {due} + 20 END,
       CASE WHEN k %% 4 = 2 THEN {due} END,
       1 + k %% 5, TRUE
FROM generate_series(1, %s) AS d, generate_series(0, %s - 1) AS k""", [departments, keys])
        cur.execute("""
INSERT INTO supervision_watchtally (department_id, state, acceptance_due, promised_due, statutory_due,
                                    delivery_due, n, folded)
SELECT 1 + i %% %s, 'accepted', NULL, DATE '2026-06-15' + (i %% 120 - 20), DATE '2026-06-15' + i %% 120,
       NULL, CASE WHEN i %% 2 = 0 THEN 1 ELSE -1 END, FALSE
FROM generate_series(0, %s - 1) AS i""", [departments, changes])
        cur.execute("VACUUM ANALYZE supervision_watchtally")
        cur.execute("SELECT COUNT(*) FROM supervision_watchtally")
        return int(cur.fetchone()[0])


def timed(fn, repeat: int) -> tuple[float, float, object]:
    """Median and p95 in ms of `repeat` calls, after one to warm up; the last result."""
    out = fn()
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        out = fn()
        times.append((time.perf_counter() - t) * 1000)
    times.sort()
    return statistics.median(times), times[min(len(times) - 1, round(0.95 * (len(times) - 1)))], out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--departments", type=int, default=4000)
    ap.add_argument("--keys", type=int, default=120, help="folded keys a department")
    ap.add_argument("--changes", type=int, default=2000, help="rows written since the fold")
    ap.add_argument("--repeat", type=int, default=20)
    args = ap.parse_args()

    os.environ["SHENPI_VAR_DIR"] = tempfile.mkdtemp(prefix="shenpi-bench-")
    name = create_database("shenpi_bench_tally")
    os.environ["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{name}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shenpi.config.settings")
    import django
    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import transaction

    from shenpi.org.models import Staff
    from shenpi.supervision import tally
    from shenpi.supervision.selectors import warning_horizon
    try:
        call_command("migrate", verbosity=0)
        call_command("demo-data", stdout=io.StringIO())
        rows = load(args.departments, args.keys, args.changes)
        supervisor = get_user_model().objects.get(username="supervisor")
        depthead = get_user_model().objects.get(username="depthead")
        # The department head of department 1 of the made-up ones (ids are not keys).
        Staff.objects.filter(user=depthead).update(department_id=1)
        depthead.refresh_from_db()
        soon = warning_horizon(DAY)
        tomorrow = DAY + datetime.timedelta(days=1)
        later = warning_horizon(tomorrow)

        def fold():
            with transaction.atomic():
                return tally.fold_lights(DAY)
        results = [("fold: each department's lights (worker, once a minute)", *timed(fold, max(3, args.repeat // 4)))]
        results.append(("refresh on the fold's day (its lights + changes since)",
                        *timed(lambda: tally.lights(supervisor, DAY, soon), args.repeat)))
        results.append(("refresh on another day (every key)",
                        *timed(lambda: tally.lights(supervisor, tomorrow, later), args.repeat)))
        results.append(("one department's staff, on the fold's day",
                        *timed(lambda: tally.lights(depthead, DAY, soon), args.repeat)))
        results.append(("one department's staff, on another day",
                        *timed(lambda: tally.lights(depthead, tomorrow, later), args.repeat)))
        # The fold's way and every key's give the same lights.
        same = ({r["department_id"]: r for r in tally.lights(supervisor, DAY, soon)}
                == {r["department_id"]: r for r in tally._summed(tally.WatchTally.objects.all(), DAY, soon) if r["n"]})
    finally:
        drop_database(name)

    stamp = datetime.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z")
    lines = [f"# {machine()}; {stamp}",
             f"# the dashboard's lights from the tally on PostgreSQL: {args.departments:,} departments x "
             f"{args.keys} folded keys + {args.changes:,} changes since the fold = {rows:,} rows; "
             f"{args.repeat} rounds (target: p95 < 100 ms)",
             f"{'read':58} {'median ms':>10} {'p95 ms':>8} {'departments':>12}"]
    for label, median, p95, out in results:
        count = out if isinstance(out, int) else len(out)
        lines.append(f"{label:58} {median:10.1f} {p95:8.1f} {count:12,}")
    if not same:
        lines.append("# the fold's lights and every key's differ: not a measurement")
    text = "\n".join(lines) + "\n"
    print(text)
    out = ROOT / "bench" / "results" / "tally.txt"
    old = out.read_text() if out.exists() else ""
    out.write_text(text + ("\n" + old if old else ""))


if __name__ == "__main__":
    main()
