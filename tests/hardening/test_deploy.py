"""Deployment settings (issue 12): behind a TLS-ending proxy one setting makes `check --deploy`
report nothing: the proxy header, secure cookies, HSTS and the redirect to HTTPS."""

import subprocess

import pytest
from django.test import Client

from .servers import BIN, clean_environ


def deploy_check(tmp_path, **env):
    return subprocess.run([str(BIN / "shenpi"), "check", "--deploy", "--fail-level", "WARNING"],
                          env={**clean_environ(), "SHENPI_VAR_DIR": str(tmp_path), "SHENPI_DEBUG": "0", **env},
                          capture_output=True, text=True, timeout=120)


def test_behind_a_tls_proxy_check_deploy_reports_nothing(tmp_path):
    plain = deploy_check(tmp_path)
    assert plain.returncode == 1
    for code in ("security.W004", "security.W008", "security.W012", "security.W016"):
        assert code in plain.stderr
    proxied = deploy_check(tmp_path, SHENPI_BEHIND_TLS_PROXY="1")
    assert proxied.returncode == 0 and "no issues" in proxied.stdout, proxied.stderr


@pytest.mark.django_db
def test_behind_the_proxy_plain_http_is_redirected_and_https_is_remembered(settings):
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_HSTS_SECONDS = 31536000
    r = Client().get("/lookup/", HTTP_X_FORWARDED_PROTO="http")
    assert r.status_code == 301 and r["Location"].startswith("https://")
    r = Client().get("/lookup/", HTTP_X_FORWARDED_PROTO="https")
    assert r.status_code == 200 and r["Strict-Transport-Security"].startswith("max-age=31536000")
