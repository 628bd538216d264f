"""Celery, used only when CELERY_BROKER_URL is set (e.g. redis://127.0.0.1:6379/0): the periodic
sweeps then run on Celery beat and workers instead of `shenpi worker`. The tasks and their
schedule are the ones the apps registered (core.periodic), the same list the worker runs.

    celery -A shenpi.config.celery worker --beat --loglevel=info
"""

import os

import django
from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shenpi.config.settings")
django.setup()  # the apps register their periodic work when they are loaded

from shenpi.core.periodic import Periodic, registered  # noqa: E402

app = Celery("shenpi")
app.config_from_object("django.conf:settings", namespace="CELERY")


def _task(entry: Periodic):
    def run():
        return entry.run().done

    run.__name__ = entry.name
    return app.task(name=f"shenpi.{entry.name}")(run)


for _entry in registered():
    globals()[_entry.name] = _task(_entry)  # shenpi.config.celery.<name>, for callers and tests

# SHENPI_BEAT_EVERY (seconds) runs every sweep that often instead (a test's real beat).
_every = float(os.environ.get("SHENPI_BEAT_EVERY", "0"))
app.conf.beat_schedule = {e.key: {"task": f"shenpi.{e.name}", "schedule": _every or e.every} for e in registered()}
