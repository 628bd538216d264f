"""The province topology in one test (issue 16, item 5): two application servers (`shenpi
serve`, gunicorn, separate processes) on one PostgreSQL, a Celery worker (two processes) and
Celery beat on Redis, the shared counters on Redis too. Cases are submitted through both servers
at once, each submission retried on the other server with its Idempotency-Key as a client
behind a load balancer would, and accepted through the server that did not receive it; beat
meanwhile sends every sweep each second, so sweeps overlap one another and the writes. Then:
no case number twice, no case made twice by a retry, each old case deemed accepted by law once,
no card twice, and the audit chain verifies.

PostgreSQL only (on SQLite the servers would share one file, which is not this topology); CI
runs it in its PostgreSQL pass."""

import concurrent.futures
import json
import os
import signal
import subprocess
import time
import urllib.request
from collections import Counter

import pytest
from django.db import connection
from django.db.models import Count

from shenpi.audit.services import first_broken_entry
from shenpi.cases import services as s
from shenpi.cases.models import Case, CaseEvent
from shenpi.supervision.models import Card
from tests.cases.conftest import applicant, complete, item, user
from tests.hardening.servers import BIN, env_for, serving
from tests.test_celery import redis_up

PERMIT = "建筑工程施工许可证核发"
SUBMISSIONS = 40


def call(base, path, token, body=None, key=None):
    headers = {"Authorization": f"Token {token}", "Content-Type": "application/json"}
    if key:
        headers["Idempotency-Key"] = key
    req = urllib.request.Request(base + path, data=json.dumps(body or {}).encode(), headers=headers, method="POST")
    try:
        with urllib.request.urlopen(req, timeout=60) as r:
            return r.status, json.loads(r.read())
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()[:500]


@pytest.mark.skipif(not redis_up(), reason="TOPOLOGY TEST SKIPPED: no Redis on 127.0.0.1:6379")
@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("seeded", "audit_flushable")
def test_two_servers_a_celery_worker_and_beat_on_one_database(tmp_path, on):
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only: several servers on one database (CI runs it on PostgreSQL)")
    import io

    import redis
    from django.core.management import call_command
    from knox.models import AuthToken
    call_command("demo-data", stdout=io.StringIO())
    # Work for the sweeps, received in March: applications never answered (accepted by law
    # when swept, Art. 32) and accepted cases long past their limits (cards).
    on(2026, 3, 2)
    unanswered = [s.submit(actor=user("clerk"), item=item(PERMIT), channel="window", paper_materials=complete(PERMIT),
                           **applicant()) for _ in range(6)]
    late = []
    for _ in range(4):
        c = s.submit(actor=user("clerk"), item=item(PERMIT), channel="window", paper_materials=complete(PERMIT),
                     **applicant())
        late.append(s.accept(actor=user("clerk"), case=c))
    import datetime as dt
    _row, token = AuthToken.objects.create(user("clerk"), expiry=dt.timedelta(days=3650))  # made in March
    body = {"item": item(PERMIT).pk, "channel": "window", **applicant(), "paper_materials": complete(PERMIT)}
    for db in (11, 12):
        redis.Redis(host="127.0.0.1", port=6379, db=db).flushdb()
    env = env_for(tmp_path, CELERY_BROKER_URL="redis://127.0.0.1:6379/12", SHENPI_CACHE_URL="redis://127.0.0.1:6379/11",
                  SHENPI_BEAT_EVERY="1")
    celery = [str(BIN / "celery"), "-A", "shenpi.config.celery"]
    background = [
        subprocess.Popen([*celery, "worker", "--concurrency", "2", "--loglevel", "info"], env=env, cwd=tmp_path,
                         stdout=open(tmp_path / "worker.log", "wb"), stderr=subprocess.STDOUT, start_new_session=True),
        subprocess.Popen([*celery, "beat", "--loglevel", "info", "--schedule", str(tmp_path / "beat-schedule")],
                         env=env, cwd=tmp_path, stdout=open(tmp_path / "beat.log", "wb"), stderr=subprocess.STDOUT,
                         start_new_session=True),
    ]
    try:
        with serving(env, "--no-worker", "--workers", "2", log=tmp_path / "a.log") as (a, _pa), \
                serving(env, "--no-worker", "--workers", "2", log=tmp_path / "b.log") as (b, _pb):
            servers = [a, b]

            def submit_and_retry(i):
                first = call(servers[i % 2], "/api/v1/cases/", token, body, key=f"topology-{i}")
                again = call(servers[(i + 1) % 2], "/api/v1/cases/", token, body, key=f"topology-{i}")
                return first, again

            with concurrent.futures.ThreadPoolExecutor(8) as pool:
                made = list(pool.map(submit_and_retry, range(SUBMISSIONS)))
                assert all(f[0] == 201 and g[0] == 200 and f[1]["number"] == g[1]["number"] for f, g in made), made[:3]
                numbers = [f[1]["number"] for f, _g in made]

                def accept(i):
                    return call(servers[(i + 1) % 2], f"/api/v1/cases/{numbers[i]}/accept/", token)
                accepted = list(pool.map(accept, range(SUBMISSIONS)))
            assert all(code == 200 and r["state"] == "accepted" for code, r in accepted), accepted[:3]
            # The sweeps find the old work while the servers are up.
            deadline = time.monotonic() + 120
            while time.monotonic() < deadline and not (
                    Case.objects.filter(pk__in=[c.pk for c in unanswered], deemed_accepted=True).count() == 6
                    and Card.objects.filter(case__in=late).values("case").distinct().count() == 4):
                time.sleep(1)
            time.sleep(3)  # a few more beats: sweeps run again over what is already done
    finally:
        for p in background:
            os.killpg(p.pid, signal.SIGTERM)
        for p in background:
            p.wait(timeout=30)
    worker_log = (tmp_path / "worker.log").read_text()
    beat_log = (tmp_path / "beat.log").read_text()
    assert beat_log.count("shenpi.sweep_deemed_acceptance") >= 5, beat_log[-2000:]
    assert "shenpi.sweep_deemed_acceptance" in worker_log and "succeeded" in worker_log, worker_log[-3000:]
    # No case number twice, and the retries made nothing.
    assert len(set(numbers)) == SUBMISSIONS
    assert Case.objects.filter(number__in=numbers).count() == SUBMISSIONS
    assert not Case.objects.values("number").annotate(n=Count("pk")).filter(n__gt=1).exists()
    # Each unanswered case accepted by law once; each late one carded once per clock and level.
    deemed = Counter(CaseEvent.objects.filter(case__in=unanswered, action="deem_accept").values_list("case_id", flat=True))
    assert sorted(deemed.values()) == [1] * 6, deemed
    assert Card.objects.filter(case__in=late).values("case").distinct().count() == 4
    twice = (Card.objects.values("case", "step", "clock", "level").annotate(n=Count("pk")).filter(n__gt=1))
    assert not twice.exists(), list(twice)
    assert first_broken_entry() is None
