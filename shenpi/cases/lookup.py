"""The public lookup by case number and query code, guarded against guessing.

A query code is 8 characters from an alphabet without look-alikes (31 symbols: about 8.5 × 10¹¹
codes), and guesses are limited three ways through counters every server shares
(core.throttle): lookups per address per minute, failures per address per hour and failures
per case number per hour, whichever comes first. A refused or failed lookup is recorded (LookupFailure) for supervisors. Older cases keep
their six-digit codes; they are looked up the same way."""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from shenpi.core.exceptions import TooMany
from shenpi.core.sql import keyed_plans
from shenpi.core.throttle import count_all, uncount

from . import selectors
from .models import Case, LookupFailure

MINUTE, HOUR = 60, 3600


def _record(*, number: str, address: str, failed: int = 0, throttled: int = 0) -> None:
    try:
        ip = str(ipaddress.ip_address(address))
    except ValueError:
        ip = ""
    key = {"day": timezone.localdate(), "number": number[:40], "address": ip}
    changes = {"failures": F("failures") + failed, "throttled": F("throttled") + throttled}
    if not LookupFailure.objects.filter(**key).update(**changes):
        try:
            with transaction.atomic():
                LookupFailure.objects.create(**key, failures=failed, throttled=throttled)
        except IntegrityError:  # another process made the row first
            LookupFailure.objects.filter(**key).update(**changes)


def find(*, address: str, number: str, code: str) -> Case | None:
    """The case if the number and code match; None if not; TooMany when this address or this
    number has had too many tries for now."""
    number, code = (number or "").strip().upper()[:40], (code or "").strip().upper()[:16]
    if not number or not code:
        return None
    limits = settings.SHENPI_LOOKUP_LIMITS
    checks = [(f"lookup-rate:{address}", limits["per_address_per_minute"], MINUTE),
              (f"lookup-fail-address:{address}", limits["failures_per_address_per_hour"], HOUR),
              (f"lookup-fail-number:{number}", limits["failures_per_number_per_hour"], HOUR)]
    # Counted before the lookup and refused past the limit, so requests at once cannot pass a
    # limit together; a lookup that was refused, or found its case, gives its failure back.
    # Counting, reading and giving back are one short transaction (with the read's generic plan,
    # core.sql.keyed_plans), committed before the page is drawn: the counter rows it writes stay
    # locked until it ends, and every lookup from the same address (a carrier's or a company's
    # gateway) waits for them.
    fails = [key for key, _limit, _window in checks[1:]]
    with keyed_plans():
        now = count_all(*((key, window) for key, _limit, window in checks))
        refused_for = next((window for key, limit, window in checks if now[key] > limit), None)
        if refused_for is not None:
            case = None
            uncount(*fails)
            _record(number=number, address=address, throttled=1)
        else:
            case = selectors.public_lookup(number=number, query_code=code)
            if case is None:
                _record(number=number, address=address, failed=1)
            else:
                uncount(*fails)
    if refused_for is not None:
        raise TooMany(_("Too many lookups: try again in %(minutes)d minutes, or ask at the centre's "
                        "window or hotline.") % {"minutes": max(1, refused_for // MINUTE)}, retry_after=refused_for)
    return case
