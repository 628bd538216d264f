"""The UI speaks Chinese by default through gettext; every message has its translation."""

from pathlib import Path

import polib
import pytest

LOCALE = Path(__file__).resolve().parent.parent / "shenpi" / "locale" / "zh_Hans" / "LC_MESSAGES"


def test_every_message_is_translated_and_compiled():
    po = polib.pofile(str(LOCALE / "django.po"))
    untranslated = [e.msgid for e in po if not e.translated()]
    assert not untranslated, f"run `make messages` and translate: {untranslated}"
    mo = {(e.msgid, e.msgstr) for e in polib.mofile(str(LOCALE / "django.mo")) if e.msgid and not e.msgid_plural}
    assert mo == {(e.msgid, e.msgstr) for e in po if not e.msgid_plural and e.msgid}, "django.mo is stale: run `make messages`"


@pytest.mark.django_db
def test_api_errors_in_chinese_and_english(admin_api, centre, dept):
    from tests.conftest import as_json, content
    body = {"basic_code": "B1", "implementation_code": "I1", "department": dept.pk,
            **as_json(content(centre, dept, promised_limit=30))}
    r = admin_api.post("/api/v1/catalog/items/", body, format="json", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert "不得超过法定时限" in r.json()["promised_limit"][0]
    r = admin_api.post("/api/v1/catalog/items/", body, format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert "may not exceed the statutory limit" in r.json()["promised_limit"][0]
