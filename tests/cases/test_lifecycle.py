"""The lifecycle through the services, on the law's clock."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from shenpi.audit.services import first_broken_entry
from shenpi.cases import services as s
from shenpi.cases.lifecycle import State
from shenpi.cases.models import Case, CaseEvent, Outbox, StepTask

from .conftest import applicant, complete, item, user

pytestmark = pytest.mark.usefixtures("demo")
PERMIT = "建筑工程施工许可证核发"  # 一审一核件: 审查 (reviewer, 3) → 决定 (approver, 2); promised 5, statutory 15
FILING = "房屋建筑和市政基础设施工程竣工验收备案"  # 即办件


def receive(name=PERMIT, clerk="clerk", **over):
    return s.submit(actor=user(clerk), item=item(name), channel="window", paper_materials=complete(name),
                    **applicant(**over))


def test_submit_numbers_and_clocks(on):
    on(2026, 2, 12)
    a, b = receive(), receive()
    assert a.number == "HY202602120001" and b.number == "HY202602120002"
    assert a.state == State.SUBMITTED and len(a.query_code) == 8
    assert a.acceptance_due == date(2026, 2, 26)  # 5 working days across the Spring Festival
    assert [e.action for e in a.events.all()] == ["submit"]
    assert Outbox.objects.filter(case=a).count() == 1


def test_review_approve_flow_end_to_end(on):
    from shenpi.core import stamps
    on(2026, 3, 2)
    public = stamps.read()  # the public pages' stamp: handling cases must not empty their cache
    case = receive()
    case = s.accept(actor=user("clerk"), case=case)
    assert case.accepted_on == date(2026, 3, 2)
    assert (case.promised_due, case.statutory_due) == (date(2026, 3, 9), date(2026, 3, 23))
    review = case.steps.get()
    assert (review.name, review.assignee.username, review.due_on) == ("审核", "reviewer", date(2026, 3, 5))
    on(2026, 3, 4)
    s.complete_step(actor=user("reviewer"), case=case, step_id=review.pk, outcome="pass", opinion="材料齐全,符合条件")
    approve = case.steps.get(status="open")
    assert (approve.name, approve.assignee.username, approve.due_on) == ("核准", "approver", date(2026, 3, 6))
    s.complete_step(actor=user("approver"), case=case, step_id=approve.pk, outcome="pass", opinion="同意")
    case = s.decide(actor=user("approver"), case=case, decision="approve", licence_number="430400202603040101")
    assert case.state == State.APPROVED and case.delivery_due == date(2026, 3, 18)  # Art. 44: 10 working days
    case = s.deliver(actor=user("clerk"), case=case, method="窗口领取")
    assert case.state == State.DELIVERED
    assert [e.action for e in case.events.all()] == [
        "submit", "accept", "complete_step", "complete_step", "decide", "deliver"]
    assert first_broken_entry() is None
    assert stamps.read() == public


def test_instant_item_accepted_and_decided_in_one_visit(on):
    on(2026, 3, 3)
    case = receive(FILING)
    case = s.decide(actor=user("clerk"), case=case, decision="approve", licence_number="备2026-0001")
    assert (case.state, case.accepted_on, case.decided_on) == (State.APPROVED, date(2026, 3, 3), date(2026, 3, 3))
    assert [e.action for e in case.events.all()] == ["submit", "accept", "decide"]
    assert not case.steps.exists()


def test_supplement_once_within_five_working_days_then_clock_from_resubmission(on):
    on(2026, 2, 12)
    case = receive()
    on(2026, 2, 13)
    case = s.supplement(actor=user("clerk"), case=case, materials=["建设工程施工合同"], note="合同缺少盖章页")
    assert case.state == State.AWAITING_SUPPLEMENT
    on(2026, 3, 2)
    case = s.resubmit(actor=user("clerk"), case=case, paper_materials=["建设工程施工合同"])
    with pytest.raises(ValidationError) as e:
        s.supplement(actor=user("clerk"), case=case, materials=["申请书(申请表)"])
    assert "state" in e.value.message_dict  # once, everything
    on(2026, 3, 4)
    case = s.accept(actor=user("clerk"), case=case)
    assert case.accepted_on == date(2026, 3, 2)  # the day everything was handed in


def test_supplement_after_five_working_days_is_refused(on):
    on(2026, 2, 12)
    case = receive()
    on(2026, 2, 27)  # acceptance was due 2-26
    with pytest.raises(ValidationError) as e:
        s.supplement(actor=user("clerk"), case=case, materials=["建设工程施工合同"])
    assert "即为受理" in str(e.value.message_dict["state"])


def test_deemed_acceptance_from_the_day_of_receipt(on):
    on(2026, 2, 12)
    case = receive()
    on(2026, 2, 26)
    assert s.deem_accepted(case_pk=case.pk, on=date(2026, 2, 26)) is False  # still the last day
    on(2026, 2, 27)
    assert s.deem_accepted(case_pk=case.pk, on=date(2026, 2, 27)) is True
    assert s.deem_accepted(case_pk=case.pk, on=date(2026, 2, 27)) is False  # recorded once
    case.refresh_from_db()
    assert (case.state, case.deemed_accepted, case.accepted_on) == (State.ACCEPTED, True, date(2026, 2, 12))
    assert case.promised_due == date(2026, 2, 26)  # 5 working days from receipt: 2-13, 2-14, 2-24, 2-25, 2-26
    assert CaseEvent.objects.filter(case=case, action="deem_accept").count() == 1
    first = case.steps.get()  # the flow starts, with the department's reviewer by default
    assert (first.name, first.assignee.username) == ("审核", "reviewer")


def test_extension_once_and_at_most_the_laws_days(on):
    on(2026, 3, 2)
    case = s.accept(actor=user("clerk"), case=receive())
    with pytest.raises(ValidationError) as e:
        s.extend(actor=user("depthead"), case=case, days=11, reason="需要现场核查")
    assert "days" in e.value.message_dict
    with pytest.raises(ValidationError):
        s.extend(actor=user("depthead"), case=case, days=10, reason="")
    case = s.extend(actor=user("depthead"), case=case, days=10, reason="需要现场核查")
    assert case.statutory_due == date(2026, 4, 7)  # 3-23 + 10 working days, Qingming 4-4..4-6 off
    assert case.promised_due == date(2026, 3, 9)
    with pytest.raises(ValidationError) as e:
        s.extend(actor=user("depthead"), case=case, days=1, reason="再延一次")
    assert "days" in e.value.message_dict
    for name in ("reviewer", "approver"):  # Art. 42: only the department head
        with pytest.raises(PermissionDenied):
            s.extend(actor=user(name), case=case, days=1, reason="x")
    # The applicant's lookup says so, with the reason; a case never extended does not ask.
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    page = Client().get(f"/lookup/?number={case.number}&code={case.query_code}").content.decode()
    assert "审批期限延长 10 个工作日" in page and "需要现场核查" in page
    other = receive()
    with CaptureQueriesContext(connection) as q:
        page = Client().get(f"/lookup/?number={other.number}&code={other.query_code}").content.decode()
    assert other.number in page and "审批期限延长" not in page
    assert not any('"cases_extension"' in x["sql"] for x in q.captured_queries)


def test_suspension_moves_every_due_date(on):
    on(2026, 3, 2)
    case = s.accept(actor=user("clerk"), case=receive())
    step = case.steps.get()
    on(2026, 3, 3)
    case = s.suspend(actor=user("approver"), case=case, kind="专家评审", reason="组织专家论证", expected_days=5)
    assert case.state == State.SUSPENDED
    on(2026, 3, 10)
    case = s.resume(actor=user("approver"), case=case, result="专家同意")
    # 3-4 .. 3-10: five working days after the start up to and including the end.
    assert case.suspended_days == 5
    assert (case.promised_due, case.statutory_due) == (date(2026, 3, 16), date(2026, 3, 30))
    step.refresh_from_db()
    assert step.due_on == date(2026, 3, 12)


def test_denial_needs_reasons_and_carries_remedies(on):
    on(2026, 3, 2)
    case = s.accept(actor=user("clerk"), case=receive())
    review = case.steps.get()
    s.complete_step(actor=user("reviewer"), case=case, step_id=review.pk, outcome="refuse", opinion="不符合条件")
    with pytest.raises(ValidationError) as e:
        s.decide(actor=user("approver"), case=case, decision="deny", reasons=" ")
    assert "reasons" in e.value.message_dict
    case = s.decide(actor=user("approver"), case=case, decision="deny", reasons="施工图未经审查")
    assert case.state == State.DENIED and "行政复议" in case.remedies


def test_return_to_an_earlier_stage(on):
    on(2026, 3, 2)
    case = s.accept(actor=user("clerk"), case=receive())
    s.complete_step(actor=user("reviewer"), case=case, step_id=case.steps.get().pk, outcome="pass", opinion="ok")
    approve = case.steps.get(status="open")
    with pytest.raises(ValidationError):
        s.complete_step(actor=user("approver"), case=case, step_id=approve.pk, outcome="return", opinion="x",
                        return_to_stage=approve.stage_order)
    s.complete_step(actor=user("approver"), case=case, step_id=approve.pk, outcome="return", opinion="补充核查",
                    return_to_stage=approve.stage_order - 1)
    assert list(case.steps.filter(status="open").values_list("name", flat=True)) == ["审核"]


def _pass_all(case, people):
    for _ in range(5):
        step = case.steps.filter(status="open").first()
        if step is None:
            return
        s.complete_step(actor=user(people[step.role]), case=case, step_id=step.pk, outcome="pass", opinion="同意")


def test_fees_only_from_the_catalog_and_at_most_the_standard(on, unchanged):
    on(2026, 3, 2)
    case = s.accept(actor=user("clerk_fg"), case=receive("不动产转移登记", clerk="clerk_fg"),
                    note="申请人本人办理,无委托")  # the conditional power of attorney does not apply
    _pass_all(case, {"reviewer": "reviewer_fg", "approver": "approver_fg"})
    fee = case.version.fees.get(name="不动产登记费(住宅)")
    with unchanged():
        for fees, words in (([{"fee": 99999, "amount_fen": 100}], "收费"),
                            ([{"fee": fee.pk, "amount_fen": 8001}], "8000")):
            with pytest.raises(ValidationError) as e:
                s.decide(actor=user("approver_fg"), case=case, decision="approve", licence_number="湘2026衡阳市不动产权第0001号",
                         fees=fees)
            assert "fees" in e.value.message_dict and words in str(e.value.message_dict["fees"])
    case = s.decide(actor=user("approver_fg"), case=case, decision="approve", licence_number="湘2026衡阳市不动产权第0001号",
                    fees=[{"fee": fee.pk, "amount_fen": 8000}])
    assert list(case.charges.values_list("amount_fen", flat=True)) == [8000]


def test_nothing_is_charged_on_a_free_item(on):
    on(2026, 3, 2)
    case = s.accept(actor=user("clerk"), case=receive())
    _pass_all(case, {"reviewer": "reviewer", "approver": "approver"})
    with pytest.raises(ValidationError) as e:
        s.decide(actor=user("approver"), case=case, decision="approve", licence_number="x", fees=[{"fee": 1, "amount_fen": 1}])
    assert "fees" in e.value.message_dict


def test_who_may_act(on):
    on(2026, 3, 2)
    case = receive()
    for name in ("clerk_sj", "reviewer", "supervisor", "leader"):
        with pytest.raises(PermissionDenied):
            s.accept(actor=user(name), case=case)
    with pytest.raises(PermissionDenied):
        receive(clerk="clerk_sj")  # 市场监管's window does not take 住建's items
    case = s.accept(actor=user("clerk"), case=case)
    with pytest.raises(PermissionDenied):
        s.complete_step(actor=user("approver"), case=case, step_id=case.steps.get().pk, outcome="pass", opinion="x")


def test_state_table_refuses_out_of_order_actions(on):
    on(2026, 3, 2)
    case = receive()
    with pytest.raises(ValidationError) as e:
        s.deliver(actor=user("clerk"), case=case, method="窗口领取")
    assert "state" in e.value.message_dict
    with pytest.raises(s.ConflictError):
        s.accept(actor=user("clerk"), case=case, expected_version=case.row_version + 1)
    assert Case.objects.get(pk=case.pk).state == State.SUBMITTED


def test_steps_of_the_flow(on):
    on(2026, 3, 2)
    case = s.accept(actor=user("clerk"), case=receive())
    assert list(StepTask.objects.filter(case=case).values_list("stage_name", "role")) == [("审查", "reviewer")]


def test_worker_sweeps_deemed_acceptance_once(on):
    import io

    from django.core.management import call_command
    on(2026, 2, 12)
    case = receive()
    on(2026, 2, 27, 9)
    out = io.StringIO()
    call_command("worker", "--once", stdout=out)
    assert "sweep_deemed_acceptance: 1" in out.getvalue()
    call_command("worker", "--once", stdout=io.StringIO())
    assert CaseEvent.objects.filter(case=case, action="deem_accept").count() == 1
