"""Logins, tokens and registration (issue 12): the lockout locks the right door, tokens expire
and die at logout, nobody learns which numbers have accounts, redirects stay on this site."""

from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone

from tests.cases.test_portal_apply import sms_code

pytestmark = pytest.mark.usefixtures("demo")
PASSWORD = "shenpi-demo-2026"


@pytest.fixture(autouse=True)
def applicant_account(demo):
    from django.contrib.auth import get_user_model
    get_user_model().objects.create_user("13800138000", password=PASSWORD)


def at(address: str) -> Client:
    return Client(REMOTE_ADDR=address, raise_request_exception=False)


def test_wrong_passwords_lock_that_account_from_that_address_only(settings):
    mistyper = at("10.0.0.7")
    for n in range(1, settings.AXES_FAILURE_LIMIT + 1):  # the last failure locks
        r = mistyper.post("/staff/login/", {"username": "clerk", "password": "wrong"})
        assert r.status_code == (429 if n == settings.AXES_FAILURE_LIMIT else 200)
    # The right password from the same address is refused while locked, with 429, not "wrong password".
    r = mistyper.post("/staff/login/", {"username": "clerk", "password": PASSWORD})
    assert r.status_code == 429 and "登录已锁定" in r.content.decode()
    # Everyone else behind the same proxy address logs in; so does the clerk from another address.
    assert mistyper.post("/staff/login/", {"username": "reviewer", "password": PASSWORD}).status_code == 302
    assert at("10.0.0.8").post("/staff/login/", {"username": "clerk", "password": PASSWORD}).status_code == 302


def test_the_token_endpoint_answers_429_while_locked(settings):
    c = at("10.0.0.9")
    for _ in range(1, settings.AXES_FAILURE_LIMIT):
        r = c.post("/api/v1/auth/token/", {"username": "admin", "password": "wrong"})
        assert r.status_code == 400 and r.json()["detail"] == "用户名或密码不正确。"
    assert c.post("/api/v1/auth/token/", {"username": "admin", "password": "wrong"}).status_code == 429
    r = c.post("/api/v1/auth/token/", {"username": "admin", "password": PASSWORD})
    assert r.status_code == 429 and int(r["Retry-After"]) > 0 and "分钟" in r.json()["detail"]


def test_the_admin_unlocks_an_account(settings):
    from axes.models import AccessAttempt
    from django.contrib.auth import get_user_model
    c = at("10.0.0.10")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        c.post("/staff/login/", {"username": "clerk", "password": "wrong"})
    assert c.post("/staff/login/", {"username": "clerk", "password": PASSWORD}).status_code == 429
    admin = Client()
    admin.force_login(get_user_model().objects.get(username="admin"))
    attempt = AccessAttempt.objects.get(username="clerk")
    r = admin.post(f"/admin/axes/accessattempt/{attempt.pk}/delete/", {"post": "yes"})
    assert r.status_code == 302 and not AccessAttempt.objects.exists()
    assert c.post("/staff/login/", {"username": "clerk", "password": PASSWORD}).status_code == 302


def test_one_address_trying_many_accounts_is_stopped_by_its_own_higher_limit(settings):
    settings.SHENPI_LOGIN_ADDRESS_LIMIT = 12
    sprayer = at("10.0.0.11")
    names = ["clerk", "handler", "reviewer", "approver", "depthead", "clerk_sj", "reviewer_sj", "chief_sj"]
    for n in range(12):  # fewer than the per-account limit on each account
        sprayer.post("/staff/login/", {"username": names[n % len(names)], "password": "wrong"})
    r = sprayer.post("/staff/login/", {"username": "leader", "password": PASSWORD})
    assert r.status_code == 429
    assert at("10.0.0.12").post("/staff/login/", {"username": "leader", "password": PASSWORD}).status_code == 302


def test_each_try_counts_once_against_its_address_and_a_right_password_not_at_all():
    """The address guard counts a try before its password is checked and gives it back when the
    password was right: a wrong one counts once (not again when it fails), a right one not."""
    from shenpi.core.throttle import hits
    key = "login-failures:10.0.0.21"
    c = at("10.0.0.21")
    assert c.post("/staff/login/", {"username": "clerk", "password": "wrong"}).status_code == 200
    assert hits(key)[key] == 1
    assert c.post("/staff/login/", {"username": "clerk", "password": PASSWORD}).status_code == 302
    assert hits(key)[key] == 1
    assert at("10.0.0.21").post("/api/v1/auth/token/", {"username": "admin", "password": "wrong"}).status_code == 400
    assert hits(key)[key] == 2
    assert at("10.0.0.21").post("/api/v1/auth/token/", {"username": "admin", "password": PASSWORD}).status_code == 200
    assert hits(key)[key] == 2


def test_tokens_expire_and_die_at_logout(settings):
    c = Client()
    r = c.post("/api/v1/auth/token/", {"username": "admin", "password": PASSWORD})
    assert r.status_code == 200
    token, expiry = r.json()["token"], r.json()["expiry"]
    auth = {"HTTP_AUTHORIZATION": f"Token {token}"}
    assert c.get("/api/v1/org/staff/", **auth).status_code == 200
    hours = settings.REST_KNOX["TOKEN_TTL"] / timedelta(hours=1)
    assert hours == 8 and expiry
    with time_machine.travel(timezone.now() + timedelta(hours=8, minutes=1)):
        assert c.get("/api/v1/org/staff/", **auth).status_code == 401
        # The worker's purge deletes expired tokens; live ones stay.
        from knox.models import AuthToken

        from shenpi.org.tasks import purge_expired_tokens
        live, _ = AuthToken.objects.create(get_user_model().objects.get(username="admin"))
        AuthToken.objects.create(get_user_model().objects.get(username="clerk"), expiry=timedelta(hours=-1))
        expired = AuthToken.objects.filter(expiry__lt=timezone.now()).count()
        assert expired >= 1 and purge_expired_tokens().done == expired
        assert list(AuthToken.objects.all()) == [live]
    # A fresh token dies with the API logout, and another with logging out of the pages.
    token = c.post("/api/v1/auth/token/", {"username": "admin", "password": PASSWORD}).json()["token"]
    auth = {"HTTP_AUTHORIZATION": f"Token {token}"}
    assert c.post("/api/v1/auth/logout/", **auth).status_code == 204
    assert c.get("/api/v1/org/staff/", **auth).status_code == 401
    token = c.post("/api/v1/auth/token/", {"username": "admin", "password": PASSWORD}).json()["token"]
    web = Client()
    web.post("/staff/login/", {"username": "admin", "password": PASSWORD})
    web.post("/staff/logout/")
    assert c.get("/api/v1/org/staff/", HTTP_AUTHORIZATION=f"Token {token}").status_code == 401


@pytest.mark.parametrize("login_path, who, lands", [
    ("/login/", "13800138000", "/my/"),
    ("/login/", "clerk", "/staff/"),
    ("/staff/login/", "13800138000", "/my/"),
    ("/staff/login/", "reviewer", "/staff/"),
])
def test_login_lands_by_role(login_path, who, lands):
    r = Client().post(login_path, {"username": who, "password": PASSWORD})
    assert r.status_code == 302 and r["Location"] == lands
    assert Client().post(login_path, {"username": who, "password": PASSWORD}, follow=True).status_code == 200


@pytest.mark.parametrize("target", ["https://evil.example/phish", "//evil.example/x", "/\\evil.example",
                                    "javascript:alert(1)"])
def test_redirects_only_to_this_site(target):
    r = Client().post(f"/login/?next={target}", {"username": "13800138000", "password": PASSWORD})
    assert r.status_code == 302 and r["Location"] == "/my/"
    c = Client()
    r = c.post(f"/register/?next={target}", {"phone": "13900000123", "consent": "on"})
    assert r.status_code == 302 and "evil" not in r["Location"] and "javascript" not in r["Location"]
    r = c.post(r["Location"], {"phone": "13900000123", "code": sms_code("13900000123"),
                               "password": "Abc-12345678x"})
    assert r.status_code == 302 and r["Location"] == "/my/"
    r = Client().post("/register/?next=/apply/x/", {"phone": "13900000124", "consent": "on"}, follow=True)
    assert "next=/apply/x/" in r.redirect_chain[-1][0] or "next=%2Fapply%2Fx%2F" in r.redirect_chain[-1][0]


def test_registration_and_reset_answer_alike_whether_or_not_the_number_has_an_account():
    from shenpi.cases.models import Outbox

    def answer(path, phone):
        c = Client()
        import re
        r = c.post(path, {"phone": phone, "consent": "on"}, follow=True)
        page = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", r.content.decode())
        return r.status_code, page.replace(phone, "#").replace(phone[:3] + "****" + phone[-4:], "#")

    for path in ("/register/", "/password/forgot/"):
        known, unknown = answer(path, "13800138000"), answer(path, "13900009999")
        assert known[0] == unknown[0] == 200
        assert known[1] == unknown[1], path
    # The owner of the registered number is told by SMS, not the page.
    assert any("本号码已注册" in m.body for m in Outbox.objects.filter(phone="13800138000"))
    assert any("注册网上办事大厅账号,验证码" in m.body for m in Outbox.objects.filter(phone="13900009999"))
    assert not any("重置密码" in m.body for m in Outbox.objects.filter(phone="13900009999"))
