"""Uploaded materials: type and size checked first, kept outside the web root, served only to
those who may see the case."""

import os

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.conftest import api

from .conftest import user, window_case

pytestmark = pytest.mark.usefixtures("demo")
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def case(on):
    on(2026, 3, 2)
    return window_case()


def files_in(root):
    return [f for _d, _s, fs in os.walk(root) for f in fs]


def upload(username, case, name, filename, content, content_type="application/pdf"):
    f = SimpleUploadedFile(filename, content, content_type=content_type)
    return api(user(username)).post(f"/api/v1/cases/{case.number}/materials/", {"name": name, "file": f},
                                    format="multipart")


def test_upload_and_download(case, media):
    r = upload("clerk", case, "建设工程施工合同", "合同.pdf", PDF)
    assert r.status_code == 201, r.content
    m = r.json()
    assert m["size"] == len(PDF) and len(m["sha256"]) == 64
    assert not str(media).startswith(str(os.getcwd()) + "/shenpi")  # outside the code and static roots
    r = api(user("reviewer")).get(f"/api/v1/cases/{case.number}/materials/{m['id']}/")
    assert r.status_code == 200 and b"".join(r.streaming_content) == PDF
    assert api(user("clerk_sj")).get(f"/api/v1/cases/{case.number}/materials/{m['id']}/").status_code == 404
    assert api().get(f"/api/v1/cases/{case.number}/materials/{m['id']}/").status_code == 401


@pytest.mark.parametrize("filename, content, field", [
    ("virus.exe", b"MZ\x90\x00", "file"),
    ("fake.pdf", b"GIF89a not a pdf", "file"),
    ("scan.png", b"%PDF-1.4 pdf dressed as png", "file"),
])
def test_bad_uploads_are_400_and_leave_nothing(case, media, unchanged, filename, content, field):
    with unchanged():
        r = upload("clerk", case, "建设工程施工合同", filename, content)
    assert r.status_code == 400 and field in r.json(), r.content
    assert files_in(media) == []


def test_oversize_upload(case, media, settings, unchanged):
    settings.SHENPI_MAX_UPLOAD_BYTES = 1024
    with unchanged():
        r = upload("clerk", case, "建设工程施工合同", "big.pdf", PDF + b"0" * 2048)
    assert r.status_code == 400 and "MB" in r.json()["file"][0]
    assert files_in(media) == []


def test_upload_of_a_material_the_item_does_not_ask_for(case, media, unchanged):
    with unchanged():
        r = upload("clerk", case, "身份证复印件", "id.pdf", PDF)
    assert r.status_code == 400 and "name" in r.json()
    assert files_in(media) == []


def test_only_the_window_or_applicant_uploads(case, media):
    assert upload("reviewer", case, "建设工程施工合同", "合同.pdf", PDF).status_code == 403
    assert upload("clerk_sj", case, "建设工程施工合同", "合同.pdf", PDF).status_code == 404
    assert files_in(media) == []
