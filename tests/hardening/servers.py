"""Shenpi as deployed, in a test: `shenpi serve` (gunicorn) in its own processes on a database
the test can see (PostgreSQL: the test database itself; SQLite: a copy of it in a file)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.db import connection

BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def database_url(tmp_path: Path) -> str:
    """A URL another process can open with what this test has committed (transactional_db)."""
    db = settings.DATABASES["default"]
    if connection.vendor == "postgresql":
        return f"postgres://{db['USER'] or 'postgres'}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    copy = tmp_path / "copy.sqlite3"
    with connection.cursor() as cur:
        cur.execute("VACUUM INTO %s", [str(copy)])
    return f"sqlite:///{copy}"


def clean_environ() -> dict:
    """This process's environment without what tests set for themselves (the browser tests
    allow Django's ORM in async code; a deployment never does)."""
    return {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}


def env_for(tmp_path: Path, **extra: str) -> dict:
    var = tmp_path / "var"
    var.mkdir(exist_ok=True)
    return {**clean_environ(), "DATABASE_URL": database_url(tmp_path), "SHENPI_VAR_DIR": str(var),
            "SHENPI_SECRET_KEY": "test-only-" + "k" * 50, **extra}


def get(url: str, timeout: float = 10.0, headers: dict | None = None):
    """(status, headers, body) without raising on 4xx/5xx."""
    req = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return r.status, dict(r.headers), r.read()
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), e.read()


@contextmanager
def serving(env: dict, *args: str, log: Path | None = None):
    """`shenpi serve` on a free port; yields its base URL; Ctrl-C (SIGINT) stops it."""
    port = free_port()
    out = open(log or os.devnull, "wb")
    proc = subprocess.Popen([str(BIN / "shenpi"), "serve", "--bind", f"127.0.0.1:{port}", *args],
                            env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                get(base + "/favicon.ico", timeout=2)
                break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"shenpi serve did not start (exit {proc.poll()})") from None
                time.sleep(0.3)
        yield base, proc
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGINT)  # what Ctrl-C does in a terminal
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
        out.close()
