"""Production serving (issue 12): `shenpi serve` is gunicorn with WhiteNoise's hashed static
files and the worker beside it, keeps its database connections, and answers 503 (not 500)
while the database refuses connections."""

import io
import os
import re
import signal
import time

import psycopg
import pytest
from django.core.management import call_command
from django.db import connection

from .servers import env_for, get, serving


@pytest.fixture
def committed_demo(transactional_db, seeded, audit_flushable):
    call_command("demo-data", stdout=io.StringIO())


def test_serve_is_gunicorn_with_hashed_static_files_and_the_worker(committed_demo, tmp_path):
    log = tmp_path / "serve.log"
    with serving(env_for(tmp_path, SHENPI_WEB_MAX_REQUESTS="30"), "--workers", "2", log=log) as (base, proc):
        status, headers, body = get(base + "/")
        assert status == 200 and headers["Server"].startswith("gunicorn")
        css = re.search(r'href="(/static/[^"]+\.[0-9a-f]{12}\.css)"', body.decode()).group(1)
        status, headers, _ = get(base + css, headers={"Accept-Encoding": "gzip"})
        assert status == 200 and "immutable" in headers["Cache-Control"] and headers.get("Content-Encoding") == "gzip"
        assert get(base + "/staff/")[0] == 200  # the login page, after a redirect
        for _ in range(100):
            if "shenpi worker:" in log.read_text():
                break
            time.sleep(0.2)
        # A worker is replaced after its requests (here 30, +-3): two workers, 90 requests.
        assert all(get(base + "/api/v1/workdays/day?date=2026-11-27")[0] == 200 for _ in range(90))
        for _ in range(100):
            if log.read_text().count("Booting worker") > 2:
                break
            time.sleep(0.2)
        children = [int(p) for p in os.popen(f"pgrep -g {os.getpgid(proc.pid)}").read().split()]
        assert len(children) >= 5  # serve, gunicorn's master and 2 workers, the worker
        os.killpg(proc.pid, signal.SIGINT)
        assert proc.wait(timeout=30) == 0
    text = log.read_text()
    assert "shenpi worker:" in text and text.count("Booting worker") > 2 and "Autorestarting worker" in text
    assert "development server" not in text.lower()
    assert not any(os.path.exists(f"/proc/{pid}") and open(f"/proc/{pid}/stat").read().split()[2] != "Z"
                   for pid in children)


@pytest.mark.skipif("os.environ.get('DATABASE_URL', '').startswith('sqlite') or not os.environ.get('DATABASE_URL')",
                    reason="PostgreSQL only: connections and a database refusing them")
def test_connections_persist_and_a_refusing_database_gets_503_with_a_retry_hint(committed_demo, tmp_path):
    name = connection.settings_dict["NAME"]

    def server_backends() -> set:
        with connection.cursor() as cur:
            # Client backends only: autovacuum, woken by the demo's load, also names the database.
            cur.execute("SELECT pid FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()"
                        " AND backend_type = 'client backend'", [name])
            return {r[0] for r in cur.fetchall()}

    with serving(env_for(tmp_path), "--workers", "2", "--no-worker") as (base, _proc):
        for _ in range(10):
            assert get(base + "/")[0] == 200
        # Until both gunicorn workers have served a request that reads the database (the home page
        # may come from the page cache), each has not yet opened its connection.
        for _ in range(200):
            assert get(base + "/api/v1/catalog/items/")[0] == 200
            if len(server_backends()) >= 2:
                break
        before = server_backends()
        for _ in range(20):
            assert get(base + "/api/v1/catalog/items/")[0] == 200
        assert before and server_backends() == before  # the same connections served every request
        with connection.cursor() as cur:
            cur.execute("SELECT pg_backend_pid()")
            mine = cur.fetchone()[0]
        admin = psycopg.connect(host=connection.settings_dict["HOST"] or "127.0.0.1",
                                port=connection.settings_dict["PORT"] or 5432,
                                user=connection.settings_dict["USER"] or "postgres", dbname="postgres",
                                autocommit=True)
        # What a restart looks like from the servers: their connections drop and new ones are refused.
        admin.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false')
        admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s AND pid <> %s",
                      [name, mine])
        try:
            for path in ("/", "/api/v1/catalog/items/", "/lookup/?number=HY1&code=1"):
                for _ in range(3):
                    status, headers, body = get(base + path)
                    assert status == 503, (path, status, body[:300])
                    assert int(headers["Retry-After"]) > 0
                    if path.startswith("/api/"):
                        assert "detail" in __import__("json").loads(body)
                    else:
                        assert "服务暂时不可用" in body.decode()
        finally:
            admin.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true')
            admin.close()
        assert get(base + "/")[0] == 200  # back at once, without a restart


def test_settings_keep_connections_with_health_checks():
    from django.conf import settings
    db = settings.DATABASES["default"]
    assert db["CONN_MAX_AGE"] >= 60 and db["CONN_HEALTH_CHECKS"] is True


@pytest.mark.django_db
def test_prepared_statements_are_planned_for_their_own_values():
    """With statements prepared (PostgreSQL, not behind pgbouncer), each run is still planned
    for its values: a generic plan read a reviewer's 30,000 open steps whole (bench/volume.py)."""
    from django.conf import settings
    from django.db import connection
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only")
    with connection.cursor() as cur:
        cur.execute("SHOW plan_cache_mode")
        mode = cur.fetchone()[0]
    prepared = settings.DATABASES["default"]["OPTIONS"].get("prepare_threshold")
    assert mode == ("force_custom_plan" if prepared else "auto")
