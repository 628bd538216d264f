"""Benchmark: a mixed load over HTTP (issue 16, item 1). The production server (`shenpi serve`,
gunicorn, persistent database connections) on PostgreSQL with the demo centre and bulk cases;
one wrk process per kind of request, all at once for a bounded time, so the kinds share the
server as real traffic would: the public catalog, a guide, the public lookup, the applicant's
case list, a staff case page, a task list, the cases API list and an action (a submission
through the API). Writes req/s and p50/p95/p99 per kind, and the total, to
bench/results/http.txt.

The lookups are many people's, each for a case of their own (2,000 cases at random) from an
address of their own, through one proxy, with the guards at their real limits. One address
looking up one case over and over measures the guard's counter rows, which every such request
writes and waits for in turn: a flood the guard refuses after its limit.

Run: .venv/bin/python bench/http.py [--seconds S] [--rounds R] [--open N] [--decided N]
Needs wrk (Debian's package) and PostgreSQL on 127.0.0.1:5432; the database is made for the run
and dropped after it. The load client shares the cores with the server and the database.
Target on a 2-core machine: >= 300 req/s mixed, p95 < 200 ms, no errors.
"""

from __future__ import annotations

import sys
from pathlib import Path

# Run as a script, this file's folder comes first on the path, and its name would hide the
# standard library's `http` package from urllib: take the folder off.
if sys.path and Path(sys.path[0]).resolve() == Path(__file__).resolve().parent:
    del sys.path[0]

import argparse  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import signal  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
from datetime import datetime  # noqa: E402
from zoneinfo import ZoneInfo  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
sys.path.insert(0, str(ROOT))
from bench.common import create_database, machine  # noqa: E402
from bench.common import serve as start_server  # noqa: E402
from shenpi.core.management.commands.serve import default_workers  # noqa: E402

LUA = ROOT / "bench" / "wrk" / "kind.lua"
# kind, method, path (filled from the demo), who, connections
KINDS = [
    ("public catalog", "GET", "/", None, 2),
    ("guide page", "GET", "/guide/{code}/", None, 2),
    ("public lookup", "GET", "/lookup/?number={number}&code={query_code}", "many", 1),
    ("my cases", "GET", "/my/", "13800138000", 1),
    ("staff case page", "GET", "/staff/cases/{number}/", "clerk", 2),
    ("task list", "GET", "/staff/tasks/", "reviewer", 2),
    ("cases API list", "GET", "/api/v1/cases/", "token", 2),
    ("submit (API)", "POST", "/api/v1/cases/", "token", 1),
]
# What the setup prints for the run: sessions, a token, the paths' values and the submission.
SETUP = r"""
import json
from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import Client
from knox.models import AuthToken
from shenpi.cases.models import Case
from shenpi.catalog.models import Item, Material
User = get_user_model()
cookies = {}
for name in ("13800138000", "clerk", "reviewer"):
    c = Client()
    c.force_login(User.objects.get(username=name))
    cookies[name] = f"{settings.SESSION_COOKIE_NAME}={c.cookies[settings.SESSION_COOKIE_NAME].value}"
_i, token = AuthToken.objects.create(User.objects.get(username="clerk"))

clerk = User.objects.get(username="clerk")
case = Case.objects.filter(state="accepted", window=clerk.staff.window).first()
filing = Item.objects.get(versions__status="published", versions__name="房屋建筑和市政基础设施工程竣工验收备案")
papers = list(Material.objects.filter(version__item=filing, version__status="published", requirement="required")
              .values_list("name", flat=True))
code = Item.objects.filter(versions__status="published").first().implementation_code
# the public lookup: many applicants, each looking up a case of their own
sample = Case.objects.order_by("?").values_list("number", "query_code")[:2000]
lookups = [f"/lookup/?number={n}&code={q}" for n, q in sample]
print(json.dumps({"cookies": cookies, "lookups": lookups, "token": f"Token {token}", "number": case.number,
                  "query_code": case.query_code, "code": code,
                  "submit": {"item": filing.pk, "channel": "window", "applicant_type": "person",
                             "applicant_name": "张三", "applicant_id": "11010519491231002X",
                             "applicant_phone": "13800138000", "paper_materials": papers}}, ensure_ascii=False))
"""


def shenpi(env: dict, *args: str, **kw) -> subprocess.CompletedProcess:
    return subprocess.run([str(BIN / "shenpi"), *args], env=env, check=True, **kw)


def serve(env: dict, port: int) -> subprocess.Popen:
    return start_server(env, port)


def kind_env(method: str, who: str | None, setup: dict) -> dict:
    """What wrk's script sends for a kind: its method, body and credentials."""
    env = {**os.environ, "BENCH_METHOD": method, "BENCH_BODY": "", "BENCH_COOKIE": "", "BENCH_AUTH": "",
           "BENCH_PATHS": ""}
    if who == "many":  # many people, each from an address of their own, over the cases in setup["lookups"]
        env["BENCH_PATHS"] = setup["lookups_file"]
    elif who == "token":
        env["BENCH_AUTH"] = setup["token"]
    elif who:
        env["BENCH_COOKIE"] = setup["cookies"][who]
    if method == "POST":
        env["BENCH_BODY"] = json.dumps(setup["submit"], ensure_ascii=False)
    return env


def run_mix(port: int, setup: dict, seconds: int) -> dict[str, dict]:
    """Every kind at once, one wrk each; what each reported."""
    procs = {}
    for kind, method, path, who, conns in KINDS:
        url = f"http://127.0.0.1:{port}{path.format(**setup)}"
        procs[kind] = subprocess.Popen(["wrk", "-t1", f"-c{conns}", f"-d{seconds}s", "--timeout", "10s",
                                        "-s", str(LUA), url], env=kind_env(method, who, setup),
                                       stdout=subprocess.PIPE, text=True)
    out = {}
    for kind, p in procs.items():
        text, _err = p.communicate()
        out[kind] = json.loads(next(line for line in text.splitlines() if line.startswith("{")))
    return out


FLOOR_PATH = "/api/v1/workdays/day?date=2026-11-27"


def run_alone(port: int, seconds: int, path: str, env: dict | None = None) -> float:
    """One kind of request alone, with as many connections as the whole mix: req/s."""
    conns = sum(k[-1] for k in KINDS)
    env = env or {**os.environ, "BENCH_METHOD": "GET", "BENCH_BODY": "", "BENCH_COOKIE": "", "BENCH_AUTH": ""}
    out = subprocess.run(["wrk", "-t1", f"-c{conns}", f"-d{seconds}s", "--timeout", "10s", "-s", str(LUA),
                          f"http://127.0.0.1:{port}{path}"], env=env, capture_output=True, text=True).stdout
    r = json.loads(next(line for line in out.splitlines() if line.startswith("{")))
    return r["requests"] / (r["duration_us"] / 1e6)


def run_floor(port: int, seconds: int) -> float:
    """The machine's ceiling for this server: its cheapest answer (the clock API, one small
    query) alone, with as many connections as the mix. The mixed total reads against it, so
    that figures from different machines compare."""
    return run_alone(port, seconds, FLOOR_PATH)


def run_each_alone(port: int, setup: dict, seconds: int) -> dict[str, float]:
    """Every kind alone (req/s). In the mix, connections wait for answers (a closed loop): the
    more worker processes, the less a cheap page waits behind a dear one, and the mix's total
    grows by serving more of the cheap kinds. The rates alone give what the server sustains
    with the kinds in fixed shares, whatever the worker count."""
    return {kind: run_alone(port, seconds, path.format(**setup), kind_env(method, who, setup))
            for kind, method, path, who, _conns in KINDS}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=int, default=20)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--open", type=int, default=50_000, help="bulk open cases besides the demo's")
    ap.add_argument("--decided", type=int, default=200_000, help="bulk delivered cases besides the demo's")
    ap.add_argument("--without", action="append", default=[], help="leave a kind out (repeatable), to see "
                    "what it costs the others")
    ap.add_argument("--keep", metavar="NAME", help="use this database and keep it: loaded the first time, "
                    "reused as it is after (to measure change after change on the same data)")
    args = ap.parse_args()
    KINDS[:] = [k for k in KINDS if k[0] not in args.without]
    import psycopg
    with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as admin:
        kept = bool(args.keep) and admin.execute("SELECT 1 FROM pg_database WHERE datname = %s",
                                                 (args.keep,)).fetchone() is not None
        if args.keep and not kept:
            admin.execute(f'CREATE DATABASE "{args.keep}"')
    name = args.keep or create_database("shenpi_bench_http")
    var = tempfile.mkdtemp(prefix="shenpi-bench-")
    # Behind one proxy, as in production: the lookups come from many addresses (X-Forwarded-For),
    # so the guards against guessing count at their real limits, each address its own.
    env = {**os.environ, "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{name}", "SHENPI_VAR_DIR": var,
           "SHENPI_PROXY_COUNT": "1"}
    rounds: list[dict[str, dict]] = []
    try:
        shenpi(env, "migrate", "-v0")
        if not kept:
            shenpi(env, "demo-data", "--cases", stdout=subprocess.DEVNULL)
        if (args.open or args.decided) and not kept:
            shenpi(env, "shell", "-c", f"import sys; sys.path.insert(0, {str(ROOT)!r}); from bench.sweep import load; "
                   f"load({args.open}, 0, {args.decided})")
        setup = json.loads(shenpi(env, "shell", "-c", SETUP, capture_output=True, text=True).stdout.strip()
                           .splitlines()[-1])
        setup["lookups_file"] = str(Path(var) / "lookups.txt")
        Path(setup["lookups_file"]).write_text("\n".join(setup.pop("lookups")) + "\n")
        port = 18300
        p = serve(env, port)
        try:
            run_mix(port, setup, 3)  # warm up every process and its connection
            for _ in range(args.rounds):
                rounds.append(run_mix(port, setup, args.seconds))
            floor = run_floor(port, args.seconds)
            alone = run_each_alone(port, setup, max(5, args.seconds // 2))
        finally:
            os.killpg(p.pid, signal.SIGINT)
            p.wait(timeout=30)
    finally:
        if not args.keep:
            with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    now = datetime.now(ZoneInfo("Asia/Shanghai")).strftime("%Y-%m-%d %H:%M")
    lines = [f"# {machine()}; {now}",
             f"# shenpi serve (gunicorn, {int(os.environ.get('SHENPI_WEB_WORKERS') or 0) or default_workers()} workers, "
             "persistent "
             f"connections) on PostgreSQL; demo centre + {args.open:,} open and {args.decided:,} delivered bulk "
             f"cases; one wrk per kind, all at once, {args.seconds}s x {args.rounds} rounds; load client, server "
             "and database on the same cores",
             f"{'kind':<16} {'conns':>5} {'req/s (median, range)':>24} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} "
             f"{'errors':>6}"]
    totals = []
    for r in rounds:
        totals.append(sum(v["requests"] / (v["duration_us"] / 1e6) for v in r.values()))
    for kind, _m, _p, _w, conns in KINDS:
        rates = [r[kind]["requests"] / (r[kind]["duration_us"] / 1e6) for r in rounds]
        p50 = statistics.median(r[kind]["p50"] for r in rounds) / 1000
        p95 = statistics.median(r[kind]["p95"] for r in rounds) / 1000
        p99 = statistics.median(r[kind]["p99"] for r in rounds) / 1000
        errors = sum(r[kind]["errors"] + r[kind]["status_errors"] for r in rounds)
        lines.append(f"{kind:<16} {conns:>5} {statistics.median(rates):>10.0f} ({min(rates):.0f}-{max(rates):.0f})"
                     f"{'':>6} {p50:>7.1f} {p95:>7.1f} {p99:>7.1f} {errors:>6}")
    worst95 = max(statistics.median(r[k]["p95"] for r in rounds) / 1000 for k, *_ in KINDS)
    errors = sum(v["errors"] + v["status_errors"] for r in rounds for v in r.values())
    lines.append(f"{'mixed total':<16} {sum(c for *_, c in KINDS):>5} {statistics.median(totals):>10.0f} "
                 f"({min(totals):.0f}-{max(totals):.0f}) req/s; worst p95 {worst95:.0f} ms; {errors} errors "
                 f"(target >= 300 req/s, p95 < 200 ms, none)")
    lines.append(f"{'floor':<16} {sum(c for *_, c in KINDS):>5} {floor:>10.0f} req/s: the clock API alone "
                 f"(this server's cheapest answer); the mix is {statistics.median(totals) / floor:.0%} of it")
    # In fixed shares (each kind's share of the mix's connections), a request costs on average
    # the shares' weighted sum of 1/rate alone.
    conns = sum(c for *_, c in KINDS)
    fixed = 1 / sum(c / conns / alone[kind] for kind, *_, c in KINDS)
    lines.append(f"{'fixed shares':<16} {conns:>5} {fixed:>10.0f} req/s: the kinds in the mix's shares of connections, "
                 "from each alone (" + ", ".join(f"{kind} {alone[kind]:.0f}" for kind, *_ in KINDS) + ")")
    if args.without:
        lines.insert(2, f"# without: {', '.join(args.without)}")
    text = "\n".join(lines) + "\n"
    print(text, end="")
    with (ROOT / "bench" / "results" / "http.txt").open("a" if args.without else "w") as out:
        out.write(("\n" if args.without else "") + text)


if __name__ == "__main__":
    main()
