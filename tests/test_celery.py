"""Celery carries the periodic sweeps when a broker is configured; without one, tasks run eagerly."""

import socket

import pytest

from shenpi.config.celery import app, sweep_deemed_acceptance


def test_beat_schedules_the_sweep():
    assert app.conf.beat_schedule["deemed-acceptance"]["task"] == sweep_deemed_acceptance.name


@pytest.mark.django_db
def test_task_runs_eagerly_without_a_broker():
    assert sweep_deemed_acceptance.delay().get(timeout=10) == 0


def redis_up() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=0.5).close()
        return True
    except OSError:
        return False


@pytest.mark.skipif(not redis_up(), reason="CELERY ROUND TRIP SKIPPED: no Redis on 127.0.0.1:6379")
def test_broker_round_trip_through_redis():
    """Send the task through a real Redis broker and take it off the queue again."""
    import kombu
    with kombu.Connection("redis://127.0.0.1:6379/15") as conn:
        app.conf.broker_url = "redis://127.0.0.1:6379/15"
        app.conf.task_always_eager = False
        try:
            result = sweep_deemed_acceptance.apply_async(connection=conn, queue="shenpi-test")
            with conn.SimpleQueue("shenpi-test") as queue:
                message = queue.get(timeout=5)
                assert message.headers["task"] == "shenpi.sweep_deemed_acceptance"
                assert message.headers["id"] == result.id
                message.ack()
        finally:
            app.conf.broker_url = None
            app.conf.task_always_eager = True
