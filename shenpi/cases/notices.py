"""Written notices (C6): the text is composed and kept when a notice is issued; the PDF, with
the case number and a lookup QR code, is drawn from that text on download.

The PDF embeds (a subset of) a TrueType Chinese font, so it prints the same everywhere:
SHENPI_PDF_FONT, or Debian's WenQuanYi Zen Hei (fonts-wqy-zenhei). Where neither is installed
it falls back to ReportLab's built-in Adobe-GB1 CID font (STSong-Light), which every reader
with a Chinese font renders but which is not embedded. Lines are wrapped by their measured
width, never inside a number or a date, and never starting with a closing punctuation mark.
"""

import io
import os
import re

from django.template import Context, Engine
from django.utils import timezone

from . import store
from .models import Notice

KIND_TITLES: dict[str, str] = {
    Notice.Kind.ACCEPTANCE: "受理通知书",
    Notice.Kind.SUPPLEMENT: "补正材料通知书",
    Notice.Kind.REFUSAL: "不予受理通知书",
    Notice.Kind.APPROVAL: "准予行政许可决定书",
    Notice.Kind.DENIAL: "不予行政许可决定书",
    Notice.Kind.RECEIPT: "送达回证",
    Notice.Kind.EXTENSION: "延长审批期限告知书",
    Notice.Kind.SPECIAL: "特别程序告知书",
    Notice.Kind.TERMINATION: "终止审批通知书",
    Notice.Kind.MATERIALS: "收件凭证",
    Notice.Kind.JOINT: "联合验收意见书",
}
SUFFIX: dict[str, str] = {Notice.Kind.ACCEPTANCE: "SL", Notice.Kind.SUPPLEMENT: "BZ", Notice.Kind.REFUSAL: "BSL",
          Notice.Kind.APPROVAL: "ZY", Notice.Kind.DENIAL: "BY", Notice.Kind.RECEIPT: "SD",
          Notice.Kind.EXTENSION: "YC", Notice.Kind.SPECIAL: "TB", Notice.Kind.TERMINATION: "ZZ",
          Notice.Kind.MATERIALS: "SJ", Notice.Kind.JOINT: "LY"}
# Art. 38 (and the Administrative Reconsideration and Procedure Laws): a refusal or denial tells
# the applicant how to challenge it.
REMEDIES = ("申请人如对本决定不服,可以自收到本通知(决定)之日起六十日内依法申请行政复议,"
            "或者在六个月内依法向人民法院提起行政诉讼。")
# The texts: one template per kind, cases/templates/cases/notices/<kind>.txt, rendered as plain
# text (no HTML escaping) with the tags of cases/templatetags/notices.py.
TEXTS = Engine(app_dirs=True, autoescape=False, builtins=["shenpi.cases.templatetags.notices"])


def _body(case, kind, extra, cal) -> list[str]:
    """The notice's paragraphs: its kind's template, one paragraph per line."""
    text = TEXTS.get_template(f"cases/notices/{kind}.txt").render(Context({
        "case": case, "item": case.version.name, "extra": extra, "cal": cal, "shown": [],
        "remedies": REMEDIES, "issuer": issuer(case), "today": timezone.localdate()}, autoescape=False))
    return [line.strip() for line in text.splitlines() if line.strip()]


def issuer(case) -> str:
    """Every notice is issued in the name of the licensing authority, the department whose item
    it is (Art. 32, 38, 42, 45): the centre's window acts for it, and is named as the place of
    handling."""
    return getattr(case, "department_name", None) or case.department.name


def number(case, kind: str, seq: int | None = None) -> str:
    """A notice's document number: the case number and the kind's suffix, with a sequence for a
    kind issued more than once per case (special procedures). The column is unique."""
    return f"{case.number}-{SUFFIX[kind]}{seq or ''}"


def issue(case, kind: str, *, seq: int | None = None, **extra) -> Notice:
    """Issue a notice now (inside the service's transaction): number, title and text are fixed,
    provisional dates marked as such."""
    from shenpi.workdays.selectors import current_calendar

    cal = current_calendar(getattr(case, "calendar_version", None))
    return store.insert(Notice(case=case, kind=kind, number=number(case, kind, seq), title=KIND_TITLES[kind],
                             body=_body(case, kind, extra, cal), issued_at=timezone.now()), need_pk=False)


FONT_FILES = ("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")
_font_name = None


def pdf_font() -> str:
    """The registered name of the font notices are set in (see the module's docstring)."""
    global _font_name
    if _font_name is None:
        from reportlab.pdfbase import pdfmetrics
        from reportlab.pdfbase.cidfonts import UnicodeCIDFont
        from reportlab.pdfbase.ttfonts import TTFont

        for path in (os.environ.get("SHENPI_PDF_FONT", ""), *FONT_FILES):
            if path and os.path.exists(path):
                try:
                    pdfmetrics.registerFont(TTFont("ShenpiCJK", path, subfontIndex=0))
                except Exception:  # noqa: BLE001 - a font file we cannot read: try the next
                    continue
                _font_name = "ShenpiCJK"
                break
        else:
            pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
            _font_name = "STSong-Light"
    return _font_name


# A run of these stays on one line: numbers, dates' digits, codes, Latin words.
_UNBREAKABLE = re.compile(r"[0-9A-Za-z][0-9A-Za-z.\-:/_]*")
_NO_LINE_START = set("，。、；：！？）》」』”’,.;:!?)%")


def wrap(text: str, width: float, font: str, size: float) -> list[str]:
    """Lines of ``text`` no wider than ``width`` points (a long unbreakable run excepted)."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    tokens, i = [], 0
    while i < len(text):
        m = _UNBREAKABLE.match(text, i)
        end = m.end() if m else i + 1
        tokens.append(text[i:end])
        i = end
    lines, line = [], ""
    for token in tokens:
        if line and stringWidth(line + token, font, size) > width and token[0] not in _NO_LINE_START:
            lines.append(line)
            line = token
        else:
            line += token
    if line:
        lines.append(line)
    return lines


def render_pdf(notice: Notice, *, lookup_url: str) -> bytes:
    from reportlab.graphics import renderPDF
    from reportlab.graphics.barcode.qr import QrCodeWidget
    from reportlab.graphics.shapes import Drawing
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.pdfgen import canvas

    font = pdf_font()
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4, initialFontName=font)
    c.setTitle(f"{notice.title} {notice.case.number}")
    width, height = A4
    c.setFont(font, 20)
    c.drawCentredString(width / 2, height - 30 * mm, notice.title)
    c.setFont(font, 10.5)
    c.drawString(20 * mm, height - 40 * mm, f"文书编号:{notice.number}")
    c.drawString(20 * mm, height - 46 * mm, f"办件编号:{notice.case.number}")
    qr = QrCodeWidget(lookup_url)
    x0, y0, x1, y1 = qr.getBounds()
    size = 28 * mm
    drawing = Drawing(size, size, transform=[size / (x1 - x0), 0, 0, size / (y1 - y0), 0, 0])
    drawing.add(qr)
    renderPDF.draw(drawing, c, width - 20 * mm - size, height - 52 * mm)
    c.setFont(font, 12)
    y = height - 62 * mm
    text_width = width - 40 * mm
    for paragraph in notice.body:
        for line in wrap(str(paragraph), text_width, font, 12):
            c.drawString(20 * mm, y, line)
            y -= 7.5 * mm
            if y < 25 * mm:
                c.showPage()
                c.setFont(font, 12)
                y = height - 25 * mm
        y -= 2 * mm
    c.setFont(font, 8)
    c.drawString(20 * mm, 12 * mm, f"扫描二维码查询办件:{lookup_url}")
    c.save()
    return buf.getvalue()
