"""Counters over a time window, shared by every server process through the cache (files or
Redis, settings.CACHES), and the client's address as the lockout sees it."""

from __future__ import annotations

from typing import Any

from axes.helpers import get_client_ip_address
from django.core.cache import cache


def client_address(request: Any) -> str:
    """The client's address: REMOTE_ADDR, or behind SHENPI_PROXY_COUNT proxies the address
    they forwarded (the same rule as the login lockout's)."""
    return get_client_ip_address(request) or "unknown"


def count(key: str, window_seconds: int) -> int:
    """Add one to the counter; it starts at the first hit and is forgotten after the window."""
    cache.add(key, 0, timeout=window_seconds)
    try:
        return cache.incr(key)
    except ValueError:  # it expired between add and incr
        cache.set(key, 1, timeout=window_seconds)
        return 1


def reached(key: str, limit: int) -> bool:
    return int(cache.get(key, 0)) >= limit
