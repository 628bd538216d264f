"""Anomaly rules (notice §四(五)1, requirement E3): each a small function registered with its
code, category, severity and description, run on every new case event by the worker's sweep
and re-runnable over history (`shenpi supervise replay --since DATE`). A rule gets the event
and its case and returns what it found, or None. Findings are unique per event and rule, so
running the rules twice, or in two workers at once, finds nothing twice."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone

from shenpi.cases.lifecycle import Action
from shenpi.cases.models import Case, CaseEvent
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
