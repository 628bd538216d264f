"""Ratings (issue 15, F2, first part): the applicant of a finished case rates it once per
channel; a poor rating opens a follow-up due for a call-back in 1 working day and a
rectification in the set limit; nobody else rates, and a bad rating changes nothing."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError

from shenpi.audit.models import AuditEntry
from shenpi.cases import services as s
from shenpi.feedback.models import FollowUp, Rating
from shenpi.feedback.services import rate
from tests.cases.conftest import applicant, complete, item, user

pytestmark = pytest.mark.usefixtures("demo")
FILING = "房屋建筑和市政基础设施工程竣工验收备案"  # 即办件


def finished(owner):
    case = s.submit(actor=user("clerk"), item=item(FILING), channel="window", paper_materials=complete(FILING),
                    **applicant())
    type(case).objects.filter(pk=case.pk).update(applicant_user=owner)
    s.decide(actor=user("clerk"), case=type(case).objects.get(pk=case.pk), decision="approve", licence_number="备1")
    return s.deliver(actor=user("clerk"), case=type(case).objects.get(pk=case.pk), method="窗口领取")


def test_a_poor_rating_opens_its_follow_up_with_its_limits(on, settings):
    settings.SHENPI_POOR_RATING_RECTIFY_DAYS = 5
    on(2026, 3, 6)  # a Friday: the call-back is due on Monday
    me = get_user_model().objects.create_user("13900006666", password="x-Secret-9")
    case = finished(me)
    rating = rate(actor=me, case=case, channel="portal", level=5, text="等待时间过长")
    follow = FollowUp.objects.get(rating=rating)
    assert rating.poor and rating.department_id == case.department_id and rating.person == user("clerk")
    assert (follow.call_back_due, follow.rectify_due) == (datetime.date(2026, 3, 9), datetime.date(2026, 3, 13))
    good = rate(actor=me, case=case, channel="window", level=2)
    assert not good.poor and not FollowUp.objects.filter(rating=good).exists()
    assert AuditEntry.objects.filter(action="feedback.rating.give").count() == 2


def test_one_rating_per_case_and_channel_by_its_applicant_after_it_ended(on):
    on(2026, 3, 6)
    me = get_user_model().objects.create_user("13900007777", password="x-Secret-9")
    other = get_user_model().objects.create_user("13900008888", password="x-Secret-9")
    case = finished(me)
    rate(actor=me, case=case, channel="portal", level=1)
    with pytest.raises(ValidationError) as e:
        rate(actor=me, case=case, channel="portal", level=2)
    assert "case" in e.value.message_dict
    with pytest.raises(PermissionDenied):
        rate(actor=other, case=case, channel="sms", level=5)
    with pytest.raises(PermissionDenied):
        rate(actor=user("clerk"), case=case, channel="sms", level=1)
    for bad in ({"level": 6}, {"level": "5"}, {"level": True}, {"channel": "fax"}):
        with pytest.raises(ValidationError):
            rate(**{"actor": me, "case": case, "channel": "sms", "level": 3, **bad})
    running = s.submit(actor=user("clerk"), item=item("建筑工程施工许可证核发"), channel="window",
                       paper_materials=complete("建筑工程施工许可证核发"), **applicant())
    type(running).objects.filter(pk=running.pk).update(applicant_user=me)
    with pytest.raises(ValidationError) as e:
        rate(actor=me, case=type(running).objects.get(pk=running.pk), channel="portal", level=3)
    assert "case" in e.value.message_dict
    assert Rating.objects.count() == 1 and not FollowUp.objects.exists()
