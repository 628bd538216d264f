"""Periodic work of supervision (core.periodic): `shenpi worker` runs it in a loop, Celery beat
when a broker is configured."""

from shenpi.core.periodic import periodic
from shenpi.core.sweeps import SweepResult

from .warnings import sweep_warnings


@periodic(key="warnings", every=60.0)
def sweep_overtime_warnings() -> SweepResult:
    return sweep_warnings()
