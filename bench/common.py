"""What the benchmarks share: a throwaway PostgreSQL database and the machine's line."""

import os
import platform
import subprocess
import sys
import time
from pathlib import Path

# A benchmark run as a script has this folder on the path, where bench/http.py would hide the
# standard library's `http` package from urllib: take the folder off.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]
import urllib.request  # noqa: E402

PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"


def create_database(prefix: str) -> str:
    """A new empty PostgreSQL database on 127.0.0.1:5432; its name."""
    import psycopg
    name = f"{prefix}_{os.getpid()}"
    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return name


def drop_database(name: str) -> None:
    """Close Django's connections and drop the database."""
    import psycopg
    from django.db import connections
    connections.close_all()
    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')


def cpu_name() -> str:
    return next((ln.split(":", 1)[1].strip() for ln in Path("/proc/cpuinfo").read_text().splitlines()
                 if ln.startswith("model name")), "unknown CPU")


def machine() -> str:
    """The machine, for a results file's first line."""
    return (f"{platform.node()} · {cpu_name()} · {os.cpu_count()} cores · Python {platform.python_version()} "
            f"({sys.base_prefix})")


def serve(env: dict, port: int, *args: str) -> subprocess.Popen:
    """`shenpi serve --no-worker` on 127.0.0.1:port (more options in args), once it answers."""
    shenpi = Path(sys.executable).parent / "shenpi"
    p = subprocess.Popen([str(shenpi), "serve", "--no-worker", *args, "--bind", f"127.0.0.1:{port}"],
                         env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    for _ in range(120):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/workdays/day?date=2026-11-27", timeout=2)
            return p
        except OSError:
            time.sleep(0.5)
    raise RuntimeError("the server did not start")
