"""An SMS gateway adapter for the outbox (set SHENPI_SMS_SENDER=shenpi.cases.sms.send_via_gateway).

It posts the message as JSON to SHENPI_SMS_GATEWAY_URL with SHENPI_SMS_GATEWAY_TOKEN; the
gateway is the one thing outside the system, so tests replace it, never the outbox."""

import json
import os
import urllib.request

from django.db.models import F
from django.utils import timezone

from .models import Outbox


def send_via_gateway(outbox_id: int, *, opener=urllib.request.urlopen) -> bool:
    message = Outbox.objects.get(pk=outbox_id)
    if message.sent_at:
        return True
    request = urllib.request.Request(
        os.environ.get("SHENPI_SMS_GATEWAY_URL", "http://127.0.0.1:9/sms"),
        data=json.dumps({"phone": message.phone, "text": message.body}, ensure_ascii=False).encode(),
        headers={"Content-Type": "application/json",
                 "Authorization": f"Bearer {os.environ.get('SHENPI_SMS_GATEWAY_TOKEN', '')}"},
        method="POST")
    try:
        with opener(request, timeout=5) as response:
            ok = 200 <= response.status < 300
    except OSError as exc:
        Outbox.objects.filter(pk=outbox_id).update(attempts=F("attempts") + 1, error=str(exc)[:300])
        return False
    Outbox.objects.filter(pk=outbox_id).update(attempts=F("attempts") + 1, sent_at=timezone.now() if ok else None,
                                               error="" if ok else "gateway refused")
    return ok


def write_to_file(outbox_id: int) -> bool:
    """The demo's sender: appends the message to var/sms.log (settings.VAR_DIR) and marks it
    sent, so a newcomer running `make run` sees what applicants would receive."""
    from django.conf import settings

    message = Outbox.objects.get(pk=outbox_id)
    if message.sent_at:
        return True
    now = timezone.now()
    path = settings.VAR_DIR / "sms.log"
    with open(path, "a", encoding="utf-8") as log:
        log.write(f"{timezone.localtime(now):%Y-%m-%d %H:%M:%S} → {message.phone}: {message.body}\n")
    Outbox.objects.filter(pk=outbox_id).update(attempts=F("attempts") + 1, sent_at=now, error="")
    return True
