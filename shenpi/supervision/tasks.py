"""Periodic work of supervision (core.periodic): `shenpi worker` runs it in a loop, Celery beat
when a broker is configured."""

from shenpi.core.periodic import periodic
from shenpi.core.sweeps import SweepResult, sweep

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


@periodic(key="watch-tally", every=60.0)
def fold_watch_tally() -> SweepResult:
    """The dashboard's tally of the cases watched, folded to one row a key and counted again
    from the cases (supervision.tally). Nothing is done to a record: a run is recorded only if
    it fails."""
    from .tally import rebuild

    def fold(_item: None) -> int:
        rebuild()
        return 0  # a fold acts on no record: nothing to count as done
    return sweep("fold_watch_tally", [None], fold, name=lambda _item: "tally")
