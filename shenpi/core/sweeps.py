"""Periodic sweeps that never stop on one bad record.

A sweep hands each record it found to a function that acts on it in its own transaction. A
record that fails is logged with its name, counted, kept in the sweep's run record (shown in
the admin and printed by ``shenpi worker``), and the sweep goes on with the next one: one case
whose data the code cannot handle must not hold up every case behind it (issue 9)."""

import logging
from dataclasses import dataclass, field

from django.utils import timezone

log = logging.getLogger("shenpi.sweeps")


@dataclass
class SweepResult:
    task: str
    done: int = 0
    failed: list[tuple[str, str]] = field(default_factory=list)  # (record, error)

    def __str__(self):
        text = f"{self.task}: {self.done}"
        if self.failed:
            text += f", {len(self.failed)} failed ({', '.join(name for name, _e in self.failed)})"
        return text


def sweep(task: str, items, act, *, name=str) -> SweepResult:
    """Call ``act(item)`` for each item (it returns whether it did something, or how many things
    it did, for an item that is a batch); an exception is that item's failure alone. Runs that
    did something or failed are recorded."""
    from .models import SweepRun

    started = timezone.now()
    result = SweepResult(task)
    for item in items:
        try:
            result.done += int(act(item) or 0)
        except Exception as exc:  # noqa: BLE001 - the point: any failure of one record is that record's
            label = name(item)
            log.exception("%s: %s failed", task, label)
            result.failed.append((label, f"{type(exc).__name__}: {exc}"[:500]))
    if result.done or result.failed:
        try:
            SweepRun.objects.create(task=task, started_at=started, finished_at=timezone.now(), done=result.done,
                                    failed=len(result.failed),
                                    failures=[{"record": n, "error": e} for n, e in result.failed])
        except Exception:  # noqa: BLE001 - the record of a run must not undo the run
            log.exception("%s: could not record the run", task)
    return result
