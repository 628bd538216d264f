"""The overtime warnings (notice §四(五)1, requirement E2): which lines a case or a step can
cross, and the card each crossing makes.

- yellow: a clock's due date is at most the item's warning days away (Item.warning_days, or
  SHENPI_WARNING_DAYS, default 1);
- red: past the due date (for a case: the promised limit);
- severe: a case past the statutory limit.

Clocks: acceptance (Art. 32, a case not yet accepted), the promised and statutory limits of an
accepted case, delivery (Art. 44, a decided case not yet delivered), and each open step. A
suspended case's clock stands still and is not swept; a provisional due date warns like any
other. Candidates come from index range scans over the stored due dates, less those carded
already; each card is inserted in its own savepoint, so a second sweep running at the same
time skips what the first made (the unique constraints), and its messages go out with it."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from shenpi.cases.lifecycle import State
from shenpi.cases.models import Case, Outbox, StepTask
from shenpi.catalog.models import Item
from shenpi.core.sweeps import SweepResult, sweep
from shenpi.org.roles import Role
from shenpi.workdays.selectors import current_calendar

from .models import Card

Y, R, S = Card.Level.YELLOW, Card.Level.RED, Card.Level.SEVERE


@dataclass(frozen=True)
class Line:
    clock: str
    level: str
    states: tuple
    due: str  # the Case field holding the clock's due date


CASE_LINES = (
    Line(Card.Clock.ACCEPTANCE, Y, (State.SUBMITTED,), "acceptance_due"),
    Line(Card.Clock.ACCEPTANCE, R, (State.SUBMITTED,), "acceptance_due"),
    Line(Card.Clock.PROMISED, Y, (State.ACCEPTED,), "promised_due"),
    Line(Card.Clock.PROMISED, R, (State.ACCEPTED,), "promised_due"),
    Line(Card.Clock.STATUTORY, S, (State.ACCEPTED,), "statutory_due"),
    Line(Card.Clock.DELIVERY, Y, (State.APPROVED, State.DENIED), "delivery_due"),
    Line(Card.Clock.DELIVERY, R, (State.APPROVED, State.DENIED), "delivery_due"),
)
STEP_LEVELS = (Y, R)

LEVEL_WORDS: dict[str, str] = {Y: "黄牌预警(即将到期)", R: "红牌(已超期)", S: "严重超期(已超过法定时限)"}
CLOCK_WORDS: dict[str, str] = {Card.Clock.ACCEPTANCE: "受理审查", Card.Clock.PROMISED: "承诺时限",
                               Card.Clock.STATUTORY: "法定时限", Card.Clock.DELIVERY: "送达", Card.Clock.STEP: "环节"}


def _ranges(level: str, field: str, on: datetime.date, item: str) -> list[dict]:
    """The range scans for a level: red and severe, past the due date; yellow, within the
    item's warning days of it (one scan per distinct setting, of which there are few)."""
    if level != Y:
        return [{f"{field}__lt": on}]
    cal = current_calendar()
    settings_in_use = set(Item.objects.exclude(warning_days=None).values_list("warning_days", flat=True).distinct())
    scans = [{f"{field}__gte": on, f"{field}__lte": cal.add_workdays(on, settings.SHENPI_WARNING_DAYS),
              f"{item}__warning_days__isnull": True}]
    for days in sorted(settings_in_use):
        scans.append({f"{field}__gte": on, f"{field}__lte": cal.add_workdays(on, days) if days else on,
                      f"{item}__warning_days": days})
    return scans


def _case_holder(case: Case, clock: str):
    """Who holds the case on this clock now: the earliest-due open step's person for a case in
    review, otherwise the clerk who took or received it."""
    if clock in (Card.Clock.PROMISED, Card.Clock.STATUTORY):
        step = (StepTask.objects.filter(case=case, status=StepTask.Status.OPEN, assignee__isnull=False)
                .order_by("due_on").first())
        if step is not None:
            return step.assignee
    if clock == Card.Clock.DELIVERY and case.decided_by_id:
        return case.received_by or case.decided_by
    return case.claimed_by or case.received_by


def _notify(card: Card, case: Case, centre_name: str) -> None:
    text = (f"【{centre_name}电子监察】{case.number}({case.version.name}){CLOCK_WORDS[card.clock]}"
            f"{LEVEL_WORDS[card.level]},期限 {card.due_on:%Y年%m月%d日}。")
    phones = set()
    if card.responsible is not None and getattr(card.responsible, "staff", None) and card.responsible.staff.phone:
        phones.add(card.responsible.staff.phone)
    if card.level != Y:
        phones |= set(get_user_model().objects.filter(groups__name=Role.SUPERVISOR, staff__phone__gt="")
                      .values_list("staff__phone", flat=True))
    Outbox.objects.bulk_create([Outbox(case=case, phone=p, body=text) for p in sorted(phones)])


def _make(**fields) -> bool:
    """Insert the card and its messages, or nothing if another sweep made it first."""
    try:
        with transaction.atomic():
            card = Card.objects.create(**fields)
            _notify(card, card.case, settings.SHENPI["CENTRE_NAME"])
    except IntegrityError:
        return False
    return True


def sweep_warnings(on: datetime.date | None = None, limit: int = 5000) -> SweepResult:
    on = on or timezone.localdate()
    rows: list = []
    for line in CASE_LINES:
        carded = Card.objects.filter(case=OuterRef("pk"), step__isnull=True, clock=line.clock, level=line.level)
        for scan in _ranges(line.level, line.due, on, "item"):
            found = (Case.objects.filter(state__in=line.states, **scan)
                     .exclude(Exists(carded)).select_related("version", "claimed_by__staff", "received_by__staff")
                     .order_by(line.due)[:limit])
            rows += [(line, case, None) for case in found]
    for level in STEP_LEVELS:
        carded = Card.objects.filter(step=OuterRef("pk"), level=level)
        for scan in _ranges(level, "due_on", on, "case__item"):
            steps = (StepTask.objects.filter(status=StepTask.Status.OPEN, case__state=State.ACCEPTED, **scan)
                     .exclude(Exists(carded)).select_related("case__version", "assignee__staff")
                     .order_by("due_on")[:limit])
            rows += [(Line(Card.Clock.STEP, level, (State.ACCEPTED,), "due_on"), step.case, step) for step in steps]

    def act(row) -> bool:
        line, case, step = row
        if step is not None:
            return _make(case=case, step=step, clock=line.clock, level=line.level, due_on=step.due_on, on=on,
                         responsible=step.assignee, department_id=step.department_id)
        return _make(case=case, clock=line.clock, level=line.level, due_on=getattr(case, line.due), on=on,
                     responsible=_case_holder(case, line.clock), department_id=case.department_id)

    return sweep("sweep_warnings", rows, act, name=lambda row: f"{row[1].number} {row[0].clock} {row[0].level}")
