"""Benchmark: complete cases per second through the services (submit → accept → review →
approve → decide → deliver, with events, notices, messages and the audit chain).

Run: .venv/bin/python bench/lifecycle.py [--cases N] [--postgres]
Each run uses a throwaway database: a temporary SQLite file, or with --postgres a fresh
database on 127.0.0.1:5432 that is dropped afterwards. Writes bench/results/lifecycle.txt.
"""

import argparse
import os
import platform
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def setup(postgres: bool) -> str:
    tmp = tempfile.mkdtemp(prefix="shenpi-bench-")
    os.environ["SHENPI_VAR_DIR"] = tmp
    if postgres:
        import psycopg
        name = f"shenpi_bench_{os.getpid()}"
        with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        os.environ["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{name}"
        return name
    os.environ["DATABASE_URL"] = f"sqlite:///{tmp}/bench.sqlite3"
    return ""


def drop(name):
    import psycopg
    from django.db import connections
    connections.close_all()
    with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=300)
    parser.add_argument("--postgres", action="store_true")
    args = parser.parse_args()
    pg_name = setup(args.postgres)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shenpi.config.settings")
    import django
    django.setup()
    import io

    import time_machine
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from shenpi.cases import services as s
    from shenpi.catalog.models import Item

    try:
        call_command("migrate", verbosity=0)
        call_command("demo-data", stdout=io.StringIO())
        settings.SHENPI_SMS_SENDER = ""
        User = get_user_model()
        clerk, reviewer, approver = (User.objects.get(username=n) for n in ("clerk", "reviewer", "approver"))
        item = Item.objects.get(versions__status="published", versions__name="建筑工程施工许可证核发")
        person = {"applicant_type": "person", "applicant_name": "张三", "applicant_id": "11010519491231002X",
                  "applicant_phone": "13800138000"}
        # A fixed working Monday, so every due date lies inside the known calendar.
        with time_machine.travel(datetime(2026, 3, 2, 10, tzinfo=ZoneInfo("Asia/Shanghai")), tick=True):
            def one():
                case = s.submit(actor=clerk, item=item, channel="window", **person)
                s.accept(actor=clerk, case=case)
                step = case.steps.get(status="open")
                s.complete_step(actor=reviewer, case=case, step_id=step.pk, outcome="pass", opinion="同意")
                step = case.steps.get(status="open")
                s.complete_step(actor=approver, case=case, step_id=step.pk, outcome="pass", opinion="同意")
                s.decide(actor=approver, case=case, decision="approve", licence_number=f"L{case.pk}")
                s.deliver(actor=clerk, case=case, method="窗口领取")
            for _ in range(20):  # warm up caches and the connection
                one()
            start = time.perf_counter()
            for _ in range(args.cases):
                one()
            elapsed = time.perf_counter() - start
        from shenpi.audit.services import chain_problem
        assert chain_problem() is None
        rate = args.cases / elapsed
        db = "PostgreSQL" if args.postgres else "SQLite"
        line = (f"{db:<10} {rate:8.1f} complete cases/s  ({args.cases} cases in {elapsed:.2f}s, one process; "
                f"7 transitions, 8 events and audit entries per case)")
        print(line)
        out = ROOT / "bench" / "results" / "lifecycle.txt"
        lines = out.read_text().splitlines() if out.exists() else []
        lines = [ln for ln in lines if not ln.startswith(db) and not ln.startswith("# machine")]
        cpu = next((ln.split(":", 1)[1].strip() for ln in Path("/proc/cpuinfo").read_text().splitlines()
                    if ln.startswith("model name")), "unknown CPU")
        header = f"# machine: {platform.node()} · {cpu} · {os.cpu_count()} cores · Python {platform.python_version()}"
        out.write_text("\n".join([header, *[ln for ln in lines if not ln.startswith("#")], line]) + "\n")
    finally:
        if pg_name:
            drop(pg_name)


if __name__ == "__main__":
    main()
