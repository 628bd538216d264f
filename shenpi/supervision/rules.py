"""Anomaly rules (notice §四(五)1, requirement E3): each a small function registered with its
code, category, severity and description, run on every new case event by the worker's sweep
and re-runnable over history (`shenpi supervise replay --since DATE`). A rule gets the event
and its case and returns what it found, or None. Findings are unique per event and rule, so
running the rules twice, or in two workers at once, finds nothing twice."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from shenpi.cases.lifecycle import TRANSITIONS, Action, Who
from shenpi.cases.models import Case, CaseEvent, StepTask, Suspension
from shenpi.cases.permissions import may, who_may
from shenpi.catalog.codes import Category, ReformStatus
from shenpi.catalog.selectors import current_reform_record
from shenpi.core.sweeps import SweepResult, sweep
from shenpi.workdays.selectors import current_calendar

from .models import Finding, RuleCursor

C, SEV = Finding.Category, Finding.Severity


@dataclass(frozen=True)
class Rule:
    code: str
    category: str
    severity: str
    description: str
    check: Callable[[CaseEvent, Case], str | None]


RULES: dict[str, Rule] = {}


def rule(code: str, category: str, severity: str, description: str) -> Callable:
    def register(fn: Callable[[CaseEvent, Case], str | None]) -> Callable:
        RULES[code] = Rule(code, category, severity, description, fn)
        return fn
    return register


OFFICE_HOURS = (datetime.time(8, 0), datetime.time(18, 0))


@rule("acceptance-deemed", C.TIMELINESS, SEV.NOTICE,
      "受理审查超过5个工作日未作决定,依法视为受理(行政许可法第三十二条)")
def acceptance_deemed(event: CaseEvent, case: Case) -> str | None:
    if event.action == Action.DEEM_ACCEPT or (event.action == Action.ACCEPT and event.payload.get("deemed")):
        return f"受理截止 {case.acceptance_due:%Y-%m-%d},未在期限内作出受理决定,视为受理"
    return None


@rule("delivery-late", C.TIMELINESS, SEV.SERIOUS, "送达超过作出决定之日起10个工作日(行政许可法第四十四条)")
def delivery_late(event: CaseEvent, case: Case) -> str | None:
    late = event.payload.get("late_workdays") if event.action == Action.DELIVER else None
    return f"送达迟延 {late} 个工作日" if late else None


@rule("denial-without-reasons", C.CONTENT, SEV.SERIOUS, "不予许可未说明理由或未告知救济途径(行政许可法第三十八条)")
def denial_without_reasons(event: CaseEvent, case: Case) -> str | None:
    if event.action != Action.DECIDE or event.payload.get("decision") != Case.Decision.DENY:
        return None
    missing = [name for name, text in (("理由", event.payload.get("reasons") or case.decision_reasons),
                                      ("救济途径", case.remedies)) if not (text or "").strip()]
    return f"不予许可决定缺少{'、'.join(missing)}" if missing else None


@rule("decided-off-hours", C.INTEGRITY, SEV.NOTICE, "在工作时间以外作出许可决定")
def decided_off_hours(event: CaseEvent, case: Case) -> str | None:
    if event.action != Action.DECIDE:
        return None
    local = timezone.localtime(event.at)
    if not current_calendar().is_workday(local.date()):
        return f"于非工作日 {local:%Y-%m-%d %H:%M} 作出决定"
    if not OFFICE_HOURS[0] <= local.time() < OFFICE_HOURS[1]:
        return f"于工作时间以外 {local:%Y-%m-%d %H:%M} 作出决定"
    return None


@rule("event-back-dated", C.PROCESS, SEV.SERIOUS, "办件事件时间早于其前一事件(倒签或顺序错乱)")
def event_back_dated(event: CaseEvent, case: Case) -> str | None:
    before = (CaseEvent.objects.filter(case_id=event.case_id, seq__lt=event.seq).order_by("-seq")
              .values_list("at", flat=True).first())
    if before is not None and event.at < before:
        return f"事件时间 {timezone.localtime(event.at):%Y-%m-%d %H:%M} 早于前一事件 {timezone.localtime(before):%Y-%m-%d %H:%M}"
    return None


@rule("supplement-asks-new", C.PROCESS, SEV.SERIOUS,
      "补正通知要求了首次补正通知未列明的材料(行政许可法第三十二条:一次性告知)")
def supplement_asks_new(event: CaseEvent, case: Case) -> str | None:
    if event.action != Action.SUPPLEMENT:
        return None
    first = (CaseEvent.objects.filter(case_id=event.case_id, action=Action.SUPPLEMENT, seq__lt=event.seq)
             .order_by("seq").values_list("payload", flat=True).first())
    if first is None:
        return None
    new = [m for m in event.payload.get("materials", []) if m not in set(first.get("materials", []))]
    return f"再次补正要求首次未告知的材料:{'、'.join(new)}" if new else None


BARRED: dict[str, str] = {ReformStatus.CANCELLED: "已取消", ReformStatus.SEALED: "已封存", ReformStatus.DELEGATED: "已下放"}


@rule("barred-item", C.PROCESS, SEV.SERIOUS, "受理已取消、封存或下放的事项")
def barred_item(event: CaseEvent, case: Case) -> str | None:
    if event.action not in (Action.SUBMIT, Action.ACCEPT):
        return None
    record = current_reform_record(case.item, timezone.localtime(event.at).date())
    if record is None or record.status not in BARRED:
        return None
    return f"事项自 {record.effective_date:%Y-%m-%d} 起{BARRED[record.status]}({record.document_number}),仍于此时收件或受理"


@rule("suspension-irregular", C.TIMELINESS, SEV.SERIOUS,
      "特别程序不属法定种类,或实际用时超过告知的期限(行政许可法第四十五条)")
def suspension_irregular(event: CaseEvent, case: Case) -> str | None:
    p = event.payload
    if event.action == Action.SUSPEND and p.get("kind") not in Suspension.Kind.values:
        return f"特别程序种类“{p.get('kind')}”不属法律规定的种类"
    if event.action == Action.RESUME:
        declared = (CaseEvent.objects.filter(case_id=event.case_id, action=Action.SUSPEND, seq__lt=event.seq)
                    .order_by("-seq").values_list("payload", flat=True).first() or {}).get("expected_days")
        used = p.get("suspended_workdays")
        if isinstance(declared, int) and isinstance(used, int) and used > declared:
            return f"特别程序告知 {declared} 个工作日,实际用时 {used} 个工作日"
    return None


def _step_of(event: CaseEvent):
    pk = event.payload.get("step")
    return StepTask.objects.filter(pk=pk, case_id=event.case_id).first() if isinstance(pk, int) else None


@rule("unauthorised-actor", C.INTEGRITY, SEV.SERIOUS, "办理人员无该事项或该窗口的办理权限")
def unauthorised_actor(event: CaseEvent, case: Case) -> str | None:
    t = TRANSITIONS.get(event.action)
    if t is None or event.actor is None or Who.SYSTEM in t.who or event.action == Action.SUBMIT:
        return None
    if may(event.actor, who_may(event.action, case), case, _step_of(event)):
        return None
    return f"{event.actor_name} 无权对该事项执行“{event.get_action_label()}”"


@rule("decision-skips-steps", C.PROCESS, SEV.SERIOUS, "未经规定的审查环节即作出决定")
def decision_skips_steps(event: CaseEvent, case: Case) -> str | None:
    if event.action != Action.DECIDE or case.version.category == Category.INSTANT:
        return None
    from shenpi.cases.services import work_stages
    steps = list(StepTask.objects.filter(case_id=case.pk).values_list("stage_order", "status", "outcome"))
    if any(outcome == StepTask.Outcome.REFUSE for _, _, outcome in steps):
        return None  # a step refused: the denial need not wait for the later stages
    done = {order for order, status, _ in steps if status == StepTask.Status.DONE}
    stages = work_stages(case.version)
    if case.external_system:  # another system's steps are numbered 1, 2 …: count them against the stages
        missing = [st.name for st in stages[len(done):]]
    else:
        missing = [st.name for st in stages if st.order not in done]
    return f"作出决定时以下环节未办理:{'、'.join(missing)}" if missing else None


@rule("fee-irregular", C.FEES, SEV.SERIOUS, "收取目录以外的费用或超过收费标准")
def fee_irregular(event: CaseEvent, case: Case) -> str | None:
    if event.action != Action.DECIDE:
        return None
    catalog = {f.pk: f for f in case.version.fees.all()}
    by_name = {f.name: f for f in catalog.values()}
    problems = []
    for charge in event.payload.get("fees") or []:
        fee = catalog.get(charge.get("fee")) or by_name.get(charge.get("name"))
        amount = charge.get("amount_fen")
        if fee is None:
            problems.append(f"“{charge.get('name') or charge.get('fee')}”不在收费目录中")
        elif isinstance(amount, int) and amount > fee.standard_fen:
            problems.append(f"{fee.name}收取 {amount / 100:.2f} 元,标准为 {fee.standard_fen / 100:.2f} 元")
    return ";".join(problems) or None


@rule("same-applicant-decider", C.INTEGRITY, SEV.NOTICE, "同一人在一年内多次决定同一申请人的办件")
def same_applicant_decider(event: CaseEvent, case: Case) -> str | None:
    if event.action != Action.DECIDE or event.actor_id is None:
        return None
    # Counted over the cases' own decisions (the decider and the day are on the case row), not a
    # year of DECIDE events: so no case's history has to stay in the working table for this rule,
    # and a delivered case can be archived soon after (cases/archive.py). Of the decisions of the
    # event's own day, those up to this one count, by their events (a day's are never archived).
    day = timezone.localtime(event.at).date()
    theirs = Case.objects.filter(decided_by_id=event.actor_id, applicant_id=case.applicant_id)
    n = (theirs.filter(decided_on__gt=day - datetime.timedelta(days=365), decided_on__lt=day).count()
         + CaseEvent.objects.filter(case__in=theirs.filter(decided_on=day), action=Action.DECIDE,
                                    at__lte=event.at).count())
    limit = settings.SHENPI_SAME_APPLICANT_DECISIONS
    return f"{event.actor_name} 一年内第 {n} 次决定申请人“{case.applicant_name}”的办件(提示阈值 {limit})" if n >= limit else None


def check_event(event: CaseEvent) -> int:
    """Run every rule on one event; the number of new findings."""
    case = event.case
    made = 0
    for r in RULES.values():
        detail = r.check(event, case)
        if not detail:
            continue
        try:
            with transaction.atomic():
                Finding.objects.create(case=case, event=event, rule=r.code, category=r.category, severity=r.severity,
                                       detail=detail, person_id=event.actor_id, department_id=case.department_id)
            made += 1
        except IntegrityError:  # found already (a replay, or another worker)
            pass
    return made


def run_over(events: Iterable[CaseEvent], task: str) -> SweepResult:
    return sweep(task, events, check_event, name=lambda e: f"{e.case.number}#{e.seq}")


def sweep_new_events(batch: int = 2000) -> SweepResult:
    """The rules over the events since the cursor; the cursor moves on by a conditional update
    (a worker that lost the race has done the same work again, which finds nothing new)."""
    cursor, _ = RuleCursor.objects.get_or_create(key="events")
    events = list(CaseEvent.objects.filter(pk__gt=cursor.last_event_id).select_related("case").order_by("pk")[:batch])
    result = run_over(events, "sweep_anomaly_rules")
    if events:
        RuleCursor.objects.filter(key="events", last_event_id=cursor.last_event_id).update(
            last_event_id=events[-1].pk)
    return result


def replay(since: datetime.date) -> SweepResult:
    start = datetime.datetime.combine(since, datetime.time.min, tzinfo=timezone.get_current_timezone())
    events = CaseEvent.objects.filter(at__gte=start).select_related("case").order_by("pk").iterator(chunk_size=2000)
    return run_over(events, "replay_anomaly_rules")
