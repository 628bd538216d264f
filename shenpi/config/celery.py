"""Celery, used only when CELERY_BROKER_URL is set (e.g. redis://127.0.0.1:6379/0): the periodic
sweeps then run on Celery beat and workers instead of `shenpi worker`.

    celery -A shenpi.config.celery worker --beat --loglevel=info
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shenpi.config.settings")

app = Celery("shenpi")
app.config_from_object("django.conf:settings", namespace="CELERY")


@app.task(name="shenpi.sweep_deemed_acceptance")
def sweep_deemed_acceptance():
    from shenpi.cases.tasks import sweep_deemed_acceptance as sweep
    return sweep().done


@app.task(name="shenpi.sweep_provisional_dates")
def sweep_provisional_dates():
    from shenpi.cases.tasks import sweep_provisional_dates as sweep
    return sweep().done


@app.task(name="shenpi.deliver_outbox")
def deliver_outbox():
    from shenpi.cases.tasks import deliver_outbox as deliver
    return deliver().done


app.conf.beat_schedule = {
    "outbox": {"task": "shenpi.deliver_outbox", "schedule": 30.0},
    "deemed-acceptance": {"task": "shenpi.sweep_deemed_acceptance", "schedule": 60.0},
    "provisional-dates": {"task": "shenpi.sweep_provisional_dates", "schedule": 60.0},
}
