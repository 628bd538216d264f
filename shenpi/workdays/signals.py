"""What the calendar tells the layers above it (workdays imports no app above it).

``years_added`` is sent inside the transaction that puts years of the official schedule into
the calendar, after the version has moved on: every date counted provisionally in those years
is recounted there and then (standards.md §1). Receivers take ``years`` (list of int),
``reason`` (str, shown to people) and ``actor`` (a user or None), and return a Recount.
"""

from dataclasses import dataclass, field

from django.dispatch import Signal

years_added = Signal()


@dataclass
class Recount:
    """What a receiver recounted: the records whose dates moved, those it looked at, and the
    ones it could not recount (each named), which stay provisional and are logged."""

    moved: int = 0
    checked: int = 0
    failed: list[str] = field(default_factory=list)

    def __add__(self, other: "Recount") -> "Recount":
        return Recount(self.moved + other.moved, self.checked + other.checked, self.failed + other.failed)
