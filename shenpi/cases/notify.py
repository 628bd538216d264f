"""Telling applicants of every change (C7) through a pluggable sender.

The default keeps each message in the Outbox table (shown in the admin); with
SHENPI_SMS_SENDER set to a dotted path, that callable delivers them (an SMS gateway adapter).
"""

from django.conf import settings
from django.template import Context
from django.utils.module_loading import import_string

from . import store
from .lifecycle import State
from .models import Outbox
from .notices import TEXTS


def case_changed(case, action: str) -> Outbox:
    from shenpi.workdays.selectors import current_calendar

    cal = current_calendar(getattr(case, "calendar_version", None))
    promised = f"{case.promised_due}{'(暂定)' if cal.is_provisional(case.promised_due) else ''}"
    # One template per action (cases/templates/cases/messages/<action>.txt), else default.txt.
    body = TEXTS.select_template([f"cases/messages/{action}.txt", "cases/messages/default.txt"]).render(Context({
        "centre": case.centre.name, "number": case.number, "code": case.query_code, "promised_due": promised,
        "state": State(case.state).label}, autoescape=False)).strip()
    from .signals import message_extra
    for _receiver, extra in message_extra.send(sender=type(case), case=case, action=action):
        if isinstance(extra, str) and extra:
            body += extra
    # Queued with the change, in its transaction; the worker sends it (deliver_outbox), so no
    # request waits on a gateway and a message is never sent for a change that rolled back.
    return store.insert(Outbox(case=case, phone=case.applicant_phone, body=body), need_pk=False)


# Tries of one message before it is left for a person to look at (the admin lists failures).
MAX_ATTEMPTS = 8


def backoff(attempts: int):
    """1, 2, 4 … minutes after each failed try, at most an hour."""
    from datetime import timedelta
    return timedelta(minutes=min(2 ** max(attempts - 1, 0), 60))


def deliver_outbox(*, limit: int = 200):
    """Send the messages due through SHENPI_SMS_SENDER (a callable taking the outbox id and
    returning whether it was sent), each claimed first with a conditional update that leases
    it, so any number of workers never send one twice; a failed send is tried again later with
    backoff, up to MAX_ATTEMPTS. Without a sender configured, messages stay in the outbox."""
    from django.db.models import Q
    from django.utils import timezone

    from shenpi.core.sweeps import SweepResult, sweep

    path = getattr(settings, "SHENPI_SMS_SENDER", "")
    if not path:
        return SweepResult("deliver_outbox")
    sender = import_string(path)
    now = timezone.now()
    due = Q(sent_at__isnull=True, attempts__lt=MAX_ATTEMPTS) & (Q(next_attempt_at__isnull=True)
                                                                 | Q(next_attempt_at__lte=now))
    rows = list(Outbox.objects.filter(due).order_by("created_at").values_list("pk", "next_attempt_at")[:limit])

    def send(row):
        pk, seen = row
        lease = timezone.now() + backoff(MAX_ATTEMPTS)
        if not Outbox.objects.filter(pk=pk, sent_at__isnull=True, next_attempt_at=seen).update(next_attempt_at=lease):
            return False  # another worker has it
        if sender(pk):
            return True
        attempts = Outbox.objects.filter(pk=pk).values_list("attempts", flat=True).first() or 1
        Outbox.objects.filter(pk=pk, sent_at__isnull=True).update(next_attempt_at=timezone.now() + backoff(attempts))
        raise RuntimeError(Outbox.objects.filter(pk=pk).values_list("error", flat=True).first() or "not sent")

    return sweep("deliver_outbox", rows, send, name=lambda row: f"outbox {row[0]}")
