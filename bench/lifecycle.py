"""Benchmark: complete cases per second through the services (submit → accept → review →
approve → decide → deliver, with events, notices, messages and the audit chain).

Run: .venv/bin/python bench/lifecycle.py [--cases N] [--postgres] [--processes P] [--repeat R]
Each run uses a throwaway database: a temporary SQLite file, or with --postgres a fresh
database on 127.0.0.1:5432 that is dropped afterwards. With --processes P, P worker processes
(each with its own connection, as behind gunicorn) share the N cases; they all write the one
audit chain. R timed rounds (default 3): the median is reported with the range, since a
shared VM is noisy. With one process it also reports the CPU spent per complete case by
the process and (PostgreSQL on this machine) by its database backend, a figure that varies
less than the rate. Writes bench/results/lifecycle.txt.

PostgreSQL is reached over TCP on 127.0.0.1 unless BENCH_PG_URL says otherwise, e.g.
BENCH_PG_URL='postgres://postgres@%2Fvar%2Frun%2Fpostgresql/{name}' for its Unix socket
(no TCP stack between the processes; {name} is the throwaway database).
"""

import argparse
import multiprocessing
import os
import sys
import tempfile
import threading
import time
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.common import create_database, drop_database, machine  # noqa: E402

TRANSITIONS = 6  # submit, accept, review step, approval step, decide, deliver


def setup(postgres: bool) -> str:
    tmp = tempfile.mkdtemp(prefix="shenpi-bench-")
    os.environ["SHENPI_VAR_DIR"] = tmp
    if postgres:
        name = create_database("shenpi_bench")
        os.environ["DATABASE_URL"] = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/{name}").format(
            name=name)
        return name
    os.environ["DATABASE_URL"] = f"sqlite:///{tmp}/bench.sqlite3"
    return ""


def make_runner():
    """One complete case per call, through the services, as the staff of the demo centre."""
    from django.contrib.auth import get_user_model

    from shenpi.cases import services as s
    from shenpi.cases.models import StepTask
    from shenpi.catalog.models import Item
    from shenpi.core.sql import Statement, read_together

    User = get_user_model()
    clerk, reviewer, approver = (User.objects.get(username=n) for n in ("clerk", "reviewer", "approver"))
    item = Item.objects.get(versions__status="published", versions__name="建筑工程施工许可证核发")
    person = {"applicant_type": "person", "applicant_name": "张三", "applicant_id": "11010519491231002X",
              "applicant_phone": "13800138000"}
    # A complete application: every required material handed in on paper (Art. 32).
    papers = list(item.versions.get(status="published").materials.filter(requirement="required")
                  .values_list("name", flat=True))

    # The caller's own look-up of the step to complete (a reviewer's task list), written out
    # like the services' hot reads, so the figure is the services' and not the harness's.
    open_steps = f"SELECT id FROM {StepTask._meta.db_table} WHERE case_id = %s AND status = %s"

    def open_step(case):
        (pk,), = read_together(Statement(open_steps, [case.pk, StepTask.Status.OPEN]))[0]
        return pk

    def one():
        case = s.submit(actor=clerk, item=item, channel="window", paper_materials=papers, **person)
        s.accept(actor=clerk, case=case)
        s.complete_step(actor=reviewer, case=case, step_id=open_step(case), outcome="pass", opinion="同意")
        s.complete_step(actor=approver, case=case, step_id=open_step(case), outcome="pass", opinion="同意")
        s.decide(actor=approver, case=case, decision="approve", licence_number=f"L{case.pk}")
        s.deliver(actor=clerk, case=case, method="窗口领取")
    return one


def child(n, barrier, done):
    import traceback

    from django.db import connections
    connections.close_all()  # never share the parent's connection
    try:
        one = make_runner()
        for _ in range(10):
            one()
        barrier.wait(timeout=120)
        for _ in range(n):
            one()
        done.put(time.perf_counter())
    except Exception:
        barrier.abort()
        done.put(traceback.format_exc())
    connections.close_all()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=300)
    parser.add_argument("--postgres", action="store_true")
    parser.add_argument("--processes", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=3,
                        help="timed rounds; the median is reported, with the range (a shared VM is noisy)")
    args = parser.parse_args()
    pg_name = setup(args.postgres)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shenpi.config.settings")
    import django
    django.setup()
    import io

    import time_machine
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connections

    try:
        call_command("migrate", verbosity=0)
        call_command("demo-data", stdout=io.StringIO())
        settings.SHENPI_SMS_SENDER = ""
        # A fixed working Monday, so every due date lies inside the known calendar.
        with time_machine.travel(datetime(2026, 3, 2, 10, tzinfo=ZoneInfo("Asia/Shanghai")), tick=True):
            rates = sorted(args.cases / measure(args, connections) for _ in range(args.repeat))
        from shenpi.audit.services import chain_problem
        from shenpi.cases.models import Case
        assert chain_problem() is None, chain_problem()
        assert Case.objects.filter(state="delivered").count() >= args.cases * args.repeat
        rate = rates[len(rates) // 2]
        db = "SQLite"
        if args.postgres:
            db = "PostgreSQL" + (" (socket)" if "%2F" in os.environ["DATABASE_URL"] else "")
        who = "one process" if args.processes == 1 else f"{args.processes} processes"
        key = f"{db:<10} {who:<13}" if not db.endswith("(socket)") else f"{db} {who:<13}"
        line = (f"{key} {rate:8.1f} complete cases/s  (median of {len(rates)} rounds of {args.cases} cases, "
                f"range {rates[0]:.1f}–{rates[-1]:.1f}; {TRANSITIONS} transactions, events and audit entries per case)")
        if CPU:  # steadier than the rate on a shared VM; the round with the median process CPU
            client, database = sorted(CPU)[len(CPU) // 2]
            line += f"; CPU per case: this process {client:.2f} ms" + (
                f", its database backend {database:.2f} ms" if args.postgres else "")
        print(line)
        out = ROOT / "bench" / "results" / "lifecycle.txt"
        lines = out.read_text().splitlines() if out.exists() else []
        lines = [ln for ln in lines if not ln.startswith("#") and not ln.startswith(key)]
        header = (f"# machine: {machine()}"
                  " · the benchmark's processes and PostgreSQL share the cores")
        out.write_text("\n".join([header, *sorted(lines + [line])]) + "\n")
    finally:
        if pg_name:
            drop_database(pg_name)


CPU = []  # one process: (client ms, database ms) of CPU per complete case, per round


def _backend_cpu(connections):
    """Seconds of CPU the PostgreSQL backend serving this process has used, when the server
    runs on this machine (None otherwise, and on SQLite, where the database is the process)."""
    connection = connections["default"]
    if connection.vendor != "postgresql":
        return 0.0
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        (pid,), = cursor.fetchall()
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def measure(args, connections) -> float:
    """Seconds for args.cases complete cases, in one process or shared by args.processes."""
    if args.processes == 1:
        import resource
        one = make_runner()
        for _ in range(20):  # warm up caches and the connection
            one()
        backend, usage = _backend_cpu(connections), resource.getrusage(resource.RUSAGE_SELF)
        start = time.perf_counter()
        for _ in range(args.cases):
            one()
        spent = time.perf_counter() - start
        after, backend_after = resource.getrusage(resource.RUSAGE_SELF), _backend_cpu(connections)
        client = after.ru_utime + after.ru_stime - usage.ru_utime - usage.ru_stime
        if backend is not None and backend_after is not None:
            CPU.append((client * 1000 / args.cases, (backend_after - backend) * 1000 / args.cases))
        return spent
    connections.close_all()
    ctx = multiprocessing.get_context("fork")
    barrier, done = ctx.Barrier(args.processes + 1), ctx.Queue()
    share = [args.cases // args.processes + (i < args.cases % args.processes)
             for i in range(args.processes)]
    procs = [ctx.Process(target=child, args=(n, barrier, done)) for n in share]
    for p in procs:
        p.start()
    try:
        barrier.wait(timeout=180)
    except threading.BrokenBarrierError:
        pass
    start = time.perf_counter()
    ends = [done.get(timeout=600) for _ in procs]
    for p in procs:
        p.join()
    failed = [e for e in ends if isinstance(e, str)]
    if failed:
        raise SystemExit(f"a worker process failed:\n{failed[0]}")
    return max(ends) - start


if __name__ == "__main__":
    main()
