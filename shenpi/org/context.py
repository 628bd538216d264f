"""The page context every template sees: the centre's name and hotline."""

import time

from django.conf import settings

from .models import Centre

_centre = {"at": 0.0, "value": None}


def _main_centre():
    """The main centre's name and hotline as its record has them (an administrator changes them
    in the admin), read at most once a minute per process; the settings until a centre exists."""
    now = time.monotonic()
    if now - _centre["at"] > 60:
        try:
            row = (Centre.objects.filter(parent=None).order_by("pk")
                   .values("name", "hotline").first())
        except Exception:  # noqa: BLE001 - before migrations, or the database away: the settings serve
            row = None
        _centre.update(at=now, value=row)
    return _centre["value"] or {}


def site(request):
    centre = _main_centre()
    return {
        "centre_name": centre.get("name") or settings.SHENPI["CENTRE_NAME"],
        "centre_hotline": centre.get("hotline") or settings.SHENPI["HOTLINE"],
    }
