"""Overtime warnings on complaints and poor ratings (issue 15 on issue 13's clocks): yellow on
the last working day, red once past, each once however often the sweep runs, with an SMS to
those who must act."""

import pytest
from django.contrib.auth import get_user_model

from shenpi.cases.models import Outbox
from shenpi.feedback import complaints as c
from shenpi.feedback import services as fb
from shenpi.feedback.models import FollowUp, Reminder
from shenpi.feedback.warnings import sweep_reminders
from tests.cases.conftest import user
from tests.feedback.test_ratings import finished

pytestmark = pytest.mark.usefixtures("demo")


def test_a_complaint_and_a_poor_rating_warn_yellow_then_red_once_each(on, settings):
    settings.SHENPI_COMPLAINT_ACCEPT_DAYS, settings.SHENPI_COMPLAINT_REPLY_DAYS, settings.SHENPI_WARNING_DAYS = 2, 3, 1
    on(2026, 3, 2)  # Monday
    complaint = c.submit(actor=None, source="portal", against_department=user("depthead").staff.department,
                         content="窗口推诿", name="王五", phone="13900005555")  # accept by Wednesday
    assert sweep_reminders().done == 0
    on(2026, 3, 3)
    assert sweep_reminders().done == 1 and sweep_reminders().done == 0
    warned = Reminder.objects.get()
    assert (warned.clock, warned.level) == ("accept", "yellow")
    supervisor_phone = user("supervisor").staff.phone
    assert sum(complaint.number in m.body for m in Outbox.objects.filter(phone=supervisor_phone)) == 1
    c.accept(actor=user("supervisor"), complaint=complaint)  # reply by Friday 6 March
    c.assign(actor=user("depthead"), complaint=complaint, assignee=user("handler"))
    on(2026, 3, 9)
    me = get_user_model().objects.create_user("13900006666", password="x-Secret-9")
    rating = fb.rate(actor=me, case=finished(me), channel="portal", level=5)  # call back by Tuesday 10 March
    on(2026, 3, 11)
    assert sweep_reminders().done == 2 and sweep_reminders().done == 0
    assert set(Reminder.objects.filter(level="red").values_list("clock", flat=True)) == {"reply", "call_back"}
    told = {m.phone for m in Outbox.objects.all() if complaint.number in m.body and "红" in m.body}
    assert told == {user("depthead").staff.phone, user("approver").staff.phone, user("handler").staff.phone}
    follow = FollowUp.objects.get(rating=rating)
    assert Reminder.objects.filter(follow_up=follow, level="red").count() == 1
