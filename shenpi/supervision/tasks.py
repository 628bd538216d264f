"""Periodic work of supervision (core.periodic): `shenpi worker` runs it in a loop, Celery beat
when a broker is configured."""

from shenpi.core.periodic import periodic
from shenpi.core.sweeps import SweepResult

from .warnings import sweep_warnings


@periodic(key="warnings", every=60.0)
def sweep_overtime_warnings() -> SweepResult:
    return sweep_warnings()


@periodic(key="anomaly-rules", every=60.0)
def sweep_anomaly_rules() -> SweepResult:
    from .rules import sweep_new_events
    return sweep_new_events()


@periodic(key="day-figures", every=600.0)
def sweep_day_figures() -> SweepResult:
    """The dashboard's figures of the days that are over (supervision.figures)."""
    from .figures import make_days
    return make_days()
