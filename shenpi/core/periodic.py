"""The periodic work, listed once. An app registers each of its sweeps here when it is loaded
(its AppConfig.ready imports its tasks module); ``shenpi worker`` runs what is registered in a
loop, and Celery beat schedules the same list when a broker is configured (config/celery.py).
The ground floor keeps the list and knows no app."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Periodic:
    name: str  # the function's name; Celery's task is "shenpi.<name>"
    key: str  # the beat schedule's entry
    every: float  # seconds between runs on Celery beat
    run: Callable[[], Any]  # returns a core.sweeps.SweepResult


_registry: dict[str, Periodic] = {}


def periodic(*, key: str, every: float) -> Callable:
    """Decorator: register a sweep, run every ``every`` seconds on Celery beat (``shenpi worker``
    runs every registered sweep each time round its loop)."""

    def register(fn: Callable) -> Callable:
        _registry[fn.__name__] = Periodic(name=fn.__name__, key=key, every=every, run=fn)
        return fn

    return register


def registered() -> list[Periodic]:
    """The registered sweeps, in the order they were registered."""
    return list(_registry.values())
