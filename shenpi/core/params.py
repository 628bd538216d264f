"""Reading numbers from what a client sends: ASCII digits only.

``str.isdigit`` is true for "²" and "①", which ``int`` refuses, and ``int`` reads Arabic-Indic
and full-width digits that no clerk typed on purpose; every id, version and count from a query
string or a header goes through here instead."""

import re

_WHOLE = re.compile(r"[0-9]{1,18}")


def whole_number(value: object) -> int | None:
    """The number written in ASCII digits (at most 18 of them, so it fits a 64-bit column),
    or None for anything else: missing, empty, signed, Unicode digits, NUL bytes."""
    if not isinstance(value, str):
        return None
    text = value.strip()
    return int(text) if _WHOLE.fullmatch(text) else None
