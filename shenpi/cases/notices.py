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

from django.utils import timezone

from . import store
from .models import Notice

KIND_TITLES = {
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
}
SUFFIX = {Notice.Kind.ACCEPTANCE: "SL", Notice.Kind.SUPPLEMENT: "BZ", Notice.Kind.REFUSAL: "BSL",
          Notice.Kind.APPROVAL: "ZY", Notice.Kind.DENIAL: "BY", Notice.Kind.RECEIPT: "SD",
          Notice.Kind.EXTENSION: "YC", Notice.Kind.SPECIAL: "TB", Notice.Kind.TERMINATION: "ZZ",
          Notice.Kind.MATERIALS: "SJ"}
# Art. 38 (and the Administrative Reconsideration and Procedure Laws): a refusal or denial tells
# the applicant how to challenge it.
REMEDIES = ("申请人如对本决定不服,可以自收到本通知(决定)之日起六十日内依法申请行政复议,"
            "或者在六个月内依法向人民法院提起行政诉讼。")
PROVISIONAL = "(暂定)"
PROVISIONAL_NOTE = ("注:标注“暂定”的日期是在{year}年法定节假日安排公布前按周一至周五推算的;"
                    "安排公布后将重新计算,并以短信和办件查询告知。")


def _d(day, cal=None) -> str:
    if not day:
        return ""
    return f"{day.year}年{day.month}月{day.day}日" + (PROVISIONAL if cal is not None and cal.is_provisional(day) else "")


def _body(case, kind, extra, cal) -> list[str]:
    item = case.version.name
    who = f"{case.applicant_name}:"
    shown = []  # dates that may be provisional, for the note at the end

    def due(day):
        shown.append(day)
        return _d(day, cal)

    if kind == Notice.Kind.ACCEPTANCE:
        lines = [who, f"你(单位)于{_d(case.received_on)}提出的“{item}”申请,"
                      + ("因本机关未在法定期限内作出处理,依照《中华人民共和国行政许可法》第三十二条,自收到申请材料之日起即为受理。"
                         if case.deemed_accepted else "申请材料齐全、符合法定形式,依照《中华人民共和国行政许可法》第三十二条,决定予以受理。"),
                 f"受理日期:{_d(case.accepted_on)};承诺办结日期:{due(case.promised_due)};"
                 f"法定办结日期:{due(case.statutory_due)}。",
                 f"办件查询码:{case.query_code}(凭办件编号和查询码可在网上查询办理进度)。"]
    elif kind == Notice.Kind.SUPPLEMENT:
        lines = [who, f"你(单位)于{_d(case.received_on)}提出的“{item}”申请,申请材料不齐全或者不符合法定形式。"
                      "依照《中华人民共和国行政许可法》第三十二条,现一次性告知需要补正的全部内容:"]
        lines += [f"{i}. {m}" for i, m in enumerate(extra.get("materials", []), 1)]
        if extra.get("note"):
            lines.append(f"其他:{extra['note']}")
        lines.append("请补正全部内容后再次提交;自补正材料齐全之日起受理。")
    elif kind == Notice.Kind.REFUSAL:
        lines = [who, f"你(单位)于{_d(case.received_on)}提出的“{item}”申请,依照《中华人民共和国行政许可法》第三十二条,决定不予受理。",
                 f"理由:{extra.get('reasons', '')}"]
        if extra.get("competent_agency"):
            lines.append(f"请向{extra['competent_agency']}提出申请。")
        lines.append(REMEDIES)
    elif kind == Notice.Kind.APPROVAL:
        lines = [who, f"你(单位)提出的“{item}”申请,经审查,符合法定条件、标准,依照《中华人民共和国行政许可法》第三十八条,"
                      "决定准予行政许可。",
                 f"证照(文书)编号:{case.licence_number}。",
                 f"本机关将于{due(case.delivery_due)}前向你(单位)颁发、送达证照(《中华人民共和国行政许可法》第四十四条)。"]
    elif kind == Notice.Kind.DENIAL:
        lines = [who, f"你(单位)提出的“{item}”申请,经审查,依照《中华人民共和国行政许可法》第三十八条,决定不予行政许可。",
                 f"理由:{case.decision_reasons}", case.remedies]
    elif kind == Notice.Kind.EXTENSION:
        lines = [who, f"你(单位)于{_d(case.received_on)}提出的“{item}”申请(受理日期{_d(case.accepted_on)}),"
                      f"因{extra.get('reason', '')},"
                      f"经{extra.get('approved_by', '')}批准,依照《中华人民共和国行政许可法》第四十二条,"
                      f"审批期限延长{extra.get('days')}个工作日。",
                 f"原法定办结日期:{due(extra.get('before'))};延长后的法定办结日期:{due(case.statutory_due)}。"]
    elif kind == Notice.Kind.SPECIAL:
        lines = [who, f"你(单位)提出的“{item}”申请,需要进行{extra.get('procedure', '')}(特别程序),"
                      f"理由:{extra.get('reason', '')}。",
                 f"特别程序自{_d(extra.get('start'))}开始,预计需要{extra.get('expected_days')}个工作日"
                 f"(预计{due(extra.get('expected_end'))}结束)。",
                 "依照《中华人民共和国行政许可法》第四十五条,特别程序所需时间不计算在审批期限内;"
                 "特别程序结束后,办结日期相应顺延,并另行告知。"]
    elif kind == Notice.Kind.MATERIALS:
        received = extra.get("received") or []
        lines = [who, f"你(单位)申请的“{item}”,本中心于{_d(timezone.localdate())}收到下列申请材料:"]
        lines += [f"{i}. {line}" for i, line in enumerate(received, 1)] or ["(未收到材料)"]
        lines += [f"本中心将在{due(case.acceptance_due)}前依法作出受理、不予受理或者一次性告知补正的决定"
                  "(《中华人民共和国行政许可法》第三十二条);逾期未告知的,自收到申请材料之日起即为受理。",
                  f"办件编号:{case.number};查询码:{case.query_code}。"]
    elif kind == Notice.Kind.TERMINATION:
        lines = [who, f"你(单位)于{_d(case.received_on)}提出的“{item}”申请,决定终止办理。",
                 f"理由:{extra.get('reason', '')}", REMEDIES]
    else:
        lines = [f"受送达人:{case.applicant_name}", f"送达文书:{extra.get('document', '')}",
                 f"送达方式:{extra.get('method', '')}", f"送达日期:{_d(extra.get('on'))}",
                 "受送达人签名:__________    送达人签名:__________"]
    if any(cal.is_provisional(d) for d in shown):
        lines.append(PROVISIONAL_NOTE.format(year=cal.provisional_year or max(d for d in shown if d).year))
    lines.append(f"办理地点:{case.centre.name}")
    lines.append(f"{issuer(case)}    {_d(timezone.localdate())}")
    return lines


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
