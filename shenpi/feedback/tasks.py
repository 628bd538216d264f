"""Periodic work of feedback (core.periodic): the overtime warnings on complaints and poor
ratings."""

from shenpi.core.periodic import periodic
from shenpi.core.sweeps import SweepResult

from .warnings import sweep_reminders


@periodic(key="feedback-warnings", every=300.0)
def sweep_feedback_warnings() -> SweepResult:
    return sweep_reminders()
