"""Anomaly rules (issue 13, part 2): each rule fires on the history it describes and not on a
proper one; the worker's sweep runs them on new events once; replay finds nothing twice."""

import io
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command

from shenpi.cases import services as s
from shenpi.cases.models import Case, CaseEvent
from shenpi.supervision.models import Finding
from shenpi.supervision.rules import RULES, sweep_new_events
from tests.cases.conftest import applicant, complete, item, user

pytestmark = pytest.mark.usefixtures("demo")
PERMIT = "建筑工程施工许可证核发"
FILING = "房屋建筑和市政基础设施工程竣工验收备案"  # 即办件: decided at the window


def receive(name=PERMIT):
    return s.submit(actor=user("clerk"), item=item(name), channel="window", paper_materials=complete(name),
                    **applicant())


def found(case) -> list[str]:
    sweep_new_events()
    return sorted(Finding.objects.filter(case=case).values_list("rule", flat=True))


def test_every_rule_is_described():
    assert len(RULES) >= 5
    for r in RULES.values():
        assert r.code and r.category in Finding.Category.values and r.severity in Finding.Severity.values
        assert r.description
    out = io.StringIO()
    call_command("supervise", "rules", stdout=out)
    assert all(code in out.getvalue() for code in RULES)


def test_acceptance_deemed_fires_only_after_the_five_days(on):
    on(2026, 3, 2)
    late, timely = receive(), receive()
    s.accept(actor=user("clerk"), case=timely)
    on(2026, 3, 12)
    s.accept(actor=user("clerk"), case=late)
    assert found(late) == ["acceptance-deemed"] and found(timely) == []
    assert "视为受理" in Finding.objects.get(case=late).detail


def test_delivery_late_fires_only_past_ten_working_days(on):
    on(2026, 3, 3)
    late, timely = receive(FILING), receive(FILING)
    for c in (late, timely):
        s.decide(actor=user("clerk"), case=c, decision="approve", licence_number=f"备2026-{c.pk:04d}")
    s.deliver(actor=user("clerk"), case=Case.objects.get(pk=timely.pk), method="窗口领取")
    on(2026, 3, 27)
    s.deliver(actor=user("clerk"), case=Case.objects.get(pk=late.pk), method="窗口领取")
    assert found(late) == ["delivery-late"] and found(timely) == []


def test_decisions_off_hours_fire_and_office_hours_do_not(on):
    on(2026, 3, 3, h=22)
    night = receive(FILING)
    s.decide(actor=user("clerk"), case=night, decision="approve", licence_number="备2026-0101")
    on(2026, 3, 3, h=10)
    day = receive(FILING)
    s.decide(actor=user("clerk"), case=day, decision="approve", licence_number="备2026-0102")
    assert found(night) == ["decided-off-hours"] and found(day) == []
    finding = Finding.objects.get(case=night)
    assert finding.person == user("clerk") and finding.department_id == night.department_id


def test_a_denial_without_reasons_fires_and_a_reasoned_one_does_not(on):
    on(2026, 3, 3)
    reasoned, bare = receive(FILING), receive(FILING)
    for c in (reasoned, bare):
        s.decide(actor=user("clerk"), case=c, decision="deny", reasons="不符合备案条件")
    # As data pushed by a department's own system could arrive: no reasons, no remedies.
    Case.objects.filter(pk=bare.pk).update(decision_reasons="", remedies="")
    event = CaseEvent.objects.get(case=bare, action="decide")
    CaseEvent.objects.filter(pk=event.pk).update(payload={**event.payload, "reasons": ""})
    assert found(bare) == ["denial-without-reasons"] and found(reasoned) == []


def test_back_dated_events_fire(on):
    on(2026, 3, 3)
    case, fine = receive(), receive()
    s.accept(actor=user("clerk"), case=case)
    s.accept(actor=user("clerk"), case=fine)
    accept = CaseEvent.objects.get(case=case, action="accept")
    CaseEvent.objects.filter(pk=accept.pk).update(at=datetime(2026, 3, 1, 9, tzinfo=ZoneInfo("Asia/Shanghai")))
    assert found(case) == ["event-back-dated"] and found(fine) == []


def test_the_sweep_reads_each_event_once_and_replay_finds_nothing_twice(on):
    on(2026, 3, 3, h=22)
    night = receive(FILING)
    s.decide(actor=user("clerk"), case=night, decision="approve", licence_number="备2026-0201")
    assert sweep_new_events().done == 1
    assert sweep_new_events().done == 0  # the cursor moved on
    out = io.StringIO()
    call_command("supervise", "replay", "--since", "2026-03-01", stdout=out)
    assert "0 events with new findings" in out.getvalue() and Finding.objects.count() == 1
    Finding.objects.all().delete()
    call_command("supervise", "replay", "--since", "2026-03-01", stdout=out)
    assert Finding.objects.filter(case=night, rule="decided-off-hours").count() == 1


def test_replay_needs_a_date():
    from django.core.management.base import CommandError
    with pytest.raises(CommandError, match="YYYY-MM-DD") as e:
        call_command("supervise", "replay", "--since", "yesterday", stdout=io.StringIO())
    assert e.value.returncode == 2
