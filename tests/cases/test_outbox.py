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
