"""Applicants are told of every change: the outbox, and the SMS adapter with its gateway mocked."""

import pytest

from shenpi.cases import services as s
from shenpi.cases.models import Outbox
from shenpi.cases.sms import send_via_gateway

from .conftest import user, window_case

pytestmark = pytest.mark.usefixtures("demo")


def test_every_change_is_told(on):
    on(2026, 3, 2)
    case = window_case()
    s.accept(actor=user("clerk"), case=case)
    bodies = list(Outbox.objects.filter(case=case).order_by("created_at").values_list("body", flat=True))
    assert case.query_code in bodies[0] and "已受理" in bodies[1] and "2026-03-09" in bodies[1]


class FakeResponse:
    def __init__(self, status):
        self.status = status

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def test_sms_adapter_marks_sent_or_records_the_failure(on):
    on(2026, 3, 2)
    case = window_case()
    message = Outbox.objects.get(case=case)
    sent = []
    assert send_via_gateway(message.pk, opener=lambda req, timeout: sent.append(req) or FakeResponse(200))
    message.refresh_from_db()
    assert message.sent_at and message.attempts == 1 and b"13800138000" in sent[0].data

    other = Outbox.objects.create(case=case, phone="13800138000", body="x")

    def down(req, timeout):
        raise OSError("gateway unreachable")
    assert send_via_gateway(other.pk, opener=down) is False
    other.refresh_from_db()
    assert other.sent_at is None and other.attempts == 1 and "unreachable" in other.error


def test_outbox_in_the_admin(client):
    client.force_login(user("admin"))
    assert client.get("/admin/cases/outbox/").status_code == 200
    assert client.get("/admin/cases/case/").status_code == 200


def test_the_worker_sends_with_retries_and_backoff_and_never_twice(on, settings, tmp_path):
    """The worker delivers queued messages through the configured sender; a gateway that is down
    gets the message again later (backoff), and a sent one is never sent again."""
    import io

    from django.core.management import call_command

    from shenpi.cases import sms
    from shenpi.cases.notify import MAX_ATTEMPTS, deliver_outbox

    on(2026, 3, 2)
    case = window_case()
    settings.SHENPI_SMS_SENDER = "tests.cases.test_outbox.flaky_gateway"
    GATEWAY.update(up=False, sent=[])
    result = deliver_outbox()
    assert result.done == 0 and len(result.failed) == 1
    message = Outbox.objects.get(case=case)
    assert message.sent_at is None and message.attempts == 1 and message.next_attempt_at is not None
    assert deliver_outbox().failed == []  # backing off: not tried again at once
    on(2026, 3, 2, 11)  # an hour later the gateway is back
    GATEWAY["up"] = True
    out = io.StringIO()
    call_command("worker", "--once", stdout=out)
    assert "deliver_outbox: 1" in out.getvalue()
    message.refresh_from_db()
    assert message.sent_at and GATEWAY["sent"] == [message.pk]
    assert deliver_outbox().done == 0 and GATEWAY["sent"] == [message.pk]  # never twice
    assert MAX_ATTEMPTS >= 5

    # The demo's sender writes the messages to var/sms.log and marks them sent.
    settings.VAR_DIR = tmp_path
    settings.SHENPI_SMS_SENDER = "shenpi.cases.sms.write_to_file"
    s.accept(actor=user("clerk"), case=case)
    assert deliver_outbox().done == 1
    assert "已受理" in (tmp_path / "sms.log").read_text(encoding="utf-8")
    assert sms.write_to_file(Outbox.objects.filter(case=case).latest("created_at").pk)


GATEWAY = {"up": False, "sent": []}


def flaky_gateway(outbox_id: int) -> bool:
    """A gateway outside the system, down until a test brings it up."""
    from django.db.models import F
    from django.utils import timezone
    if not GATEWAY["up"]:
        Outbox.objects.filter(pk=outbox_id).update(attempts=F("attempts") + 1, error="gateway unreachable")
        return False
    GATEWAY["sent"].append(outbox_id)
    Outbox.objects.filter(pk=outbox_id).update(attempts=F("attempts") + 1, sent_at=timezone.now(), error="")
    return True
