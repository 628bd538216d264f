"""Behind the load balancer every request comes from the proxy's address: the guards (the login
lockout, the lookup's and the complaint form's limits) must read the client's own address from
X-Forwarded-For, as many entries from the right as there are proxies, and nothing a client
writes further left."""

import pytest
from django.test import Client, RequestFactory

from shenpi.core.throttle import address_of, client_address
from tests.hardening.test_lookup import case  # noqa: F401 (fixture)

PROXY = "192.0.2.1"  # the load balancer, as the application server sees it
PASSWORD = "shenpi-demo-2026"


def via_proxy(address: str, written: str = "") -> Client:
    """A client at `address` reaching the server through one proxy, which appends the address
    it saw to whatever the client wrote in the header."""
    forwarded = f"{written}, {address}" if written else address
    return Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=forwarded, raise_request_exception=False)


@pytest.mark.parametrize(("proxies", "forwarded", "remote", "seen"), [
    (0, "203.0.113.5", PROXY, PROXY),                  # no proxy trusted: the header is the client's word
    (1, "203.0.113.5", PROXY, "203.0.113.5"),
    (1, "6.6.6.6, 203.0.113.5", PROXY, "203.0.113.5"),  # the client's own entry is not believed
    (2, "6.6.6.6, 203.0.113.5, 10.0.0.2", PROXY, "203.0.113.5"),
    (2, "203.0.113.5", PROXY, PROXY),                  # fewer entries than proxies: not through them all
    (1, "", PROXY, PROXY),
    (1, "not-an-address", PROXY, PROXY),
    (1, "203.0.113.5:4431", PROXY, PROXY),
    (1, " 2001:db8::7 ", PROXY, "2001:db8::7"),
    (1, "\x00", PROXY, PROXY),
])
def test_the_client_address_is_the_entry_the_farthest_trusted_proxy_wrote(settings, proxies, forwarded, remote,
                                                                         seen):
    settings.SHENPI_PROXY_COUNT = proxies
    request = RequestFactory().get("/", HTTP_X_FORWARDED_FOR=forwarded, REMOTE_ADDR=remote)
    assert address_of(request) == seen == client_address(request)


def test_a_request_with_no_address_at_all_is_unknown_to_the_guards(settings):
    settings.SHENPI_PROXY_COUNT = 1
    request = RequestFactory().get("/")
    del request.META["REMOTE_ADDR"]
    assert address_of(request) is None and client_address(request) == "unknown"


@pytest.mark.django_db
def test_behind_the_proxy_one_address_guessing_does_not_stop_the_others(demo, case, settings):  # noqa: F811
    settings.SHENPI_PROXY_COUNT = 1
    guesser = via_proxy("203.0.113.9")
    for n in range(settings.SHENPI_LOOKUP_LIMITS["failures_per_address_per_hour"]):
        assert guesser.get(f"/lookup/?number=HY2026030200{n:02d}&code=ABCDEFGH").status_code == 200
    assert guesser.get(f"/lookup/?number={case.number}&code={case.query_code}").status_code == 429
    # Writing another address in front does not get the guesser out of it.
    assert via_proxy("203.0.113.9", written="198.51.100.1").get(
        f"/lookup/?number={case.number}&code={case.query_code}").status_code == 429
    # Everyone else, through the same proxy, looks up as before.
    assert via_proxy("203.0.113.10").get(f"/lookup/?number={case.number}&code={case.query_code}").status_code == 200


@pytest.mark.django_db
def test_behind_the_proxy_the_login_lockout_locks_the_mistyper_only(demo, settings):
    settings.SHENPI_PROXY_COUNT = 1
    mistyper = via_proxy("203.0.113.20")
    for n in range(1, settings.AXES_FAILURE_LIMIT + 1):
        r = mistyper.post("/staff/login/", {"username": "clerk", "password": "wrong"})
        assert r.status_code == (429 if n == settings.AXES_FAILURE_LIMIT else 200)
    assert mistyper.post("/staff/login/", {"username": "clerk", "password": PASSWORD}).status_code == 429
    from axes.models import AccessAttempt
    assert list(AccessAttempt.objects.values_list("ip_address", flat=True)) == ["203.0.113.20"]
    # The clerk at another desk, through the same proxy, logs in.
    assert via_proxy("203.0.113.21").post("/staff/login/", {"username": "clerk", "password": PASSWORD}).status_code == 302
