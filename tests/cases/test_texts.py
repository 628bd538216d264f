"""Notices and messages are templates, one per kind (cases/templates/cases/notices, /messages):
every kind has one, and each renders plain text with its dates and the provisional mark."""

from pathlib import Path

import pytest

from shenpi.cases import notices
from shenpi.cases.lifecycle import Action
from shenpi.cases.models import Notice

from .conftest import window_case

TEMPLATES = Path(notices.__file__).parent / "templates" / "cases"
pytestmark = pytest.mark.usefixtures("demo")


def test_every_kind_of_notice_has_its_template():
    assert {p.stem for p in (TEMPLATES / "notices").glob("*.txt")} - {"base"} == set(Notice.Kind.values)


def test_every_message_template_names_an_action():
    assert {p.stem for p in (TEMPLATES / "messages").glob("*.txt")} - {"default"} <= set(Action.values)


def test_a_notice_is_plain_text_one_paragraph_per_line(on):
    on(2026, 3, 2)
    case = window_case()
    case.applicant_name = "张三 & <李四>"
    from shenpi.workdays.selectors import current_calendar
    body = notices._body(case, Notice.Kind.SUPPLEMENT, {"materials": ["身份证", "营业执照"], "note": ""},
                         current_calendar())
    assert body[0] == "张三 & <李四>:"  # not HTML-escaped
    assert body[2:4] == ["1. 身份证", "2. 营业执照"] and "" not in body
    assert body[-2].startswith("办理地点:") and body[-1].endswith("2026年3月2日")


def test_a_message_is_plain_text(on):
    on(2026, 3, 2)
    case = window_case()
    case.centre.name = "A&B 中心"
    from shenpi.cases import notify
    message = notify.case_changed(case, Action.SUBMIT)
    assert message.body == f"【A&B 中心】您的申请已收件,办件编号 {case.number},查询码 {case.query_code}。"
    assert notify.case_changed(case, Action.RESUME).body == f"【A&B 中心】办件 {case.number} 状态更新:已收件。"
