"""Complaints (issue 15, F1): limits in working days for acceptance and reply, one extension
with reasons, the reply and the complainant's rating of it; no one but the complainant and
those handling a complaint sees it; bad input changes nothing."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError

from shenpi.audit.models import AuditEntry
from shenpi.cases.models import Outbox
from shenpi.feedback import complaints as c
from shenpi.feedback.access import complaints_for, handles
from shenpi.feedback.models import Complaint
from tests.cases.conftest import user

pytestmark = pytest.mark.usefixtures("demo")


def citizen(phone="13900005555"):
    return get_user_model().objects.create_user(phone, password="x-Secret-9")


def lodge(actor=None, **over):
    data = {"actor": actor, "source": "portal", "against_department": user("depthead").staff.department,
            "content": "窗口工作人员态度生硬,材料一次没说清,跑了三趟。", "against_name": "3号窗口",
            "name": "王五", "phone": "13900005555"}
    data.update(over)
    return c.submit(**data)


def test_limits_extension_reply_and_rating_in_working_days(on, settings):
    settings.SHENPI_COMPLAINT_ACCEPT_DAYS, settings.SHENPI_COMPLAINT_REPLY_DAYS = 2, 10
    settings.SHENPI_COMPLAINT_EXTENSION_DAYS = 10
    on(2026, 3, 6)  # a Friday
    me = citizen()
    complaint = lodge(me)
    assert complaint.number.startswith("TS20260306") and len(complaint.query_code) == 8
    assert complaint.accept_due == datetime.date(2026, 3, 10)  # Friday + 2 working days
    assert complaint.complainant_user == me and complaint.status == Complaint.Status.RECEIVED
    on(2026, 3, 9)
    c.accept(actor=user("supervisor"), complaint=complaint, against_person=user("clerk"))
    complaint.refresh_from_db()
    assert complaint.reply_due == complaint.first_reply_due == datetime.date(2026, 3, 23)
    assert complaint.handling_department == complaint.against_department
    c.add_note(actor=user("depthead"), complaint=complaint, text="调取3月5日窗口录像,核实当事人。")
    for bad in ({"days": 0}, {"days": 11}, {"days": "3"}, {"reason": " "}):
        with pytest.raises(ValidationError):
            c.extend(**{"actor": user("depthead"), "complaint": complaint, "days": 5, "reason": "需调取监控", **bad})
    complaint.refresh_from_db()
    assert complaint.extended_days == 0 and complaint.reply_due == datetime.date(2026, 3, 23)
    c.extend(actor=user("depthead"), complaint=complaint, days=5, reason="需调取监控并约谈当事人")
    complaint.refresh_from_db()
    assert (complaint.reply_due, complaint.extended_days) == (datetime.date(2026, 3, 30), 5)
    with pytest.raises(ValidationError) as e:
        c.extend(actor=user("depthead"), complaint=complaint, days=1, reason="再延")
    assert "days" in e.value.message_dict
    with pytest.raises(ValidationError) as e:
        c.reply(actor=user("depthead"), complaint=complaint, finding="maybe", text="")
    assert set(e.value.message_dict) == {"finding", "reply"}
    on(2026, 3, 27)
    c.reply(actor=user("depthead"), complaint=complaint, finding="substantiated", text="情况属实,已对当事人批评教育。")
    complaint.refresh_from_db()
    assert complaint.status == Complaint.Status.REPLIED and c.replied_on_time(complaint) is True
    with pytest.raises(PermissionDenied):
        c.rate_handling(complaint=complaint, level=2, actor=citizen("13900004444"))
    with pytest.raises(PermissionDenied):
        c.rate_handling(complaint=complaint, level=2, code="WRONGCOD")
    c.rate_handling(complaint=complaint, level=2, code=complaint.query_code.lower(), text="处理及时")
    with pytest.raises(ValidationError):
        c.rate_handling(complaint=complaint, level=1, actor=me)
    complaint.refresh_from_db()
    assert complaint.handling_level == 2
    texts = list(Outbox.objects.filter(phone="13900005555", case=None).order_by("pk").values_list("body", flat=True))
    assert len(texts) == 4 and "受理" in texts[1] and "2026-03-30" in texts[2]
    assert {a for a in AuditEntry.objects.filter(object_type="feedback.complaint").values_list("action", flat=True)} == {
        "feedback.complaint.submit", "feedback.complaint.accept", "feedback.complaint.note",
        "feedback.complaint.extend", "feedback.complaint.reply", "feedback.complaint.rate"}


def test_an_overdue_reply_cannot_be_extended_and_acceptance_has_its_own_limit(on):
    on(2026, 3, 2)
    late = lodge(None)
    on(2026, 3, 5)
    import django.utils.timezone as tz

    from shenpi.feedback.selectors import complaint_late
    assert complaint_late(late, tz.localdate()) == "accept_late"
    c.accept(actor=user("supervisor"), complaint=late)
    on(2026, 4, 1)
    late.refresh_from_db()
    assert complaint_late(late, tz.localdate()) == "reply_late"
    with pytest.raises(ValidationError) as e:
        c.extend(actor=user("approver"), complaint=late, days=2, reason="来不及")
    assert e.value.message_dict["days"] == ["答复已逾期，不能再延期。"]


def test_refusal_anonymity_and_who_may_act(on):
    on(2026, 3, 2)
    anonymous = lodge(None, anonymous=True, name="", phone="")
    assert anonymous.query_code == "" and anonymous.complainant_phone == ""
    with pytest.raises(PermissionDenied):
        c.rate_handling(complaint=anonymous, level=1, code="")
    with pytest.raises(PermissionDenied):
        c.accept(actor=user("depthead"), complaint=anonymous)
    with pytest.raises(ValidationError):
        c.refuse(actor=user("supervisor"), complaint=anonymous, reason="")
    c.refuse(actor=user("supervisor"), complaint=anonymous, reason="不属于行政审批服务投诉范围")
    with pytest.raises(ValidationError):
        c.accept(actor=user("supervisor"), complaint=anonymous)
    assert not Outbox.objects.filter(case=None).exists()
    with pytest.raises(PermissionDenied):
        lodge(user("handler"), source="phone")
    phoned = lodge(user("clerk_general"), source="letter")
    assert phoned.received_by == user("clerk_general") and phoned.complainant_user is None
    with pytest.raises(ValidationError) as e:
        lodge(None, name="", phone="12", content="", source="fax")
    assert {"name", "phone", "content", "source"} <= set(e.value.message_dict)
    with pytest.raises(ValidationError) as e:
        lodge(citizen(), case_number="NOPE0001")
    assert "case_number" in e.value.message_dict
    assert Complaint.objects.count() == 2


def test_no_one_but_the_complainant_and_those_handling_it_sees_a_complaint(on):
    on(2026, 3, 2)
    me, other = citizen(), citizen("13900004444")
    complaint = lodge(me)
    c.accept(actor=user("supervisor"), complaint=complaint, against_person=user("reviewer"))
    c.assign(actor=user("depthead"), complaint=complaint, assignee=user("handler"))
    complaint.refresh_from_db()
    seen = {name: complaints_for(user(name)).filter(pk=complaint.pk).exists() for name in (
        "supervisor", "depthead", "approver", "handler", "reviewer", "clerk", "leader", "admin", "chief_sj",
        "clerk_general")}
    assert seen == {"supervisor": True, "depthead": True, "approver": True, "handler": True, "reviewer": False,
                    "clerk": False, "leader": False, "admin": False, "chief_sj": False, "clerk_general": False}
    assert complaints_for(me).filter(pk=complaint.pk).exists()
    assert not complaints_for(other).exists()
    assert not handles(user("reviewer"), complaint) and handles(user("handler"), complaint)
    with pytest.raises(ValidationError):  # never to the person complained of
        c.assign(actor=user("depthead"), complaint=complaint, assignee=user("reviewer"))
    with pytest.raises(PermissionDenied):
        c.add_note(actor=user("reviewer"), complaint=complaint, text="我没有")
