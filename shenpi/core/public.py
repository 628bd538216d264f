"""Public pages served from what was rendered before, for as long as it still holds (issue 16).

A page wrapped in `public_page` is, for a visitor who is not signed in, rendered once per
process for each (stamp, day, language, address) and then served from the cache; its ETag
names that same key and its Last-Modified the moment the stamp last moved, so a browser that
asks again gets 304 Not Modified without the page being rendered or sent. Signed-in visitors
(whose header names them) and requests carrying a one-off message are rendered as before.
The stamp moves in the transaction that changes what the page shows (core.stamps), so a
cached page is never older than the catalog, the organisation or the calendar behind it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from functools import lru_cache, wraps
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.core.cache import caches
from django.http import HttpResponse
from django.utils import timezone
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.translation import get_language
from django.views.decorators.http import condition

from . import stamps


@lru_cache(maxsize=1)
def release() -> str:
    """What rendered the pages: the setting, or a digest of Shenpi's code and templates."""
    if settings.SHENPI_RELEASE:
        return settings.SHENPI_RELEASE
    root = Path(__file__).resolve().parent.parent
    digest = hashlib.sha256()
    for path in sorted(p for p in root.rglob("*") if p.suffix in {".py", ".html", ".mo"}):
        digest.update(path.relative_to(root).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def _cacheable(request) -> bool:
    return (request.method in ("GET", "HEAD") and not request.user.is_authenticated
            and not len(messages.get_messages(request)))


def _state(request) -> tuple[str, dt.datetime]:
    """The page's key and when what it shows last changed, read once per request."""
    found = getattr(request, "shenpi_public_state", None)
    if found is None:
        value, changed = stamps.read(stamps.PUBLIC)
        today = timezone.localdate()
        raw = "|".join([release(), str(value), changed.isoformat(), today.isoformat(), get_language() or "",
                        request.headers.get("HX-Request", ""), request.get_full_path()])
        # What a page shows may also depend on the day (an item cancelled from a date on).
        midnight = dt.datetime.combine(today, dt.time(), timezone.get_current_timezone())
        found = (hashlib.sha256(raw.encode()).hexdigest()[:32], max(changed, midnight))
        request.shenpi_public_state = found
    return found


def _etag(request, *args, **kwargs):
    return _state(request)[0] if _cacheable(request) else None


def _last_modified(request, *args, **kwargs):
    return _state(request)[1] if _cacheable(request) else None


def public_page(view):
    @condition(etag_func=_etag, last_modified_func=_last_modified)
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not _cacheable(request):
            return view(request, *args, **kwargs)
        cache = caches["pages" if "pages" in settings.CACHES else "default"]
        key = "shenpi:public:" + _state(request)[0]
        hit = cache.get(key)
        if hit is not None:
            response = HttpResponse(hit[0], content_type=hit[1])
        else:
            response = view(request, *args, **kwargs)
            if response.status_code == 200 and not response.streaming:
                cache.set(key, (response.content, response["Content-Type"]), settings.SHENPI_PUBLIC_CACHE_SECONDS)
        # Ask again every time: the answer is 304 while the stamp stands.
        patch_cache_control(response, no_cache=True)
        patch_vary_headers(response, ("Cookie", "Accept-Language"))
        return response
    return wrapped
