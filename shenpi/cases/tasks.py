"""Periodic work of the case lifecycle. Plain functions: `shenpi worker` runs them in a loop,
or Celery beat when CELERY_BROKER_URL is set (shenpi/config/celery.py)."""

from django.utils import timezone

from shenpi.core.sweeps import SweepResult, sweep

from .lifecycle import State
from .models import Case
from .services import deem_accepted


def sweep_deemed_acceptance(on=None, limit: int = 1000) -> SweepResult:
    """Art. 32: record deemed acceptance for every case whose 5 working days ended unanswered.
    An index range scan over (state, acceptance_due); each case is claimed with a conditional
    update in its own transaction, so any number of workers may run this at once, and a case
    that fails is logged, counted and named while the others are recorded. (The acceptance is
    the law's whether or not this has run: services.accept and the reads know it too.)"""
    on = on or timezone.localdate()
    rows = list(Case.objects.filter(state=State.SUBMITTED, acceptance_due__lt=on)
                .order_by("acceptance_due").values_list("pk", "number")[:limit])
    return sweep("sweep_deemed_acceptance", rows, lambda row: deem_accepted(case_pk=row[0], on=on),
                 name=lambda row: row[1])


PERIODIC = [sweep_deemed_acceptance]
