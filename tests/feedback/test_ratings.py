"""Ratings (issue 15, F2): the applicant of a finished case rates it once per channel (the
portal, the SMS link, the window tablet); a poor rating opens a follow-up due for a call-back
in 1 working day and a rectification in the set limit, closed by a second rating; an upheld
appeal leaves the record and takes it out of the figures; nobody else rates, and a bad rating
changes nothing."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError

from shenpi.audit.models import AuditEntry
from shenpi.cases import services as s
from shenpi.cases.models import Outbox
from shenpi.feedback import services as fb
from shenpi.feedback.models import FollowUp, Rating
from shenpi.feedback.selectors import figures, follow_up_state
from tests.cases.conftest import applicant, complete, item, user

pytestmark = pytest.mark.usefixtures("demo")
FILING = "房屋建筑和市政基础设施工程竣工验收备案"  # 即办件


def finished(owner):
    case = s.submit(actor=user("clerk"), item=item(FILING), channel="window", paper_materials=complete(FILING),
                    **applicant())
    type(case).objects.filter(pk=case.pk).update(applicant_user=owner)
    s.decide(actor=user("clerk"), case=type(case).objects.get(pk=case.pk), decision="approve", licence_number="备1")
    return s.deliver(actor=user("clerk"), case=type(case).objects.get(pk=case.pk), method="窗口领取")


def citizen(phone):
    return get_user_model().objects.create_user(phone, password="x-Secret-9")


def test_a_poor_rating_opens_its_follow_up_with_its_limits_and_ends_with_a_second_rating(on, settings):
    settings.SHENPI_POOR_RATING_RECTIFY_DAYS = 5
    on(2026, 3, 6)  # a Friday: the call-back is due on Monday
    me = citizen("13900006666")
    case = finished(me)
    done_sms = Outbox.objects.filter(case=case).order_by("-pk").first()
    assert "/rate/" in done_sms.body  # the SMS that says the case is done carries the rating link
    rating = fb.rate(actor=me, case=case, channel="portal", level=5, text="等待时间过长", chosen=["attitude"])
    follow = FollowUp.objects.get(rating=rating)
    assert rating.poor and rating.department_id == case.department_id and rating.person == user("clerk")
    assert (follow.call_back_due, follow.rectify_due) == (datetime.date(2026, 3, 9), datetime.date(2026, 3, 13))
    assert follow_up_state(follow, datetime.date(2026, 3, 9)) == "call_back"
    assert follow_up_state(follow, datetime.date(2026, 3, 10)) == "call_back_late"
    head = user("depthead")
    with pytest.raises(ValidationError):  # the call-back comes first
        fb.rectify(actor=head, follow_up=follow, text="已整改")
    with pytest.raises(PermissionDenied):  # a clerk does not work the follow-up
        fb.call_back(actor=user("clerk"), follow_up=follow, note="已回访")
    with pytest.raises(PermissionDenied):
        fb.call_back(actor=user("chief_sj"), follow_up=follow, note="已回访")
    on(2026, 3, 9)
    fb.call_back(actor=head, follow_up=follow, note="已电话回访,申请人反映窗口排队时间长。")
    with pytest.raises(ValidationError):
        fb.rate_again(follow_up=follow, level=2, actor=me)  # nothing rectified yet
    on(2026, 3, 12)
    fb.rectify(actor=head, follow_up=follow, text="增开一个综合窗口,高峰时段弹性排班。")
    follow.refresh_from_db()
    assert follow_up_state(follow, datetime.date(2026, 3, 20)) == "second"
    asking = Outbox.objects.filter(case=case).order_by("-pk").first()
    token = asking.body.rsplit("/rate/", 1)[1].rstrip("/")
    with pytest.raises(PermissionDenied):
        fb.rate_again(follow_up=follow, level=1, actor=citizen("13900009999"))
    fb.rate_again(follow_up=follow, level=2, token=token)
    with pytest.raises(ValidationError):
        fb.rate_again(follow_up=follow, level=1, actor=me)
    follow.refresh_from_db()
    assert follow.second_level == 2 and follow_up_state(follow, datetime.date(2026, 3, 20)) == "closed"
    f = figures(user("supervisor"))["follow_ups"]
    assert (f["total"], f["rectified"], f["on_time"], f["late"], f["called_on_time"], f["second_satisfied"]) == (
        1, 1, 1, 0, 1, 1)  # the demo without cases has no follow-ups of its own
    assert {a.action for a in AuditEntry.objects.filter(object_type="feedback.followup")} == {
        "feedback.follow_up.call_back", "feedback.follow_up.rectify", "feedback.follow_up.rate_again"}


def test_one_rating_per_case_and_channel_by_its_applicant_after_it_ended(on):
    on(2026, 3, 6)
    me, other = citizen("13900007777"), citizen("13900008888")
    case = finished(me)
    before = Rating.objects.count()
    fb.rate(actor=me, case=case, channel="portal", level=1)
    with pytest.raises(ValidationError) as e:
        fb.rate(actor=me, case=case, channel="portal", level=2)
    assert "case" in e.value.message_dict
    with pytest.raises(PermissionDenied):
        fb.rate(actor=other, case=case, channel="portal", level=5)
    with pytest.raises(PermissionDenied):  # the SMS channel needs the link's token
        fb.rate(actor=me, case=case, channel="sms", level=5, token="forged")
    with pytest.raises(PermissionDenied):  # another window's clerk has not just handled it
        fb.rate(actor=user("clerk_sj"), case=case, channel="window", level=1)
    token = fb.link_token(case)
    for bad in ({"level": 6}, {"level": "5"}, {"level": True}, {"chosen": ["nonsense"]}, {"chosen": "attitude"},
                {"text": "长" * 2001}):
        with pytest.raises(ValidationError):
            fb.rate(**{"case": case, "channel": "sms", "level": 3, "token": token, **bad})
    with pytest.raises(ValidationError):
        fb.rate(case=case, channel="fax", level=3, token=token)
    fb.rate(case=case, channel="sms", level=2, token=token)
    fb.rate(case=case, channel="window", level=1, actor=user("clerk"))  # the tablet of the clerk who handled it
    with pytest.raises(ValidationError):
        fb.rate(case=case, channel="window", level=1, actor=user("clerk"))
    running = s.submit(actor=user("clerk"), item=item("建筑工程施工许可证核发"), channel="window",
                       paper_materials=complete("建筑工程施工许可证核发"), **applicant())
    type(running).objects.filter(pk=running.pk).update(applicant_user=me)
    with pytest.raises(ValidationError) as e:
        fb.rate(actor=me, case=type(running).objects.get(pk=running.pk), channel="portal", level=3)
    assert "case" in e.value.message_dict
    assert fb.tablet_case(user("clerk")).pk == running.pk  # the tablet moves on to the case just received
    assert Rating.objects.count() == before + 3


def test_an_upheld_appeal_keeps_the_rating_and_takes_it_out_of_the_figures(on):
    on(2026, 3, 6)
    me = citizen("13900003333")
    case = finished(me)
    department = case.department_id

    def row():
        return next((r for r in figures(user("supervisor"))["ratings"]["by_department"]
                     if r["department_id"] == department), {"total": 0, "poor": 0})
    rating = fb.rate(actor=me, case=case, channel="portal", level=5, text="恶意")
    before = row()
    with pytest.raises(PermissionDenied):
        fb.appeal(actor=user("clerk"), rating=rating, reason="恶意差评")
    with pytest.raises(ValidationError):
        fb.appeal(actor=user("depthead"), rating=rating, reason=" ")
    appeal = fb.appeal(actor=user("depthead"), rating=rating, reason="申请人因不符合条件被退回,以差评相威胁,有录音。")
    with pytest.raises(ValidationError):
        fb.appeal(actor=user("depthead"), rating=rating, reason="再申诉")
    with pytest.raises(PermissionDenied):
        fb.rule_appeal(actor=user("depthead"), appeal=appeal, upheld=True, ruling="自己裁决")
    fb.rule_appeal(actor=user("supervisor"), appeal=appeal, upheld=True, ruling="经核查录音,差评与办事服务无关。")
    rating.refresh_from_db()
    after = row()
    assert rating.excluded and Rating.objects.filter(pk=rating.pk).exists()
    assert (after["total"], after["poor"]) == (before["total"] - 1, before["poor"] - 1)
    with pytest.raises(ValidationError):
        fb.rule_appeal(actor=user("supervisor"), appeal=appeal, upheld=False, ruling="改判")
    good = fb.rate(case=case, channel="sms", level=1, token=fb.link_token(case))
    with pytest.raises(ValidationError):
        fb.appeal(actor=user("depthead"), rating=good, reason="好评也申诉")
