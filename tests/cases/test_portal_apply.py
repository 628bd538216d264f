"""Applying online: an applicant account, uploads checked first, my cases; nothing half-written."""

import os

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from shenpi.cases.models import Case, CaseMaterial
from shenpi.catalog.models import ItemVersion

from .conftest import PERSON_ID, item

pytestmark = pytest.mark.usefixtures("demo")
PDF = b"%PDF-1.4\n%%EOF\n"
PERMIT = "建筑工程施工许可证核发"


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def sms_code(phone) -> str:
    """The code in the latest SMS to the number."""
    import re

    from shenpi.cases.models import Outbox
    return re.search(r"验证码 (\d{6})", Outbox.objects.filter(phone=phone).latest("pk").body).group(1)


def register(client, phone="13912345678"):
    r = client.post("/register/", {"phone": phone, "consent": "on"})
    assert r.status_code == 302
    r = client.post(r["Location"], {"phone": phone, "code": sms_code(phone), "password": "Shenpi-applicant-9"})
    assert r.status_code == 302
    return client


def form(version, **files):
    data = {"applicant_type": "person", "applicant_name": "李四", "applicant_id": PERSON_ID,
            "applicant_phone": "13912345678"}
    for m in version.materials.all():
        if m.name in files:
            data[f"material-{m.pk}"] = SimpleUploadedFile(f"{m.pk}.pdf", files[m.name], content_type="application/pdf")
    return data


def test_register_apply_with_uploads_and_follow(client, on, media):
    on(2026, 3, 2)
    code = item(PERMIT).implementation_code
    assert client.get(f"/apply/{code}/").status_code == 302  # log in first
    register(client)
    version = ItemVersion.objects.get(item=item(PERMIT), status="published")
    r = client.post(f"/apply/{code}/", form(version, **{"申请书(申请表)": PDF, "建设工程施工合同": PDF}))
    case = Case.objects.get()
    assert r.status_code == 302 and r.url == f"/my/{case.number}/"
    assert case.channel == "online" and case.materials.filter(sha256__gt="").count() == 2
    page = client.get("/my/").content.decode()
    assert case.number in page
    assert case.number in client.get(f"/my/{case.number}/").content.decode()


def test_a_bad_file_submits_nothing(client, on, media):
    on(2026, 3, 2)
    register(client)
    version = ItemVersion.objects.get(item=item(PERMIT), status="published")
    r = client.post(f"/apply/{item(PERMIT).implementation_code}/",
                    form(version, **{"申请书(申请表)": PDF, "建设工程施工合同": b"MZ not a pdf"}))
    assert r.status_code == 200 and "不是真正的" in r.content.decode()
    assert Case.objects.count() == 0 and CaseMaterial.objects.count() == 0
    assert [f for _d, _s, fs in os.walk(media) for f in fs] == []


def test_a_bad_id_submits_nothing(client, on, media):
    on(2026, 3, 2)
    register(client)
    version = ItemVersion.objects.get(item=item(PERMIT), status="published")
    data = form(version, **{"申请书(申请表)": PDF})
    data["applicant_id"] = PERSON_ID[:-1] + "1"
    r = client.post(f"/apply/{item(PERMIT).implementation_code}/", data)
    assert r.status_code == 200 and "身份号码" in r.content.decode()
    assert Case.objects.count() == 0 and [f for _d, _s, fs in os.walk(media) for f in fs] == []


def test_items_not_online_cannot_be_applied_for(client, on):
    register(client)
    assert client.get(f"/apply/{item('人民防空工程拆除审批').implementation_code}/").status_code == 404


def test_others_cases_stay_private(client, on, media):
    on(2026, 3, 2)
    register(client)
    version = ItemVersion.objects.get(item=item(PERMIT), status="published")
    client.post(f"/apply/{item(PERMIT).implementation_code}/", form(version, **{"申请书(申请表)": PDF}))
    number = Case.objects.get().number
    client.logout()
    register(client, phone="13711112222")
    assert client.get(f"/my/{number}/").status_code == 404
    assert number not in client.get("/my/").content.decode()
