"""Telling applicants of every change (C7) through a pluggable sender.

The default keeps each message in the Outbox table (shown in the admin); with
SHENPI_SMS_SENDER set to a dotted path, that callable delivers them (an SMS gateway adapter).
"""

from django.conf import settings
from django.utils.module_loading import import_string

from shenpi.core import sql

from .lifecycle import Action, State
from .models import Outbox

TEMPLATES = {
    Action.SUBMIT: "【{centre}】您的申请已收件,办件编号 {number},查询码 {code}。",
    Action.ACCEPT: "【{centre}】办件 {number} 已受理,承诺办结日期 {promised_due}。",
    Action.DEEM_ACCEPT: "【{centre}】办件 {number} 依法视为自收件之日起受理,承诺办结日期 {promised_due}。",
    Action.SUPPLEMENT: "【{centre}】办件 {number} 需补正材料,请查看补正材料通知书。",
    Action.REFUSE: "【{centre}】办件 {number} 不予受理,请查看不予受理通知书。",
    Action.EXTEND: "【{centre}】办件 {number} 审批期限依法延长,请查看延长审批期限告知书。",
    Action.SUSPEND: "【{centre}】办件 {number} 进入特别程序,所需时间不计入审批期限,请查看特别程序告知书。",
    Action.TERMINATE: "【{centre}】办件 {number} 已终止办理,请查看终止审批通知书。",
    Action.RECOUNT: "【{centre}】按国家公布的节假日安排,办件 {number} 的办理期限已重新计算,请凭查询码查看。",
}
DEFAULT = "【{centre}】办件 {number} 状态更新:{state}。"


def case_changed(case, action: str) -> Outbox:
    from shenpi.workdays.selectors import current_calendar

    cal = current_calendar(getattr(case, "calendar_version", None))
    promised = f"{case.promised_due}{'(暂定)' if cal.is_provisional(case.promised_due) else ''}"
    body = TEMPLATES.get(action, DEFAULT).format(
        centre=case.centre.name, number=case.number, code=case.query_code, promised_due=promised,
        state=State(case.state).label)
    sender = getattr(settings, "SHENPI_SMS_SENDER", "")
    message = sql.insert(Outbox(case=case, phone=case.applicant_phone, body=body), need_pk=bool(sender))
    if sender:
        from django.db import transaction
        transaction.on_commit(lambda: import_string(sender)(message.pk))
    return message
