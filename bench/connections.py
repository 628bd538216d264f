"""Benchmark: requests per second through `shenpi serve` (gunicorn, 4 workers) on PostgreSQL,
with a new database connection per request (SHENPI_DB_CONN_MAX_AGE=0, the old default) and
with persistent connections (the default since issue 12), interleaved on one machine.

Run: .venv/bin/python bench/connections.py [--seconds S] [--rounds R]
Needs wrk (Debian's package) and PostgreSQL on 127.0.0.1:5432; loads the demo centre into a
throwaway database that is dropped afterwards. The load client shares the cores with the
servers and the database, as on the 2-core machine the issue measured. Writes
bench/results/connections.txt.
"""

import sys
from pathlib import Path

# Run as a script, this file's folder comes first on the path, and bench/http.py would hide the
# standard library's `http` package from urllib: take the folder off.
if sys.path and Path(sys.path[0]).resolve() == Path(__file__).resolve().parent:
    del sys.path[0]

import argparse  # noqa: E402
import os  # noqa: E402
import platform  # noqa: E402
import re  # noqa: E402
import signal  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
from datetime import datetime  # noqa: E402
from zoneinfo import ZoneInfo  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
sys.path.insert(0, str(ROOT))
from bench.common import serve as start_server  # noqa: E402

PATHS = {"catalog API": "/api/v1/catalog/items/", "clock API": "/api/v1/workdays/add?date=2026-11-27&n=45",
         "guide page": None}


def cpu() -> str:
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            return f"{line.split(':', 1)[1].strip()}, {os.cpu_count()} cores"
    return platform.processor()


def serve(env: dict, port: int) -> subprocess.Popen:
    return start_server(env, port, "--workers", "4")


def wrk(url: str, seconds: int) -> float:
    out = subprocess.run(["wrk", "-t2", "-c16", f"-d{seconds}s", url], capture_output=True, text=True).stdout
    return float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=int, default=10)
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()
    import psycopg
    name = f"shenpi_bench_conn_{os.getpid()}"
    admin = psycopg.connect("postgres://postgres@127.0.0.1:5432/postgres", autocommit=True)
    admin.execute(f'CREATE DATABASE "{name}"')
    var = tempfile.mkdtemp(prefix="shenpi-bench-")
    env = {**os.environ, "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{name}", "SHENPI_VAR_DIR": var}
    results: dict[tuple[str, str], list[float]] = {}
    try:
        subprocess.run([str(BIN / "shenpi"), "migrate", "-v0"], env=env, check=True)
        subprocess.run([str(BIN / "shenpi"), "demo-data"], env=env, check=True, stdout=subprocess.DEVNULL)
        code = subprocess.run([str(BIN / "shenpi"), "shell", "-c", "from shenpi.catalog.models import Item; "
                               "print(Item.objects.filter(versions__status='published').first().implementation_code)"],
                              env=env, check=True, capture_output=True, text=True).stdout.split()[-1]
        paths = {**PATHS, "guide page": f"/guide/{code}/"}
        for r in range(args.rounds):
            for label, age in (("per request", "0"), ("persistent", "600")):
                port = 18100 + r * 2 + (age != "0")
                p = serve({**env, "SHENPI_DB_CONN_MAX_AGE": age}, port)
                try:
                    for kind, path in paths.items():
                        wrk(f"http://127.0.0.1:{port}{path}", 2)  # warm up
                        results.setdefault((kind, label), []).append(wrk(f"http://127.0.0.1:{port}{path}", args.seconds))
                finally:
                    os.killpg(p.pid, signal.SIGINT)
                    p.wait(timeout=30)
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    now = datetime.now(ZoneInfo("Asia/Shanghai")).strftime("%Y-%m-%d %H:%M")
    lines = [f"# shenpi serve (gunicorn x4) on PostgreSQL, wrk -t2 -c16, {args.seconds}s x {args.rounds} rounds, "
             f"interleaved; {now}; {cpu()}; load client, servers and database on the same cores",
             f"{'request':<12} {'per request conn':>18} {'persistent conn':>17} {'ratio':>6}   (median req/s, range)"]
    for kind in paths:
        old, new = results[(kind, "per request")], results[(kind, "persistent")]
        lines.append(f"{kind:<12} {statistics.median(old):>10.0f} ({min(old):.0f}-{max(old):.0f}) "
                     f"{statistics.median(new):>9.0f} ({min(new):.0f}-{max(new):.0f}) "
                     f"{statistics.median(new) / statistics.median(old):>5.2f}x")
    text = "\n".join(lines) + "\n"
    print(text, end="")
    (ROOT / "bench" / "results" / "connections.txt").write_text(text)


if __name__ == "__main__":
    main()
