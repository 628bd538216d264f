"""Counters over a time window, shared by every server process through the database
(core.models.Counter), and the client's address as the lockout sees it.

A counter is raised by one statement that inserts it or adds one (starting again at one once
its window has passed) and returns the count: atomic on SQLite and PostgreSQL alike, so two
processes counting at once count two. The cache would not do: Django's incr on files is a read
then a write, and the file cache drops entries at random to make room."""

from __future__ import annotations

import ipaddress
from datetime import timedelta
from functools import cache
from typing import Any

from django.conf import settings
from django.db import connection
from django.utils import timezone

from .models import Counter
from .sql import Statement, is_postgresql, read_together, table


def client_address(request: Any) -> str:
    """The client's address (address_of), or "unknown" in a request that has none."""
    return address_of(request) or "unknown"


def address_of(request: Any) -> str | None:
    """The client's address: REMOTE_ADDR, or behind SHENPI_PROXY_COUNT proxies the address the
    farthest of them saw, the count-th entry of X-Forwarded-For from the right (each proxy adds
    the address it was reached from, so entries further left are whatever the client wrote).
    With fewer entries than proxies, or one that is no address, REMOTE_ADDR. The login lockout
    reads it too (AXES_CLIENT_IP_CALLABLE)."""
    meta = request.META
    proxies = settings.SHENPI_PROXY_COUNT
    if proxies > 0:
        entries = [e.strip() for e in meta.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        if len(entries) >= proxies:
            try:
                return str(ipaddress.ip_address(entries[-proxies]))
            except ValueError:
                pass
    return meta.get("REMOTE_ADDR") or None


def _moment(value) -> Any:
    """A moment as the column stores it (on SQLite, text in UTC)."""
    return Counter._meta.get_field("expires_at").get_db_prep_value(value, connection)


def _name(key: str) -> str:
    """The counter's row: the key as it is (an address, a case number someone typed), cut to the
    column, with a NUL byte, which PostgreSQL refuses in text, written as U+FFFD instead."""
    return key.replace("\x00", "\ufffd")[:Counter._meta.get_field("name").max_length]


@cache
def _count_sql(rows: int) -> str:
    t = table(Counter)
    return (f"INSERT INTO {t} (name, hits, expires_at) VALUES {', '.join(['(%s, 1, %s)'] * rows)} "
            f"ON CONFLICT (name) DO UPDATE SET "
            f"hits = CASE WHEN {t}.expires_at <= %s THEN 1 ELSE {t}.hits + 1 END, "
            f"expires_at = CASE WHEN {t}.expires_at <= %s THEN excluded.expires_at ELSE {t}.expires_at END "
            f"RETURNING name, hits")


def count(key: str, window_seconds: int) -> int:
    """Add one to the counter and return it; it starts at the first hit and is forgotten after
    the window."""
    return count_all((key, window_seconds))[key]


def count_all(*counters: tuple[str, int]) -> dict[str, int]:
    """Add one to each (key, window in seconds) counter in one statement and return their values
    with this hit counted. A guard that counts before it acts and refuses past its limit lets
    exactly the limit through, however many requests come at once; one that reads, acts, then
    counts lets through every request that read before the others counted."""
    now = timezone.now()
    at = _moment(now)
    rows: dict[str, Any] = {}  # by stored name: two keys cut to one name are one counter
    for key, window in counters:
        rows.setdefault(_name(key), _moment(now + timedelta(seconds=window)))
    # In one order, so two statements raising the same counters on PostgreSQL lock them alike.
    params = [v for name, until in sorted(rows.items()) for v in (name, until)]
    with connection.cursor() as cur:
        cur.execute(_count_sql(len(rows)), [*params, at, at])
        found = {name: int(n) for name, n in cur.fetchall()}
    return {key: found[_name(key)] for key, _window in counters}


def uncount(*keys: str) -> None:
    """Take back one hit from each counter still in its window: what a guard counted before it
    acted, when the act turned out not to be what it limits (a lookup that found its case, a
    password that was right, a complaint the service refused)."""
    names = sorted({_name(k) for k in keys})
    if not names:
        return
    t, marks = table(Counter), ", ".join(["%s"] * len(names))
    # On PostgreSQL an UPDATE locks its rows in the order it finds them, which need not be the
    # order count_all locks them in (by name): two requests, one counting and one giving back,
    # would each wait for a row the other holds (a deadlock, one of them failing a second
    # later). So the rows are locked first, by name.
    rows = (f"(SELECT name FROM {t} WHERE name IN ({marks}) ORDER BY name FOR UPDATE)" if is_postgresql()
            else f"({marks})")
    with connection.cursor() as cur:
        cur.execute(f"UPDATE {t} SET hits = hits - 1 WHERE name IN {rows} AND hits > 0 AND expires_at > %s",
                    [*names, _moment(timezone.now())])


def hits(*keys: str) -> dict[str, int]:
    """The counters' values now, in one read (a counter past its window, or never raised, is 0)."""
    names = [_name(k) for k in keys]
    rows = read_together(Statement(
        f"SELECT name, hits FROM {table(Counter)} WHERE name IN ({', '.join(['%s'] * len(names))}) "
        f"AND expires_at > %s", [*names, _moment(timezone.now())]))[0]
    found = dict(rows)
    return {k: int(found.get(n, 0)) for k, n in zip(keys, names, strict=True)}


def forget_expired() -> int:
    """Delete the counters whose window has passed (the periodic purge); how many."""
    deleted, _by_model = Counter.objects.filter(expires_at__lte=timezone.now()).delete()
    return deleted
