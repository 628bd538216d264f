"""Benchmark: electronic supervision over 1,000,000 open cases on PostgreSQL (issue 13).

- the warning sweep when 1,000 cases cross a line (they get their cards and messages);
- the sweep when none crosses (nothing new: the cost of looking);
- the dashboard's figures over all of them (lights, by department, on-time rate, time used,
  weekly trends), uncached.

Run: .venv/bin/python bench/sweep.py [--cases 1000000] [--crossing 1000] [--repeat 5]
A throwaway PostgreSQL database on 127.0.0.1:5432 is made, migrated, given the demo centre's
organisation and catalog, bulk-loaded with COPY (each case one open step; 50,000 more cases
decided in the last 60 days for the completion figures), vacuumed and analysed as autovacuum
would leave it, measured, and dropped.
Each figure is the median of the rounds, with the range. Writes bench/results/sweep.txt.
"""

import argparse
import datetime
import io
import os
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.common import create_database, drop_database, machine  # noqa: E402

DAY = datetime.date(2026, 6, 15)  # a Monday well inside the known calendar: "today" for the sweep


def setup() -> str:
    os.environ["SHENPI_VAR_DIR"] = tempfile.mkdtemp(prefix="shenpi-bench-")
    name = create_database("shenpi_bench_sweep")
    os.environ["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{name}"
    return name


def load(n_open: int, crossing: int, n_decided: int) -> None:
    """COPY the cases and their steps in. Open cases are accepted, due 3 to 150 days ahead,
    except ``crossing`` of them whose promise ran out yesterday (red, statutory still ahead)."""
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.utils import timezone

    from shenpi.cases.models import Case, StepTask
    from shenpi.catalog.models import ItemVersion

    versions = list(ItemVersion.objects.filter(status="published").select_related("item")
                    .exclude(promised_limit=0).values_list("pk", "item_id", "item__department_id", "centre_id",
                                                          "statutory_limit", "promised_limit"))
    reviewer = get_user_model().objects.get(username="reviewer").pk
    rnd = random.Random(13)
    crossing_ids = set(rnd.sample(range(n_open), crossing))
    case_cols = ["number", "query_code", "centre_id", "item_id", "version_id", "department_id", "channel",
                 "applicant_type", "applicant_name", "applicant_id", "applicant_phone", "state", "row_version",
                 "received_at", "received_on", "clock_start", "acceptance_due", "accepted_on", "deemed_accepted",
                 "statutory_limit", "promised_limit", "extension_days", "suspended_days", "statutory_due",
                 "promised_due", "provisional", "decision", "decided_on", "licence_number", "decision_reasons",
                 "remedies", "delivery_due", "delivered_on", "delivery_method", "closed_reason", "external_system",
                 "created_at", "archived"]
    now = timezone.now()
    d = datetime.timedelta

    def at(day, i):
        # received during the working day, each at its own instant, as at a real window
        return datetime.datetime.combine(day, datetime.time(8, 30), timezone.get_current_timezone()) + d(
            seconds=(i * 7) % 30000, microseconds=i % 1_000_000)
    with connection.cursor() as cur, cur.connection.cursor().copy(
            f"COPY {Case._meta.db_table} ({', '.join(case_cols)}) FROM STDIN") as copy:
        for i in range(n_open + n_decided):
            v, item, dept, centre, stat, prom = versions[i % len(versions)]
            received = DAY - d(days=1 + i % 40)
            if i < n_open:
                due = DAY - d(days=1) if i in crossing_ids else DAY + d(days=3 + i % 148)
                row = ["accepted", None, None, None, due + d(days=20), due]
            else:
                decided = DAY - d(days=1 + i % 60)
                received = decided - d(days=10)
                promised = decided + d(days=(i % 5) - 1)  # four in five on time
                row = ["delivered", decided, decided + d(days=14), decided + d(days=1), promised + d(days=20), promised]
            state, decided_on, delivery_due, delivered_on, statutory_due, promised_due = row
            copy.write_row([f"BENCH{i:09d}", "ABCDEFGH", centre, item, v, dept, "window", "person", "张三",
                            "11010519491231002X", "13800138000", state, 3, at(received, i), received, received,
                            received + d(days=7), received, False, stat, prom, 0, 0, statutory_due, promised_due,
                            False, "approve" if decided_on else "", decided_on, "", "", "", delivery_due,
                            delivered_on, "", "", "", now, False])
    with connection.cursor() as cur:
        cur.execute(f"SELECT min(id) FROM {Case._meta.db_table} WHERE number LIKE 'BENCH%%'")
        first = cur.fetchone()[0]
    step_cols = ["case_id", "stage_order", "stage_name", "name", "role", "department_id", "assignee_id", "budget",
                 "started_on", "due_on", "status", "outcome", "opinion"]
    with connection.cursor() as cur, cur.connection.cursor().copy(
            f"COPY {StepTask._meta.db_table} ({', '.join(step_cols)}) FROM STDIN") as copy:
        for i in range(n_open):
            dept = versions[i % len(versions)][2]
            copy.write_row([first + i, 1, "审查", "审核", "reviewer", dept, reviewer, 3, DAY - d(days=1),
                            DAY + d(days=5 + i % 140), "open", "", ""])
    with connection.cursor() as cur:
        cur.execute("VACUUM ANALYZE")  # as autovacuum leaves a table in service


def profile(fn, label):
    from collections import defaultdict

    from django.db import connection
    spent: dict = defaultdict(lambda: [0, 0.0])

    def wrapper(execute, sql, params, many, context):
        t = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            s = spent[sql[:90] + " … " + sql[sql.find("WHERE"):][:200]]
            s[0] += 1
            s[1] += time.perf_counter() - t
    t = time.perf_counter()
    with connection.execute_wrapper(wrapper):
        fn()
    print(f"--- {label}: {(time.perf_counter() - t) * 1000:.1f} ms")
    for sql, (n, secs) in sorted(spent.items(), key=lambda kv: -kv[1][1])[:12]:
        print(f"{secs * 1000:8.1f} ms {n:5d}x  {sql}")


def timed(fn, rounds, before=None):
    times, result = [], None
    for _ in range(rounds):
        if before:
            before()
        t = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t)
    times.sort()
    return times[len(times) // 2], times[0], times[-1], result


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--crossing", type=int, default=1000)
    parser.add_argument("--decided", type=int, default=50_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--profile", action="store_true", help="print each query of one sweep and of the figures")
    parser.add_argument("--keep", action="store_true", help="keep the database (its name is printed) to look into")
    args = parser.parse_args()
    name = setup()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shenpi.config.settings")
    import django
    django.setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection

    from shenpi.cases.models import Outbox
    from shenpi.supervision.models import Card
    from shenpi.supervision.selectors import dashboard
    from shenpi.supervision.warnings import sweep_warnings

    try:
        call_command("migrate", verbosity=0)
        call_command("demo-data", stdout=io.StringIO())
        settings.SHENPI_SMS_SENDER = ""
        t = time.perf_counter()
        load(args.cases, args.crossing, args.decided)
        loaded = time.perf_counter() - t
        print(f"loaded {args.cases:,} open and {args.decided:,} decided cases with their steps in {loaded:.0f} s")
        # The worker folds the tally of the cases watched every minute: as a minute after the load.
        from shenpi.supervision.tally import rebuild
        rebuild()

        def forget():
            Card.objects.all().delete()
            Outbox.objects.all().delete()

        # Warm the process (calendar, statements) and let the tables' statistics know the cards,
        # as autovacuum's analyze would a minute after a sweep; then start clean.
        sweep_warnings(on=DAY)
        with connection.cursor() as cur:
            cur.execute("ANALYZE supervision_card")
            cur.execute("ANALYZE cases_outbox")
        if args.profile:
            forget()
            profile(lambda: sweep_warnings(on=DAY), "sweep, crossing")
            profile(lambda: sweep_warnings(on=DAY), "sweep, none crossing")
            profile(lambda: dashboard(get_user_model().objects.get(username="supervisor"), on=DAY), "figures")
        cross = timed(lambda: sweep_warnings(on=DAY), args.repeat, before=forget)
        assert cross[3].done == args.crossing and not cross[3].failed, cross[3]
        none = timed(lambda: sweep_warnings(on=DAY), args.repeat)
        assert none[3].done == 0, none[3]
        supervisor = get_user_model().objects.get(username="supervisor")
        figures = timed(lambda: dashboard(supervisor, on=DAY), args.repeat)
        lights = figures[3]["lights"]
        assert lights["red"] == args.crossing and sum(lights.values()) == args.cases, lights
        with connection.cursor() as cur:
            cur.execute("SHOW server_version")
            pg = cur.fetchone()[0].split()[0]

        def fmt(label, m, target):
            med, lo, hi, _r = m
            return (f"{label:<44} {med * 1000:8.1f} ms  (median of {args.repeat}, range {lo * 1000:.1f}–{hi * 1000:.1f};"
                    f" target < {target} ms)")
        lines = [fmt(f"sweep, {args.crossing:,} of {args.cases:,} crossing", cross, 1000),
                 fmt(f"sweep, none of {args.cases:,} crossing", none, 50),
                 fmt(f"dashboard figures over {args.cases + args.decided:,} cases", figures, 500)]
        print("\n".join(lines))
        header = f"# machine: {machine()} · PostgreSQL {pg} on the same cores · {datetime.date.today()}"
        (ROOT / "bench" / "results" / "sweep.txt").write_text("\n".join([header, *lines]) + "\n")
    finally:
        if args.keep:
            print(f"kept database {name}")
        else:
            drop_database(name)


if __name__ == "__main__":
    main()
