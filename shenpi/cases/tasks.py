"""Periodic work of the case lifecycle, registered once (core.periodic): `shenpi worker` runs
it in a loop, or Celery beat when CELERY_BROKER_URL is set (shenpi/config/celery.py)."""

from django.utils import timezone

from shenpi.core.periodic import periodic
from shenpi.core.sweeps import SweepResult, sweep

from .lifecycle import State
from .models import Case
from .services import deem_accepted, recount_dates


@periodic(key="deemed-acceptance", every=60.0)
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


_recounted_at_version: int | None = None


@periodic(key="provisional-dates", every=60.0)
def sweep_provisional_dates() -> SweepResult:
    """After any change of the calendar, recount the cases still marked provisional. Entering a
    year recounts them in its own transaction; this catches a case that a transition committed
    with the old calendar while the year went in, and so never stays behind. Runs its query only
    when the calendar's version has moved since this process last looked (the first time too)."""
    global _recounted_at_version
    from django.utils.translation import gettext as _

    from shenpi.workdays.selectors import calendar_version

    version = calendar_version()
    if version == _recounted_at_version:
        return SweepResult("sweep_provisional_dates")
    rows = list(Case.objects.filter(provisional=True).order_by("pk").values_list("pk", "number"))
    reason = _("The working-day calendar changed.")
    result = sweep("sweep_provisional_dates", rows, lambda row: recount_dates(case_pk=row[0], reason=reason),
                   name=lambda row: row[1])
    _recounted_at_version = version
    return result


@periodic(key="archive", every=600.0)
def archive_delivered_cases(on=None, limit: int = 2000) -> SweepResult:
    """Issue 16: the notices, sent messages and history of cases delivered more than
    SHENPI_ARCHIVE_AFTER_DAYS ago leave the
    working tables (cases/archive.py), oldest first, a case per transaction, along a partial
    index of the delivered cases not yet archived."""
    from .archive import archive_case, dictionary, due
    on = on or timezone.localdate()
    rows = due(on, limit)
    using = dictionary(on) if rows else None
    return sweep("archive_delivered_cases", rows, lambda row: archive_case(case_pk=row[0], on=on, using=using),
                 name=lambda row: row[1])


@periodic(key="outbox", every=30.0)
def deliver_outbox() -> SweepResult:
    """Messages to applicants, through the configured sender with retries (notify.deliver_outbox)."""
    from .notify import deliver_outbox as deliver
    return deliver()

