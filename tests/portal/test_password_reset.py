"""An applicant who forgot the password sets a new one with a code sent by SMS (issue 10, item
7): no account enumeration, codes kept hashed, a wrong guess counted, a used code spent."""

import re

import pytest
from django.contrib.auth import get_user_model

from shenpi.cases.models import Outbox
from shenpi.portal.models import ResetCode

pytestmark = pytest.mark.django_db
PHONE = "13912345678"


@pytest.fixture
def applicant(db):
    return get_user_model().objects.create_user(PHONE, password="Old-password-9")


def authenticate(*, username, password) -> bool:
    return get_user_model().objects.get(username=username).check_password(password)


def code_sent() -> str:
    return re.search(r"验证码 (\d{6})", Outbox.objects.latest("created_at").body).group(1)


def test_a_code_by_sms_sets_a_new_password(client, applicant):
    r = client.post("/password/forgot/", {"phone": PHONE})
    assert r.status_code == 302 and r.url.startswith("/password/reset/")
    code = code_sent()
    assert ResetCode.objects.get().code_hash != code  # kept hashed
    wrong = "000000" if code != "000000" else "111111"
    r = client.post("/password/reset/", {"phone": PHONE, "code": wrong, "password": "New-password-9"})
    assert r.status_code == 200 and "验证码错误" in r.content.decode()
    assert ResetCode.objects.get().attempts == 1  # the wrong guess is counted, not rolled back
    r = client.post("/password/reset/", {"phone": PHONE, "code": code, "password": "123"})
    assert r.status_code == 200 and authenticate(username=PHONE, password="Old-password-9")  # too weak: unchanged
    r = client.post("/password/reset/", {"phone": PHONE, "code": code, "password": "New-password-9"})
    assert r.status_code == 302 and r.url == "/login/"
    assert authenticate(username=PHONE, password="New-password-9")
    r = client.post("/password/reset/", {"phone": PHONE, "code": code, "password": "Other-password-9"})
    assert "验证码错误" in r.content.decode()  # spent


def test_no_enumeration_no_flood_and_no_staff_accounts(client, applicant, admin_user):
    before = Outbox.objects.count()
    r = client.post("/password/forgot/", {"phone": "13700000000"}, follow=True)
    assert "如果该号码已注册" in r.content.decode() and Outbox.objects.count() == before
    client.post("/password/forgot/", {"phone": PHONE})
    r = client.post("/password/forgot/", {"phone": PHONE})
    assert r.status_code == 200 and "一分钟后" in r.content.decode() and ResetCode.objects.count() == 1
    assert client.post("/password/forgot/", {"phone": "12"}).status_code == 200  # a form message, not an error


def test_five_wrong_guesses_spend_the_code(client, applicant):
    client.post("/password/forgot/", {"phone": PHONE})
    code = code_sent()
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(5):
        client.post("/password/reset/", {"phone": PHONE, "code": wrong, "password": "New-password-9"})
    r = client.post("/password/reset/", {"phone": PHONE, "code": code, "password": "New-password-9"})
    assert "验证码错误" in r.content.decode() and authenticate(username=PHONE, password="Old-password-9")
