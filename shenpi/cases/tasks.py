"""Periodic work of the case lifecycle. Plain functions: `shenpi worker` runs them in a loop,
or Celery beat when CELERY_BROKER_URL is set (shenpi/config/celery.py)."""

from django.utils import timezone

from .lifecycle import State
from .models import Case
from .services import deem_accepted


def sweep_deemed_acceptance(on=None, limit: int = 1000) -> int:
    """Art. 32: record deemed acceptance for every case whose 5 working days ended unanswered.
    An index range scan over (state, acceptance_due); each case is claimed with a conditional
    update, so any number of workers may run this at once."""
    on = on or timezone.localdate()
    pks = list(Case.objects.filter(state=State.SUBMITTED, acceptance_due__lt=on)
               .order_by("acceptance_due").values_list("pk", flat=True)[:limit])
    return sum(1 for pk in pks if deem_accepted(case_pk=pk, on=on))


PERIODIC = [sweep_deemed_acceptance]
