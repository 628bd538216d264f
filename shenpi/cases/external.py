"""Cases handled in departments' own systems (requirement E4), as the exchange hands them over
(supervision/exchange.py checks each record first): stored as cases of Shenpi's own kind, marked
with the system's code, with the same stored due dates, steps and history, so the same warning
sweep and anomaly rules watch them. Nothing here decides anything: it records what the other
system says happened, when it says it happened.

A record sent again for a case already received from the same system brings the case up to
date: its history may only grow (what was sent before must come first, unchanged), its steps
are updated in order and new ones added."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.utils import timezone

from shenpi.catalog.models import ItemVersion
from shenpi.workdays import legal
from shenpi.workdays.selectors import current_calendar

from .lifecycle import Action, State
from .models import Case, CaseEvent, StepTask, Suspension
from .numbering import query_code


@dataclass
class Step:
    name: str
    handler: str
    start: datetime.datetime
    end: datetime.datetime | None
    outcome: str  # StepTask.Outcome, or "" while open
    opinion: str = ""


@dataclass
class Special:
    kind: str
    reason: str
    start: datetime.datetime
    end: datetime.datetime | None
    expected_days: int
    result: str = ""


@dataclass
class Record:
    """One case as another system reports it; times are aware datetimes."""

    number: str
    version: ItemVersion
    applicant_type: str
    applicant_name: str
    applicant_id: str
    applicant_phone: str
    channel: str
    received_at: datetime.datetime
    received_by: str = ""
    supplements: list[tuple[datetime.datetime, str, list[str], datetime.datetime | None]] = field(default_factory=list)
    refused: tuple[datetime.datetime, str, str] | None = None  # at, person, reasons
    accepted: tuple[datetime.datetime, str, str] | None = None  # at, person, document number
    steps: list[Step] = field(default_factory=list)
    specials: list[Special] = field(default_factory=list)
    decided: tuple[datetime.datetime, str, str, str, str, str] | None = None  # at, person, decision, licence, reasons, remedies
    fees: list[dict] = field(default_factory=list)
    delivered: tuple[datetime.datetime, str, str] | None = None  # at, person, method


def _day(at: datetime.datetime) -> datetime.date:
    return timezone.localtime(at).date()


def _history(r: Record, cal) -> tuple[list[tuple], dict]:
    """The record's events in the order of their times (as the other system gave them), and
    the case's fields they leave."""
    events: list[tuple] = [(r.received_at, r.received_by, Action.SUBMIT, State.SUBMITTED, {"external": True})]
    f: dict = {"state": State.SUBMITTED, "clock_start": _day(r.received_at), "supplemented_on": None}
    for at, person, materials, fulfilled in r.supplements:
        events.append((at, person, Action.SUPPLEMENT, State.AWAITING_SUPPLEMENT, {"materials": materials}))
        if fulfilled is not None:
            events.append((fulfilled, "", Action.RESUBMIT, State.SUBMITTED, {}))
            f["clock_start"] = f["supplemented_on"] = _day(fulfilled)
    f["acceptance_due"] = legal.deemed_acceptance_date(cal, f["clock_start"])
    if r.refused:
        at, person, reasons = r.refused
        events.append((at, person, Action.REFUSE, State.NOT_ACCEPTED, {"reasons": reasons}))
    if r.accepted:
        at, person, document = r.accepted
        day = _day(at)
        deemed = day > f["acceptance_due"]
        f["accepted_on"] = f["clock_start"] if deemed else day
        f["deemed_accepted"] = deemed
        events.append((at, person, Action.ACCEPT, State.ACCEPTED,
                       {"accepted_on": f["accepted_on"], "document_number": document, **({"deemed": True} if deemed else {})}))
    for s in r.steps:
        if s.end is not None:
            events.append((s.end, s.handler, Action.COMPLETE_STEP, State.ACCEPTED,
                           {"name": s.name, "outcome": s.outcome, "opinion": s.opinion}))
    suspended = 0
    for sp in r.specials:
        events.append((sp.start, "", Action.SUSPEND, State.SUSPENDED,
                       {"kind": sp.kind, "reason": sp.reason, "expected_days": sp.expected_days}))
        if sp.end is not None:
            moved = legal.Suspension(start=_day(sp.start), end=_day(sp.end)).workdays(cal, _day(sp.end))
            suspended += moved
            events.append((sp.end, "", Action.RESUME, State.ACCEPTED, {"suspended_workdays": moved}))
    f["suspended_days"] = suspended
    if f.get("accepted_on"):
        f["statutory_due"] = cal.add_workdays(f["accepted_on"], r.version.statutory_limit + suspended)
        f["promised_due"] = cal.add_workdays(f["accepted_on"], r.version.promised_limit + suspended)
    if r.decided:
        at, person, decision, licence, reasons, remedies = r.decided
        f.update(decision=decision, decided_on=_day(at), licence_number=licence, decision_reasons=reasons,
                 remedies=remedies, delivery_due=legal.delivery_due(cal, _day(at)))
        events.append((at, person, Action.DECIDE, State.APPROVED if decision == Case.Decision.APPROVE else State.DENIED,
                       {"decision": decision, "licence_number": licence, "reasons": reasons, "fees": r.fees}))
    if r.delivered:
        at, person, method = r.delivered
        late = legal.workdays_late(cal, f.get("delivery_due"), _day(at))
        f.update(delivered_on=_day(at), delivery_method=method)
        events.append((at, person, Action.DELIVER, State.DELIVERED,
                       {"method": method, **({"late_workdays": late} if late else {})}))
    # The state is the last event's, in the record's order of stages; a running suspension holds it.
    f["state"] = events[-1][3]
    if any(sp.end is None for sp in r.specials) and f["state"] == State.ACCEPTED:
        f["state"] = State.SUSPENDED
    return events, f


class HistoryDiffers(ValueError):
    """A record for a case already received whose history does not begin with what was sent before."""


def store(system: str, r: Record) -> tuple[Case, bool]:
    """Create or bring up to date the external case; returns it and whether it is new. Run
    inside the caller's transaction (the exchange stores a batch whole or not at all)."""
    cal = current_calendar()
    events, fields = _history(r, cal)
    v = r.version
    case = Case.objects.filter(number=r.number).first()
    created = case is None
    if case is None:
        case = Case(number=r.number, query_code=query_code(), centre_id=v.centre_id, item_id=v.item_id, version=v,
                    department_id=v.item.department_id, channel=r.channel, external_system=system,
                    received_at=r.received_at, received_on=_day(r.received_at),
                    statutory_limit=v.statutory_limit, promised_limit=v.promised_limit)
    elif case.external_system != system:
        raise HistoryDiffers(r.number)
    for name in ("applicant_type", "applicant_name", "applicant_id", "applicant_phone"):
        setattr(case, name, getattr(r, name))
    for name, value in fields.items():
        setattr(case, name, value)
    case.provisional = any(cal.is_provisional(getattr(case, d)) for d in Case.DUE_DATES if getattr(case, d))
    before = [] if created else list(case.events.order_by("seq").values_list("action", "at"))
    if [(a, at) for a, at in before] != [(e[2], e[0]) for e in events[:len(before)]]:
        raise HistoryDiffers(r.number)
    case.row_version = len(events) + 1
    case.save()
    previous = State.SUBMITTED if not before else case.events.order_by("-seq").values_list("to_state", flat=True)[0]
    new = []
    for seq, (at, person, action, to_state, payload) in enumerate(events[len(before):], len(before) + 1):
        new.append(CaseEvent(case=case, seq=seq, at=at, actor=None, actor_name=f"{system}:{person}" if person else system,
                             action=action, from_state="" if seq == 1 else previous, to_state=to_state, payload=payload))
        previous = to_state
    CaseEvent.objects.bulk_create(new)
    _store_steps(case, r, cal)
    _store_specials(case, r)
    return case, created


def _store_steps(case: Case, r: Record, cal) -> None:
    existing = list(case.steps.order_by("stage_order", "pk"))
    due = case.promised_due or case.acceptance_due
    for n, s in enumerate(r.steps, 1):
        row = existing[n - 1] if n <= len(existing) else StepTask(case=case, stage_order=n, role="reviewer",
                                                                    department_id=case.department_id, budget=0)
        row.stage_name = s.name[:50]
        row.name = f"{s.name}({s.handler})"[:50]  # the other system's handler, who has no account here
        row.started_on = _day(s.start)
        row.due_on = due or _day(s.start)
        row.status = StepTask.Status.DONE if s.end else StepTask.Status.OPEN
        row.outcome, row.opinion, row.completed_at = s.outcome, s.opinion, s.end
        row.save()


def _store_specials(case: Case, r: Record) -> None:
    case.suspensions.all().delete()
    Suspension.objects.bulk_create([Suspension(case=case, kind=sp.kind[:10], reason=sp.reason, expected_days=sp.expected_days,
                                               start_on=_day(sp.start), end_on=_day(sp.end) if sp.end else None,
                                               result=sp.result) for sp in r.specials])
