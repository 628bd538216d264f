"""The sweeps on the real topology (issue 13, item 8): a Celery worker with beat, on Redis, in
its own process, against the database the test can see; a case past its limits gets its cards."""

import os
import signal
import sqlite3
import subprocess
import time

import pytest
from django.db import connection

from shenpi.supervision.models import Card
from tests.hardening.servers import BIN, env_for
from tests.test_celery import redis_up

from .test_warnings import accepted


@pytest.mark.skipif(not redis_up(), reason="CELERY TOPOLOGY SKIPPED: no Redis on 127.0.0.1:6379")
@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("seeded", "audit_flushable")
def test_celery_beat_and_a_worker_on_redis_make_the_cards(tmp_path, on):
    import io

    from django.core.management import call_command
    call_command("demo-data", stdout=io.StringIO())
    case = accepted(on)  # in March 2026: the worker, on the real clock, finds it long past its limits
    env = env_for(tmp_path, CELERY_BROKER_URL="redis://127.0.0.1:6379/13", SHENPI_BEAT_EVERY="1")
    url = env["DATABASE_URL"]
    proc = subprocess.Popen([str(BIN / "celery"), "-A", "shenpi.config.celery", "worker", "--beat", "--pool", "solo",
                             "--loglevel", "info", "--schedule", str(tmp_path / "beat-schedule")],
                            env=env, cwd=tmp_path, stdout=open(tmp_path / "celery.log", "wb"),
                            stderr=subprocess.STDOUT, start_new_session=True)

    def cards() -> int:
        if url.startswith("sqlite"):
            with sqlite3.connect(url.removeprefix("sqlite:///")) as db:
                return db.execute("SELECT count(*) FROM supervision_card WHERE case_id = ?", [case.pk]).fetchone()[0]
        return Card.objects.filter(case=case).count()

    try:
        deadline = time.monotonic() + 90
        while cards() == 0 and time.monotonic() < deadline and proc.poll() is None:
            time.sleep(1)
        made = cards()
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)
    log = (tmp_path / "celery.log").read_text()
    assert made >= 2, log[-3000:]  # red on the promised limit, severe on the statutory one (and its steps)
    assert "shenpi.sweep_overtime_warnings" in log and "succeeded" in log
    if connection.vendor == "postgresql":
        assert set(Card.objects.filter(case=case, step__isnull=True).values_list("level", flat=True)) == {"red", "severe"}
