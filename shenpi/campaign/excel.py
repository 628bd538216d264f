"""The assessment as an Excel workbook (G4): the ranking with every indicator's figure and
score, and the scheme it was scored under."""

from __future__ import annotations

import io
from typing import Any

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font


def assessment_workbook(found: dict[str, Any]) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = _("Assessment")[:31]
    p, scheme, indicators = found["period"], found["scheme"], found["indicators"]
    ws.append([_("Assessment of %(period)s, scheme version %(v)s") % {"period": p.key, "v": scheme.version}])
    ws["A1"].font = Font(bold=True)
    head = [_("Rank"), _("Department"), _("Total")]
    for ind in indicators:
        head += [f"{ind.label}", f"{ind.label} {_('score')}"]
    ws.append(head)
    for r in found["departments"]:
        row: list[Any] = [r["rank"], r["name"], r["total"] if r["total"] is not None else _("no data")]
        for ind in indicators:
            f = r["figures"][ind.code]
            row += [f["value"], f["score"]] if f["data"] else [_("no data"), _("no data")]
        ws.append(row)
    sheet = wb.create_sheet(_("Scheme")[:31])
    sheet.append([_("Indicator"), _("Weight"), _("Points per occurrence")])
    for ind in indicators:
        sheet.append([f"{ind.label}", scheme.weight(ind.code), scheme.per(ind.code) or None])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
