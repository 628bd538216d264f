"""Notices as PDF: Chinese text, the case number, a lookup QR code; rendered to check it shows."""

import io
import os
import shutil
import subprocess

import pytest
from pypdf import PdfReader

from shenpi.cases import services as s
from tests.conftest import api

from .conftest import applicant, complete, item, user, window_case

pytestmark = pytest.mark.usefixtures("demo")


@pytest.fixture
def accepted(on):
    on(2026, 3, 2)
    case = window_case()
    return s.accept(actor=user("clerk"), case=case)


def pdf_text(data: bytes) -> str:
    return "".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)


def test_acceptance_notice_pdf(accepted, tmp_path):
    detail = api(user("clerk")).get(f"/api/v1/cases/{accepted.number}/").json()
    receipt, notice = detail["notices"]
    assert receipt["title"] == "收件凭证" and receipt["number"] == f"{accepted.number}-SJ"
    assert notice["title"] == "受理通知书" and notice["number"] == f"{accepted.number}-SL"
    r = api(user("reviewer")).get(f"/api/v1/cases/{accepted.number}/notices/{notice['id']}/pdf/")
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    text = pdf_text(r.content)
    for words in ("受理通知书", accepted.number, "建筑工程施工许可证核发", "2026年3月9日", "行政许可法", accepted.query_code):
        assert words in text, words
    assert api(user("clerk_sj")).get(f"/api/v1/cases/{accepted.number}/notices/{notice['id']}/pdf/").status_code == 404
    if not shutil.which("pdftoppm"):
        pytest.skip("PDF RENDER CHECK SKIPPED: pdftoppm not found (apt-get install poppler-utils poppler-data)")
    (tmp_path / "n.pdf").write_bytes(r.content)
    subprocess.run(["pdftoppm", "-r", "50", "-png", "-f", "1", "-l", "1", str(tmp_path / "n.pdf"), str(tmp_path / "p")],
                   check=True, timeout=60)
    from PIL import Image
    page = Image.open(next(tmp_path.glob("p*.png"))).convert("L")
    w, h = page.size
    title = page.crop((int(w * 0.3), int(h * 0.05), int(w * 0.7), int(h * 0.14)))  # the centred title
    dark = title.point(lambda v: 255 if v < 128 else 0).histogram()[255]  # dark pixels
    assert dark > 150, "the Chinese title did not render"


def test_every_kind_of_notice(on):
    on(2026, 3, 2)
    clerk, approver = user("clerk"), user("approver")
    refused = s.submit(actor=clerk, item=item("建筑工程施工许可证核发"), channel="window", **applicant())
    s.refuse(actor=clerk, case=refused, reasons="不属于本机关职权范围", competent_agency="衡阳县住房和城乡建设局")
    supplemented = s.submit(actor=clerk, item=item("建筑工程施工许可证核发"), channel="window", **applicant())
    s.supplement(actor=clerk, case=supplemented, materials=["建设工程施工合同"], note="缺少盖章页")
    case = s.accept(actor=clerk, case=s.submit(actor=clerk, item=item("建筑工程施工许可证核发"), channel="window",
                                               paper_materials=complete("建筑工程施工许可证核发"), **applicant()))
    for _ in range(2):
        step = case.steps.filter(status="open").first()
        s.complete_step(actor=step.assignee, case=case, step_id=step.pk, outcome="pass", opinion="同意")
    s.decide(actor=approver, case=case, decision="approve", licence_number="430400202603020101")
    s.deliver(actor=clerk, case=case, method="窗口领取")
    assert [n.title for n in refused.notices.all()] == ["收件凭证", "不予受理通知书"]
    assert "衡阳县住房和城乡建设局" in "".join(refused.notices.get(kind="refusal").body)
    assert "建设工程施工合同" in "".join(supplemented.notices.get(kind="supplement").body)
    assert [n.title for n in case.notices.all()] == ["收件凭证", "受理通知书", "准予行政许可决定书", "送达回证"]
    receipt = "".join(case.notices.get(kind="materials").body)
    assert "申请书(申请表)(纸质:原件1份)" in receipt and "2026年3月9日" in receipt
    assert "430400202603020101" in "".join(case.notices.get(kind="approval").body)


def test_applicant_looks_up_and_downloads(accepted, client):
    page = client.get(f"/lookup/?number={accepted.number}&code={accepted.query_code}").content.decode()
    assert accepted.number in page and "受理通知书" in page
    notice = accepted.notices.get(kind="acceptance")
    url = f"/lookup/notices/{notice.pk}.pdf?number={accepted.number}&code={accepted.query_code}"
    r = client.get(url)
    assert r.status_code == 200 and accepted.number in pdf_text(r.content)
    assert client.get(url.replace(accepted.query_code, "999999" if accepted.query_code != "999999" else "000000")).status_code == 404
    page = client.get(f"/lookup/?number={accepted.number}&code=12").content.decode()
    assert 'id="case"' not in page and 'role="alert"' in page


def test_the_chinese_font_is_embedded_and_lines_never_split_a_date(accepted, tmp_path):
    from shenpi.cases.notices import FONT_FILES, pdf_font, wrap
    lines = wrap("法定办结日期:2027年12月29日(暂定);查询码:123456。", 120, pdf_font(), 12)
    assert len(lines) > 1
    joined = "|".join(lines)
    for unbroken in ("2027", "12", "29", "123456"):
        assert f"|{unbroken[1:]}" not in joined and unbroken in joined
    assert not any(line[0] in "，。;:)" for line in lines[1:])
    if not any(os.path.exists(f) for f in FONT_FILES) or not shutil.which("pdffonts"):
        pytest.skip("PDF FONT EMBEDDING CHECK SKIPPED: apt-get install fonts-wqy-zenhei poppler-utils")
    notice = accepted.notices.get(kind="acceptance")
    r = api(user("clerk")).get(f"/api/v1/cases/{accepted.number}/notices/{notice.pk}/pdf/")
    (tmp_path / "n.pdf").write_bytes(r.content)
    fonts = subprocess.run(["pdffonts", str(tmp_path / "n.pdf")], capture_output=True, text=True, check=True).stdout
    cjk = [line for line in fonts.splitlines() if "WenQuanYi" in line or "ShenpiCJK" in line]
    assert cjk and all(" yes yes " in line for line in cjk), fonts
