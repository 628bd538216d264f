"""Reading numbers and days from what a client sends: ASCII digits only.

``str.isdigit`` is true for "²" and "①", which ``int`` refuses, and ``int`` reads Arabic-Indic
and full-width digits that no clerk typed on purpose; every id, version and count from a query
string or a header goes through here instead."""

import datetime
import re

_WHOLE = re.compile(r"[0-9]{1,18}")


def whole_number(value: object) -> int | None:
    """The number written in ASCII digits (at most 18 of them, so it fits a 64-bit column),
    or None for anything else: missing, empty, signed, Unicode digits, NUL bytes."""
    if not isinstance(value, str):
        return None
    text = value.strip()
    return int(text) if _WHOLE.fullmatch(text) else None


_DAY = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")


def day(value: object) -> datetime.date | None:
    """A date given as a date or as YYYY-MM-DD, or None for anything else (an impossible day
    such as 2026-02-30 included): never an exception."""
    if isinstance(value, datetime.datetime):
        return None
    if isinstance(value, datetime.date):
        return value
    m = _DAY.fullmatch(value.strip()) if isinstance(value, str) else None
    if m is None:
        return None
    try:
        return datetime.date(int(m[1]), int(m[2]), int(m[3]))
    except ValueError:
        return None
