"""Uploads (issue 12): a file and its row are one unit. A refused or rolled-back upload leaves
no file; what a killed server leaves behind is found and removed by `shenpi media check --fix`,
which also reports rows whose file is missing or changed."""

import io
import os
import time

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction

from shenpi.cases import services as s
from tests.cases.conftest import applicant, user

pytestmark = pytest.mark.usefixtures("demo")
PERMIT = "建筑工程施工许可证核发"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def case(on):
    from tests.cases.conftest import item
    on(2026, 3, 2)
    return s.submit(actor=user("clerk"), item=item(PERMIT), channel="window", **applicant())


def files(root):
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()) if root.exists() else []


def media_check(*args):
    out = io.StringIO()
    try:
        call_command("media", "check", *args, stdout=out)
        code = 0
    except CommandError as exc:
        code = exc.returncode
    return code, out.getvalue()


def upload(name="a.pdf", body=PDF):
    return SimpleUploadedFile(name, body, content_type="application/pdf")


def test_a_refused_upload_leaves_no_file(media, case):
    with pytest.raises(ValidationError):
        s.add_material(actor=user("clerk"), case=case, name="不是本事项的材料", upload=upload())
    with pytest.raises(ValidationError):
        s.add_material(actor=user("clerk"), case=case, name="申请书(申请表)", upload=upload("a.exe", b"MZ"))
    assert files(media) == []


def test_what_a_killed_server_leaves_is_found_and_removed(media, case):
    # The file is written, then the transaction never commits (the process died before COMMIT).
    with pytest.raises(RuntimeError), transaction.atomic():
        s.add_material(actor=user("clerk"), case=case, name="申请书(申请表)", upload=upload())
        raise RuntimeError("killed")
    left = files(media)
    assert len(left) == 1 and not case.materials.exists()
    code, out = media_check()
    assert code == 1 and "1 without a row" in out and left[0] in out
    # --fix keeps a file young enough to belong to a transaction still running ...
    code, out = media_check("--fix")
    assert code == 1 and files(media) == left
    # ... and removes it once it is old.
    old = time.time() - 2 * 3600
    os.utime(media / left[0], (old, old))
    code, out = media_check("--fix")
    assert code == 0 and "1 removed" in out and files(media) == []


def test_missing_and_changed_files_are_reported(media, case):
    a = s.add_material(actor=user("clerk"), case=case, name="申请书(申请表)", upload=upload("a.pdf"))
    b = s.add_material(actor=user("clerk"), case=case, name="土地使用权证明文件", upload=upload("b.pdf", PDF + b"\n%b"))
    assert media_check() == (0, "media check: 0 without a row, 0 removed, 0 missing, 0 changed\n")
    (media / a.file.name).write_bytes(PDF + b"tampered")
    (media / b.file.name).unlink()
    code, out = media_check("--fix")
    assert code == 1 and f"SHA-256 differs: cases.CaseMaterial {a.pk}" in out and f"file missing: cases.CaseMaterial {b.pk}" in out
