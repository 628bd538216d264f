"""The exchange intake (requirement E4): departments' own approval systems push their cases
to /api/v1/exchange/, each with its own token, in the shape of the national exchange
(standards.md §2: codes of GB/T 39046, dates YYYYMMDD, times YYYYMMDDhhmmss). A batch is
checked whole before anything is stored: one bad record refuses the batch, with every record's
reasons; a good batch is stored in one transaction as external cases (cases/external.py)."""

from __future__ import annotations

import datetime
import hashlib
import secrets
from typing import Any

from django.db import transaction
from django.utils import timezone

from shenpi.audit.services import record as audit
from shenpi.cases import external
from shenpi.cases.identity import applicant_errors
from shenpi.cases.models import Case, StepTask
from shenpi.catalog.codes import HandlingForm, ServiceObject
from shenpi.catalog.models import ItemVersion
from shenpi.core.exceptions import CalendarUnavailable
from shenpi.workdays.selectors import current_calendar

from .models import ExchangeSystem

MAX_RECORDS = 500
STEP_STATUS = {"待办": "", "已办": "done"}  # 环节状态
STEP_ACTION = {"通过": StepTask.Outcome.PASS, "退回": StepTask.Outcome.RETURN, "其他": StepTask.Outcome.REFUSE,
               "不予通过": StepTask.Outcome.REFUSE}  # 业务动作
RESULTS = {"1": Case.Decision.APPROVE, "2": Case.Decision.DENY}  # 1 准予许可, 2 不予许可
SPECIAL_KINDS = {"1", "2"}  # 1 延长审批, 2 除延长审批之外 (the kind named)


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_token() -> str:
    return "sx_" + secrets.token_urlsafe(32)


def system_for(token: str) -> ExchangeSystem | None:
    if not token or len(token) > 200:
        return None
    return ExchangeSystem.objects.filter(token_sha256=token_digest(token), active=True).select_related(
        "department").first()


@transaction.atomic
def add_system(*, code: str, name: str, department, actor=None) -> tuple[ExchangeSystem, str]:
    """Register a system; its token is shown this once (only its digest is kept)."""
    token = new_token()
    system = ExchangeSystem.objects.create(code=code, name=name, department=department,
                                           token_sha256=token_digest(token))
    audit(actor=actor, action="exchange.system.add", obj=system, after={"code": code, "department": department.pk})
    return system, token


class Reader:
    """Reads one record's fields, collecting every reason it is refused under its path."""

    def __init__(self) -> None:
        self.errors: dict[str, list[str]] = {}

    def error(self, path: str, message: str) -> None:
        self.errors.setdefault(path, []).append(message)

    def text(self, data: Any, key: str, path: str, *, required: bool = True, max_length: int = 200) -> str:
        value = data.get(key) if isinstance(data, dict) else None
        if value is None or value == "":
            if required:
                self.error(f"{path}{key}", "必填")
            return ""
        if not isinstance(value, str):
            self.error(f"{path}{key}", "应为字符串")
            return ""
        if len(value) > max_length or "\x00" in value:
            self.error(f"{path}{key}", f"超过 {max_length} 个字符或含非法字符")
            return ""
        return value.strip()

    def time(self, data: Any, key: str, path: str, *, required: bool = True) -> datetime.datetime | None:
        raw = self.text(data, key, path, required=required, max_length=14)
        if not raw:
            return None
        try:
            if len(raw) != 14 or not raw.isascii() or not raw.isdigit():
                raise ValueError(raw)
            naive = datetime.datetime.strptime(raw, "%Y%m%d%H%M%S")
        except ValueError:
            self.error(f"{path}{key}", f"“{raw}”不是 YYYYMMDDhhmmss 格式的时间")
            return None
        at = timezone.make_aware(naive)
        if at > timezone.now() + datetime.timedelta(minutes=5):
            self.error(f"{path}{key}", f"“{raw}”晚于当前时间")
        if at.date() < current_calendar().first:
            self.error(f"{path}{key}", f"“{raw}”早于工作日历的第一年")
        return at

    def items(self, data: Any, key: str, path: str) -> list:
        value = data.get(key) if isinstance(data, dict) else None
        if value is None:
            return []
        if not isinstance(value, list):
            self.error(f"{path}{key}", "应为数组")
            return []
        return value


def _read(raw: Any, system: ExchangeSystem, versions: dict[str, ItemVersion]) -> tuple[external.Record | None, dict]:
    r = Reader()
    if not isinstance(raw, dict):
        return None, {"": ["每条记录应为对象"]}
    number = r.text(raw, "case_number", "", max_length=40).upper()
    code = r.text(raw, "item_code", "", max_length=24)
    version = versions.get(code)
    if code and version is None:
        r.error("item_code", f"“{code}”不是已发布的事项实施编码")
    elif version is not None and version.item.department_id != system.department_id:
        r.error("item_code", f"事项“{version.name}”不属于本系统所属部门")
    applicant = raw.get("applicant")
    if not isinstance(applicant, dict):
        r.error("applicant", "必填,应为对象")
        applicant = {}
    kind = r.text(applicant, "type", "applicant.", max_length=1)
    if kind and kind not in ServiceObject.values:
        r.error("applicant.type", f"“{kind}”不是服务对象代码(1–6)")
    applicant_type = "person" if kind == ServiceObject.PERSON else "organisation"
    name = r.text(applicant, "name", "applicant.", max_length=100)
    id_number = r.text(applicant, "id", "applicant.", max_length=18).upper()
    phone = r.text(applicant, "phone", "applicant.", max_length=11)
    if kind in ServiceObject.values and name:
        for f, messages in applicant_errors(applicant_type=applicant_type, applicant_id=id_number,
                                            applicant_name=name, applicant_phone=phone).items():
            for m in messages:
                r.error("applicant." + f.removeprefix("applicant_"), str(m))
    channel_code = r.text(raw, "channel", "", required=False, max_length=1) or HandlingForm.WINDOW
    if channel_code not in HandlingForm.values:
        r.error("channel", f"“{channel_code}”不是办理形式代码")
    received_at = r.time(raw, "received_at", "")
    rec: dict[str, Any] = {"supplements": [], "steps": [], "specials": []}
    for i, s in enumerate(r.items(raw, "supplements", "")):
        p = f"supplements[{i}]."
        at = r.time(s, "at", p)
        materials = r.items(s, "materials", p)
        if not materials or not all(isinstance(m, str) and m.strip() and len(m) <= 200 for m in materials):
            r.error(p + "materials", "应列出需补正的材料名称")
        rec["supplements"].append((at, r.text(s, "person", p, required=False, max_length=50),
                                   [m.strip() for m in materials if isinstance(m, str)],
                                   r.time(s, "fulfilled_at", p, required=False)))
    refused = raw.get("refusal")
    if refused is not None:
        rec["refused"] = (r.time(refused, "at", "refusal."), r.text(refused, "person", "refusal.", required=False, max_length=50),
                          r.text(refused, "reasons", "refusal.", max_length=2000))
    acc = raw.get("acceptance")
    if acc is not None:
        rec["accepted"] = (r.time(acc, "at", "acceptance."),
                           r.text(acc, "person", "acceptance.", max_length=50),
                           r.text(acc, "document_number", "acceptance.", required=False, max_length=60))
    for i, s in enumerate(r.items(raw, "steps", "")):
        p = f"steps[{i}]."
        status = r.text(s, "status", p, max_length=4)
        if status and status not in STEP_STATUS:
            r.error(p + "status", "环节状态应为“待办”或“已办”")
        action = r.text(s, "action", p, required=status == "已办", max_length=4)
        if action and action not in STEP_ACTION:
            r.error(p + "action", "业务动作应为“通过”“退回”或“其他”")
        end = r.time(s, "end", p, required=status == "已办")
        rec["steps"].append(external.Step(name=r.text(s, "name", p, max_length=50),
                                          handler=r.text(s, "handler", p, max_length=50),
                                          start=r.time(s, "start", p), end=end if status == "已办" else None,  # type: ignore[arg-type]
                                          outcome=STEP_ACTION.get(action, "") if status == "已办" else "",
                                          opinion=r.text(s, "opinion", p, required=False, max_length=2000)))
    for i, s in enumerate(r.items(raw, "special_procedures", "")):
        p = f"special_procedures[{i}]."
        kind_code = r.text(s, "kind", p, max_length=1)
        if kind_code and kind_code not in SPECIAL_KINDS:
            r.error(p + "kind", "特别程序种类应为 1(延长审批)或 2(除延长审批之外)")
        days = s.get("expected_days") if isinstance(s, dict) else None
        if not isinstance(days, int) or isinstance(days, bool) or not 1 <= days <= 365:
            r.error(p + "expected_days", "应为 1–365 的整数(工作日)")
            days = 1
        rec["specials"].append(external.Special(kind=r.text(s, "name", p, max_length=10), reason=r.text(s, "reason", p, max_length=2000),
                                                start=r.time(s, "start", p), end=r.time(s, "end", p, required=False),  # type: ignore[arg-type]
                                                expected_days=days, result=r.text(s, "result", p, required=False, max_length=2000)))
    result = raw.get("result")
    if result is not None:
        p = "result."
        outcome = r.text(result, "decision", p, max_length=1)
        if outcome and outcome not in RESULTS:
            r.error(p + "decision", "办理结果应为 1(准予许可)或 2(不予许可)")
        rec["decided"] = (r.time(result, "at", p), r.text(result, "person", p, max_length=50), RESULTS.get(outcome, ""),
                          r.text(result, "licence_number", p, required=outcome == "1", max_length=100),
                          r.text(result, "reasons", p, required=False, max_length=2000),
                          r.text(result, "remedies", p, required=False, max_length=2000))
        if acc is None and version is not None and version.category != "instant":
            r.error("acceptance", "有办理结果的承诺件须有受理信息")
    fees = []
    for i, f in enumerate(r.items(raw, "fees", "")):
        p = f"fees[{i}]."
        amount = f.get("amount_fen") if isinstance(f, dict) else None
        if not isinstance(amount, int) or isinstance(amount, bool) or not 0 <= amount <= 10**10:
            r.error(p + "amount_fen", "应为以分为单位的非负整数")
        fees.append({"name": r.text(f, "name", p, max_length=200), "amount_fen": amount})
    if fees and result is None:
        r.error("fees", "收费须随办理结果报送")
    rec["fees"] = fees
    delivery = raw.get("delivery")
    if delivery is not None:
        rec["delivered"] = (r.time(delivery, "at", "delivery."), r.text(delivery, "person", "delivery.", required=False,
                                                                         max_length=50),
                            r.text(delivery, "method", "delivery.", max_length=40))
        if result is None:
            r.error("delivery", "送达须有办理结果")
    if r.errors or version is None or received_at is None:
        return None, r.errors or {"": ["记录不完整"]}
    return external.Record(number=number, version=version, applicant_type=applicant_type, applicant_name=name,
                           applicant_id=id_number, applicant_phone=phone,
                           channel=Case.Channel.ONLINE if channel_code in ("2", "3") else Case.Channel.WINDOW,
                           received_at=received_at, received_by=r.text(raw, "received_by", "", required=False, max_length=50),
                           **rec), {}


class BatchRefused(Exception):
    def __init__(self, errors: list[dict]):
        super().__init__("batch refused")
        self.errors = errors


def receive(system: ExchangeSystem, payload: Any) -> dict:
    """Check the whole batch, then store it whole; raises BatchRefused with every record's
    reasons (and stores nothing) when any record is bad."""
    records = payload.get("records") if isinstance(payload, dict) else None
    if not isinstance(records, list) or not records:
        raise BatchRefused([{"index": None, "errors": {"records": ["应为非空数组"]}}])
    if len(records) > MAX_RECORDS:
        raise BatchRefused([{"index": None, "errors": {"records": [f"每批最多 {MAX_RECORDS} 条"]}}])
    codes = {r.get("item_code") for r in records if isinstance(r, dict) and isinstance(r.get("item_code"), str)}
    versions = {v.item.implementation_code: v for v in ItemVersion.objects.filter(
        status=ItemVersion.Status.PUBLISHED, item__implementation_code__in=codes).select_related("item")}
    parsed: list[external.Record] = []
    problems: list[dict] = []
    seen: set[str] = set()
    for i, raw in enumerate(records):
        try:
            rec, errors = _read(raw, system, versions)
        except CalendarUnavailable as e:
            rec, errors = None, {"": [str(e)]}
        if rec is not None:
            if rec.number in seen:
                errors = {"case_number": ["本批中重复"]}
            seen.add(rec.number)
            owner = Case.objects.filter(number=rec.number).values_list("external_system", flat=True).first()
            if owner is not None and owner != system.code:
                errors = {"case_number": ["该办件编号已属于其他系统或本中心"]}
        if errors or rec is None:
            problems.append({"index": i, "case_number": raw.get("case_number") if isinstance(raw, dict) else None,
                             "errors": errors})
        else:
            parsed.append(rec)
    if problems:
        raise BatchRefused(problems)
    created = updated = 0
    try:
        with transaction.atomic():
            for rec in parsed:
                try:
                    _, new = external.store(system.code, rec)
                except external.HistoryDiffers:
                    raise BatchRefused([{"index": parsed.index(rec), "case_number": rec.number,
                                         "errors": {"": ["办理过程与此前报送的不一致(只能追加)"]}}]) from None
                created += new
                updated += not new
            ExchangeSystem.objects.filter(pk=system.pk).update(last_batch_at=timezone.now())
            audit(actor=None, action="exchange.batch", obj=system,
                  after={"created": created, "updated": updated, "cases": [r.number for r in parsed]})
    except CalendarUnavailable as e:
        raise BatchRefused([{"index": None, "errors": {"": [str(e)]}}]) from None
    return {"created": created, "updated": updated, "cases": [r.number for r in parsed]}
