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
}
DEFAULT = "【{centre}】办件 {number} 状态更新:{state}。"


def case_changed(case, action: str) -> Outbox:
    body = TEMPLATES.get(action, DEFAULT).format(
        centre=case.centre.name, number=case.number, code=case.query_code, promised_due=case.promised_due,
        state=State(case.state).label)
    sender = getattr(settings, "SHENPI_SMS_SENDER", "")
    message = sql.insert(Outbox(case=case, phone=case.applicant_phone, body=body), need_pk=bool(sender))
    if sender:
        from django.db import transaction
        transaction.on_commit(lambda: import_string(sender)(message.pk))
    return message
