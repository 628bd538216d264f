"""Periodic work of the ground floor (core.periodic): guard counters whose window has passed
are deleted, so the table holds only those that still count."""

from .periodic import periodic
from .sweeps import SweepResult
from .throttle import forget_expired


@periodic(key="purge-expired-counters", every=3600.0)
def purge_expired_counters() -> SweepResult:
    return SweepResult("purge_expired_counters", done=forget_expired())
