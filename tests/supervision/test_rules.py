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
from tests.cases.conftest import ORG_ID, applicant, complete, item, user

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


# The rules below guard against what the services already refuse in Shenpi's own handling;
# they matter for histories that reach supervision from departments' own systems (the exchange)
# or were written around the services. Each test makes the irregular history as such data
# would arrive, beside a proper one made by the services.

def _pass_steps(case):
    while (step := case.steps.filter(status="open").order_by("pk").first()) is not None:
        s.complete_step(actor=step.assignee, case=case, step_id=step.pk, outcome="pass", opinion="同意")
        case = Case.objects.get(pk=case.pk)
    return case


def _edit(event, **payload):
    CaseEvent.objects.filter(pk=event.pk).update(payload={**event.payload, **payload})


def test_a_second_supplement_asking_new_materials_fires(on):
    on(2026, 3, 3)
    case, fine = receive(), receive()
    materials = complete(PERMIT)
    for c in (case, fine):
        s.supplement(actor=user("clerk"), case=c, materials=materials[:1], note="")
        s.resubmit(actor=user("clerk"), case=Case.objects.get(pk=c.pk), paper_materials=materials[:1])
    first = CaseEvent.objects.get(case=case, action="supplement")
    # A second notice, as a department's own system may send one (Shenpi allows one per case).
    for c, asks in ((case, materials[:2]), (fine, materials[:1])):
        last = CaseEvent.objects.filter(case=c).order_by("-seq").first()
        CaseEvent.objects.create(case=c, seq=last.seq + 1, at=last.at, actor=user("clerk"), actor_name="李敏",
                                 action="supplement", from_state="submitted", to_state="awaiting_supplement",
                                 payload={"materials": asks, "note": ""})
    assert found(case) == ["supplement-asks-new"] and found(fine) == []
    assert materials[1] in Finding.objects.get(case=case).detail and first.pk


def test_a_case_on_a_cancelled_item_fires(on):
    from shenpi.catalog.models import ReformRecord
    on(2026, 3, 3)
    barred, fine = receive(), receive(FILING)
    # Cancelled from 1 March: a department's system that did not know still took the case.
    ReformRecord.objects.create(item=item(PERMIT), status="cancelled", effective_date="2026-03-01",
                                document_number="衡政发〔2026〕1号")
    assert found(barred) == ["barred-item"] and found(fine) == []
    assert "已取消" in Finding.objects.get(case=barred).detail


def test_a_suspension_of_no_lawful_kind_or_longer_than_declared_fires(on):
    on(2026, 3, 3)
    odd, long, fine = receive(), receive(), receive()
    for c in (odd, long, fine):
        s.accept(actor=user("clerk"), case=c)
        s.suspend(actor=user("approver"), case=Case.objects.get(pk=c.pk), kind="专家评审", reason="技术复杂",
                  expected_days=2)
    _edit(CaseEvent.objects.get(case=odd, action="suspend"), kind="领导出差")
    on(2026, 3, 5)
    s.resume(actor=user("approver"), case=Case.objects.get(pk=fine.pk), result="评审通过")
    on(2026, 3, 10)
    s.resume(actor=user("approver"), case=Case.objects.get(pk=long.pk), result="评审通过")
    assert found(odd) == ["suspension-irregular"] and "领导出差" in Finding.objects.get(case=odd).detail
    assert found(long) == ["suspension-irregular"] and "告知 2 个工作日" in Finding.objects.get(case=long).detail
    assert found(fine) == []


def test_an_action_by_someone_without_authority_fires(on):
    on(2026, 3, 3)
    case, fine = receive(), receive()
    for c in (case, fine):
        s.accept(actor=user("clerk"), case=c)
    # Accepted, as the record says, by the market regulator's clerk, whose window lacks the item.
    event = CaseEvent.objects.get(case=case, action="accept")
    CaseEvent.objects.filter(pk=event.pk).update(actor=user("clerk_sj"), actor_name="周婷")
    assert found(case) == ["unauthorised-actor"] and found(fine) == []
    assert Finding.objects.get(case=case).person == user("clerk_sj")


def test_a_decision_skipping_the_review_fires(on):
    on(2026, 3, 3)
    case, fine = receive(), receive()
    for c in (case, fine):
        s.accept(actor=user("clerk"), case=c)
    fine = _pass_steps(Case.objects.get(pk=fine.pk))
    s.decide(actor=user("approver"), case=fine, decision="approve", licence_number="430400202600030101")
    # Decided with its steps still open: recorded by a system that does not hold the flow.
    c = Case.objects.get(pk=case.pk)
    last = CaseEvent.objects.filter(case=c).order_by("-seq").first()
    CaseEvent.objects.create(case=c, seq=last.seq + 1, at=last.at, actor=user("approver"), actor_name="陈静",
                             action="decide", from_state="accepted", to_state="approved",
                             payload={"decision": "approve", "fees": []})
    assert found(c) == ["decision-skips-steps"] and found(fine) == []
    assert "未办理" in Finding.objects.get(case=c).detail


def test_a_fee_outside_the_catalog_or_above_its_standard_fires(on):
    on(2026, 3, 2)
    cases = []
    for _ in range(3):
        c = s.submit(actor=user("clerk_fg"), item=item("不动产转移登记"), channel="window",
                     paper_materials=complete("不动产转移登记"), **applicant())
        c = s.accept(actor=user("clerk_fg"), case=c, note="申请人本人办理,无委托")
        cases.append(_pass_steps(Case.objects.get(pk=c.pk)))
    fee = cases[0].version.fees.get(name="不动产登记费(住宅)")
    for n, c in enumerate(cases):
        s.decide(actor=user("approver_fg"), case=c, decision="approve", licence_number=f"湘2026衡阳市不动产权第000{n}号",
                 fees=[{"fee": fee.pk, "amount_fen": 8000}])
    over, extra, fine = cases
    _edit(CaseEvent.objects.get(case=over, action="decide"), fees=[{"fee": fee.pk, "amount_fen": 12000}])
    _edit(CaseEvent.objects.get(case=extra, action="decide"), fees=[{"name": "加急费", "amount_fen": 5000}])
    assert found(over) == ["fee-irregular"] and "标准为 80.00 元" in Finding.objects.get(case=over).detail
    assert found(extra) == ["fee-irregular"] and "加急费" in Finding.objects.get(case=extra).detail
    assert found(fine) == []


def test_one_person_deciding_many_cases_of_one_applicant_fires_at_the_threshold(on, settings):
    settings.SHENPI_SAME_APPLICANT_DECISIONS = 3
    on(2026, 3, 3)
    mine = [receive(FILING) for _ in range(3)]
    other = s.submit(actor=user("clerk"), item=item(FILING), channel="window", paper_materials=complete(FILING),
                     **applicant(applicant_type="organisation", applicant_name="衡阳建工集团", applicant_id=ORG_ID))
    for n, c in enumerate(mine + [other]):
        s.decide(actor=user("clerk"), case=c, decision="approve", licence_number=f"备2026-03{n:02d}")
    assert [found(c) for c in mine] == [[], [], ["same-applicant-decider"]]
    assert found(other) == []
    assert "第 3 次" in Finding.objects.get(case=mine[2]).detail


def test_decisions_of_earlier_days_count_after_their_cases_are_archived_and_not_after_a_year(on, settings):
    """The rule counts the cases' own decisions, so archiving a case (its history leaves the
    working table 90 days after delivery) takes nothing from it; a decision over a year old no
    longer counts."""
    from shenpi.cases.tasks import archive_delivered_cases
    settings.SHENPI_SAME_APPLICANT_DECISIONS = 3

    def decide(n):
        c = s.decide(actor=user("clerk"), case=receive(FILING), decision="approve", licence_number=f"备2026-9{n:02d}")
        return s.deliver(actor=user("clerk"), case=c, method="窗口领取")
    on(2026, 3, 3)
    early = [decide(n) for n in range(2)]
    assert [found(c) for c in early] == [[], []]
    on(2026, 6, 10)
    assert archive_delivered_cases().done == 2 and not CaseEvent.objects.filter(case__in=early).exists()
    third = decide(2)
    assert found(third) == ["same-applicant-decider"] and "第 3 次" in Finding.objects.get(case=third).detail
    on(2027, 3, 5)  # more than a year after the first two: only the third and this one count
    assert found(decide(3)) == []
