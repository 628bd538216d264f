"""Excel export and import of the published catalog (requirement A5).

One workbook, one sheet per kind of row, codes as in GB/T 39046. Import is all or nothing:
every bad row is reported with its sheet, row and column, and nothing is written.
"""

import io
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.utils import get_column_letter
from rest_framework import serializers

from shenpi.org.models import Centre, Department

from . import selectors, services
from .models import Item
from .serializers import (
    ContentSerializer,
    FeeSerializer,
    MaterialSerializer,
    ReformRecordSerializer,
    StepSerializer,
)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# sheet -> [(key, header)]. Headers are what people read in the file; keys are what code uses.
SHEETS = {
    "items": ("事项", [
        ("implementation_code", "实施编码"), ("basic_code", "基本编码"), ("department", "实施主体信用代码"),
        ("name", "事项名称"), ("item_type", "事项类型"), ("level", "行使层级"), ("subject_nature", "实施主体性质"),
        ("service_objects", "服务对象"), ("category", "办件类型"), ("legal_basis", "设定依据"),
        ("conditions", "受理条件"), ("statutory_limit", "法定时限"), ("promised_limit", "承诺时限"),
        ("handling_forms", "办理形式"), ("visits", "到现场次数"), ("centre", "办理中心"), ("location", "办理地点"),
        ("hotline", "咨询电话"), ("change_note", "变更说明"),
    ]),
    "materials": ("材料", [
        ("implementation_code", "实施编码"), ("name", "材料名称"), ("originals", "原件份数"), ("copies", "复印件份数"),
        ("requirement", "必要性"), ("condition", "适用情形"), ("note", "备注"),
    ]),
    "fees": ("收费", [
        ("implementation_code", "实施编码"), ("name", "收费项目"), ("standard_fen", "收费标准(分)"), ("unit", "计费单位"),
        ("legal_basis", "收费依据"),
    ]),
    "flow": ("流程", [
        ("implementation_code", "实施编码"), ("stage", "环节序号"), ("stage_name", "环节名称"), ("name", "步骤名称"),
        ("role", "角色"), ("department", "承办部门信用代码"), ("budget", "时限(工作日)"),
    ]),
    "reform": ("改革状态", [
        ("implementation_code", "实施编码"), ("status", "状态"), ("effective_date", "生效日期"),
        ("document_number", "文号"), ("delegated_to", "下放至"), ("note", "备注"),
    ]),
}
LIST_FIELDS = {"service_objects", "handling_forms"}


def _cell(value):
    if isinstance(value, list):
        return ",".join(value)
    if isinstance(value, date):
        return value.isoformat()
    return value


def export_catalog() -> bytes:
    wb = Workbook()
    wb.remove(wb.active)
    sheets = {}
    for key, (title, columns) in SHEETS.items():
        ws = wb.create_sheet(title)
        ws.append([header for _k, header in columns])
        ws.freeze_panes = "A2"
        for i in range(1, len(columns) + 1):
            ws.column_dimensions[get_column_letter(i)].width = 18
        sheets[key] = ws
    versions = (selectors.published_versions()
                .prefetch_related("materials", "fees", "stages__steps__department", "item__reform_records")
                .order_by("item__implementation_code"))
    for v in versions:
        code = v.item.implementation_code
        content = services.content_of(v)
        row = {**content, "implementation_code": code, "basic_code": v.item.basic_code,
               "department": v.item.department.credit_code, "centre": v.centre.code}
        sheets["items"].append([_cell(row[k]) for k, _h in SHEETS["items"][1]])
        for m in content["materials"]:
            sheets["materials"].append([code, *[_cell(m[k]) for k, _h in SHEETS["materials"][1][1:]]])
        for f in content["fees"]:
            sheets["fees"].append([code, *[_cell(f[k]) for k, _h in SHEETS["fees"][1][1:]]])
        for n, st in enumerate(content["stages"], 1):
            for s in st["steps"]:
                sheets["flow"].append([code, n, st["name"], s["name"], s["role"], s["department"].credit_code, s["budget"]])
        for r in sorted(v.item.reform_records.all(), key=lambda r: (r.effective_date, r.pk)):
            sheets["reform"].append([code, r.status, r.effective_date.isoformat(), r.document_number,
                                     r.delegated_to, r.note])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


@dataclass
class RowError:
    sheet: str
    row: int
    column: str
    message: str

    def __str__(self):
        return _("Sheet “%(sheet)s”, row %(row)s, column %(column)s: %(message)s") % self.__dict__


class CatalogImportError(ValidationError):
    def __init__(self, rows: list[RowError]):
        self.rows = rows
        super().__init__({"file": [str(r) for r in rows]})


def _column(sheet_key, field):
    for i, (k, header) in enumerate(SHEETS[sheet_key][1], 1):
        if k == field:
            return f"{get_column_letter(i)} ({header})"
    return ""


def _read_rows(wb, sheet_key, errors):
    title, columns = SHEETS[sheet_key]
    if title not in wb.sheetnames:
        errors.append(RowError(title, 1, "", _("The sheet is missing.")))
        return []
    ws = wb[title]
    rows = ws.iter_rows(values_only=True)
    header = [str(h or "").strip() for h in next(rows, [])]
    expected = [h for _k, h in columns]
    if header[:len(expected)] != expected:
        errors.append(RowError(title, 1, "", _("The header row must be: %(h)s.") % {"h": ", ".join(expected)}))
        return []
    out = []
    for n, values in enumerate(rows, 2):
        if values is None or all(v in (None, "") for v in values):
            continue
        row = {}
        for (k, _h), v in zip(columns, values, strict=False):
            if isinstance(v, datetime):
                v = v.date().isoformat()
            elif isinstance(v, date):
                v = v.isoformat()
            elif isinstance(v, float) and v.is_integer():
                v = int(v)
            row[k] = "" if v is None else v
        out.append((n, row))
    return out


def _field_errors(sheet_key, rownum, detail, errors):
    title = SHEETS[sheet_key][0]
    for field, messages in detail.items():
        for msg in messages if isinstance(messages, list) else [messages]:
            if isinstance(msg, dict):  # nested serializer errors
                _field_errors(sheet_key, rownum, msg, errors)
                continue
            errors.append(RowError(title, rownum, _column(sheet_key, field), str(msg)))


def _as_list(value):
    return [p.strip() for p in str(value).replace("，", ",").split(",") if p.strip()]


def import_catalog(*, actor, fileobj) -> dict:
    """Create or update every item in the file and publish it, or change nothing at all."""
    services._require_admin(actor)
    errors: list[RowError] = []
    try:
        wb = load_workbook(fileobj, read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a file that is not a workbook
        raise CatalogImportError([RowError("-", 0, "", _("The file is not an Excel workbook (.xlsx)."))]) from None
    rows = {key: _read_rows(wb, key, errors) for key in SHEETS}
    if errors:
        raise CatalogImportError(errors)

    departments = {d.credit_code: d for d in Department.objects.all()}
    centres = {c.code: c for c in Centre.objects.all()}
    seen: dict = {}
    children: defaultdict[str, dict[str, Any]] = defaultdict(
        lambda: {"materials": [], "fees": [], "stages": {}, "reform": [], "first": {}})

    def known(sheet_key, n, code):
        if code not in seen:
            errors.append(RowError(SHEETS[sheet_key][0], n, _column(sheet_key, "implementation_code"),
                                   _("No item with the implementation code %(code)s in sheet 事项.") % {"code": code}))
            return False
        children[code]["first"].setdefault(sheet_key, n)
        return True

    for n, row in rows["items"]:
        code = str(row["implementation_code"]).strip()
        if code in seen:
            errors.append(RowError(SHEETS["items"][0], n, _column("items", "implementation_code"),
                                   _("The implementation code %(code)s appears twice.") % {"code": code}))
            continue
        seen[code] = (n, row)
    for sheet_key, serializer_class in (("materials", MaterialSerializer), ("fees", FeeSerializer)):
        for n, row in rows[sheet_key]:
            code = str(row["implementation_code"]).strip()
            if known(sheet_key, n, code):
                s: serializers.Serializer = serializer_class(data=row)
                if s.is_valid():
                    children[code][sheet_key].append(dict(s.validated_data))
                else:
                    _field_errors(sheet_key, n, s.errors, errors)
    for n, row in rows["flow"]:
        code = str(row["implementation_code"]).strip()
        if not known("flow", n, code):
            continue
        dept = departments.get(str(row["department"]).strip())
        if dept is None:
            errors.append(RowError(SHEETS["flow"][0], n, _column("flow", "department"),
                                   _("No department with the credit code %(code)s.") % {"code": row["department"]}))
            continue
        s = StepSerializer(data={**row, "department": dept.pk})
        if not isinstance(row["stage"], int) or row["stage"] < 1:
            errors.append(RowError(SHEETS["flow"][0], n, _column("flow", "stage"), _("A stage number is a whole number from 1.")))
        elif s.is_valid():
            stage = children[code]["stages"].setdefault(row["stage"], {"name": str(row["stage_name"]).strip(), "steps": []})
            stage["steps"].append(dict(s.validated_data))
        else:
            _field_errors("flow", n, s.errors, errors)
    for n, row in rows["reform"]:
        code = str(row["implementation_code"]).strip()
        if known("reform", n, code):
            s = ReformRecordSerializer(data=row)
            if s.is_valid():
                children[code]["reform"].append((n, dict(s.validated_data)))
            else:
                _field_errors("reform", n, s.errors, errors)

    parsed = {}
    for code, (n, row) in seen.items():
        dept = departments.get(str(row["department"]).strip())
        centre = centres.get(str(row["centre"]).strip())
        if dept is None:
            errors.append(RowError(SHEETS["items"][0], n, _column("items", "department"),
                                   _("No department with the credit code %(code)s.") % {"code": row["department"]}))
        if centre is None:
            errors.append(RowError(SHEETS["items"][0], n, _column("items", "centre"),
                                   _("No centre with the code %(code)s.") % {"code": row["centre"]}))
        if dept is None or centre is None:
            continue
        kids = children[code]
        data = {**row, "centre": centre.pk, "materials": [], "fees": [], "stages": []}
        for f in LIST_FIELDS:
            data[f] = _as_list(row[f])
        s = ContentSerializer(data=data)
        if not s.is_valid():
            _field_errors("items", n, s.errors, errors)
            continue
        content = dict(s.validated_data)
        content["materials"] = kids["materials"]
        content["fees"] = kids["fees"]
        content["stages"] = [kids["stages"][k] for k in sorted(kids["stages"])]
        parsed[code] = (n, row, dept, content)
    if errors:
        raise CatalogImportError(errors)

    result = {"created": 0, "updated": 0, "unchanged": 0}
    with transaction.atomic():
        for code, (n, row, dept, content) in parsed.items():
            kids = children[code]
            try:
                with transaction.atomic():
                    _import_item(actor, code, row, dept, content, kids["reform"], result)
            except ValidationError as exc:
                for field, messages in exc.message_dict.items():
                    sheet_key = {"materials": "materials", "fees": "fees", "stages": "flow"}.get(field, "items")
                    rownum = kids["first"].get(sheet_key, n) if sheet_key != "items" else n
                    col = _column(sheet_key, field) if sheet_key == "items" else ""
                    for msg in messages:
                        errors.append(RowError(SHEETS[sheet_key][0], rownum, col, msg))
        if errors:
            transaction.set_rollback(True)
    if errors:
        raise CatalogImportError(errors)
    return result


def _import_item(actor, code, row, dept, content, reform_rows, result):
    item = Item.objects.filter(implementation_code=code).first()
    if item is None:
        item = services.create_item(actor=actor, basic_code=str(row["basic_code"]).strip(),
                                    implementation_code=code, department=dept, content=content)
        services.publish(actor=actor, item=item)
        result["created"] += 1
    else:
        if item.department_id != dept.pk or item.basic_code != str(row["basic_code"]).strip():
            raise ValidationError({"department": [_("An existing item's codes and department cannot change by import.")]})
        current = selectors.published_version_of(item)
        if current is not None and services.content_of(current) == content:
            result["unchanged"] += 1
        else:
            services.save_draft(actor=actor, item=item, content=content)
            services.publish(actor=actor, item=item)
            result["updated"] += 1
    existing = {(r.status, r.effective_date, r.document_number) for r in item.reform_records.all()}
    for _n, rec in reform_rows:
        if (rec["status"], rec["effective_date"], rec["document_number"]) not in existing:
            services.add_reform_record(actor=actor, item=item, **rec)
