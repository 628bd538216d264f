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
already. Cards go in by the chunk in one transaction each, skipping any the unique constraints
refuse (a second sweep running at the same time made them): each chunk is marked with its own
batch token, so the sweep sends messages for exactly the cards it made. A chunk that fails is
carded again one by one, so one bad row fails alone."""

from __future__ import annotations

import datetime
import logging
import uuid
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from shenpi.cases.lifecycle import State
from shenpi.cases.models import Case, Outbox, StepTask
from shenpi.catalog.models import Item
from shenpi.core.sweeps import SweepResult, sweep
from shenpi.org.roles import Role
from shenpi.workdays.selectors import current_calendar

from .models import Card

log = logging.getLogger("shenpi.supervision")
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
    item's warning days of it (one scan per distinct setting, of which there are few; the
    items with a setting of their own are few too, and named by id)."""
    if level != Y:
        return [{f"{field}__lt": on}]
    cal = current_calendar()
    own: dict[int, list[int]] = {}
    for pk, days in Item.objects.exclude(warning_days=None).values_list("pk", "warning_days"):
        own.setdefault(days or 0, []).append(pk)
    default: dict[str, Any] = {f"{field}__gte": on, f"{field}__lte": cal.add_workdays(on, settings.SHENPI_WARNING_DAYS)}
    scans = [{**default, f"{item}_id__in": [pk for pks in own.values() for pk in pks], "exclude": True}] if own \
        else [default]
    for days, pks in sorted(own.items()):
        scans.append({f"{field}__gte": on, f"{field}__lte": cal.add_workdays(on, days) if days else on,
                      f"{item}_id__in": pks})
    return scans


def _scan(qs, scan: dict):
    scan = dict(scan)
    if scan.pop("exclude", False):
        excluded = {k: v for k, v in scan.items() if k.endswith("_id__in")}
        return qs.filter(**{k: v for k, v in scan.items() if k not in excluded}).exclude(**excluded)
    return qs.filter(**scan)


def _holders(rows: list) -> dict[int, int]:
    """For the cases in review among the rows: the person of each one's earliest-due open step
    (one query for them all)."""
    ids = {case.pk for line, case, step in rows if step is None and line.clock in (Card.Clock.PROMISED,
                                                                                    Card.Clock.STATUTORY)}
    held: dict[int, int] = {}
    for case_id, assignee in (StepTask.objects.filter(case_id__in=ids, status=StepTask.Status.OPEN,
                                                      assignee__isnull=False)
                              .order_by("case_id", "due_on", "pk").values_list("case_id", "assignee_id")):
        held.setdefault(case_id, assignee)
    return held


def _holder_id(line: Line, case: Case, held: dict[int, int]) -> int | None:
    """Who holds the case on this clock now: the earliest-due open step's person for a case in
    review, otherwise (and for delivery) the clerk who took or received it."""
    if line.clock in (Card.Clock.PROMISED, Card.Clock.STATUTORY) and case.pk in held:
        return held[case.pk]
    if line.clock == Card.Clock.DELIVERY and case.decided_by_id:
        return case.received_by_id or case.decided_by_id
    return case.claimed_by_id or case.received_by_id


def _message(card: Card, case: Case, centre_name: str) -> str:
    return (f"【{centre_name}电子监察】{case.number}({case.version.name}){CLOCK_WORDS[card.clock]}"
            f"{LEVEL_WORDS[card.level]},期限 {card.due_on:%Y年%m月%d日}。")


def _insert(cards: list[Card], cases: dict[int, Case], phones: dict[int, str], watchers: list[str]) -> int:
    """Insert the cards in one transaction, skipping any another sweep made first (the unique
    constraints), and queue the messages for those this sweep made; the number made."""
    batch = uuid.uuid4().hex
    centre = settings.SHENPI["CENTRE_NAME"]
    with transaction.atomic():
        for card in cards:
            card.batch = batch
        Card.objects.bulk_create(cards, ignore_conflicts=True)
        made = list(Card.objects.filter(batch=batch))
        messages = []
        for card in made:
            to = {phones[card.responsible_id]} if card.responsible_id in phones else set()
            if card.level != Y:
                to |= set(watchers)
            text = _message(card, cases[card.case_id], centre)
            messages += [Outbox(case_id=card.case_id, phone=p, body=text) for p in sorted(to)]
        Outbox.objects.bulk_create(messages)
    return len(made)


CHUNK = 500


def sweep_warnings(on: datetime.date | None = None, limit: int = 5000) -> SweepResult:
    on = on or timezone.localdate()
    rows: list = []
    # Each scan reads only ids (a range over an index, less what is carded already); the rows
    # themselves are read only for what crossed, so a sweep in which nothing crossed is cheap.
    for line in CASE_LINES:
        carded = Card.objects.filter(case=OuterRef("pk"), step__isnull=True, clock=line.clock, level=line.level)
        for scan in _ranges(line.level, line.due, on, "item"):
            ids = list(_scan(Case.objects.filter(state__in=line.states), scan).exclude(Exists(carded))
                       .order_by(line.due).values_list("pk", flat=True)[:limit])
            if ids:
                found = Case.objects.filter(pk__in=ids).select_related("version").order_by(line.due)
                rows += [(line, case, None) for case in found]
    step_line = {level: Line(Card.Clock.STEP, level, (State.ACCEPTED,), "due_on") for level in STEP_LEVELS}
    for level in STEP_LEVELS:
        carded = Card.objects.filter(step=OuterRef("pk"), level=level)
        for scan in _ranges(level, "due_on", on, "case__item"):
            ids = list(_scan(StepTask.objects.filter(status=StepTask.Status.OPEN, case__state=State.ACCEPTED), scan)
                       .exclude(Exists(carded)).order_by("due_on").values_list("pk", flat=True)[:limit])
            if ids:
                steps = StepTask.objects.filter(pk__in=ids).select_related("case__version").order_by("due_on")
                rows += [(step_line[level], step.case, step) for step in steps]
    held = _holders(rows)
    cards, cases = [], {}
    for line, case, step in rows:
        cases[case.pk] = case
        if step is not None:
            cards.append(Card(case=case, step=step, clock=line.clock, level=line.level, due_on=step.due_on, on=on,
                              responsible_id=step.assignee_id, department_id=step.department_id))
        else:
            cards.append(Card(case=case, clock=line.clock, level=line.level, due_on=getattr(case, line.due), on=on,
                              responsible_id=_holder_id(line, case, held), department_id=case.department_id))
    people = {c.responsible_id for c in cards if c.responsible_id}
    phones = dict(get_user_model().objects.filter(pk__in=people, staff__phone__gt="").values_list("pk", "staff__phone"))
    watchers = list(get_user_model().objects.filter(groups__name=Role.SUPERVISOR, staff__phone__gt="")
                    .values_list("staff__phone", flat=True).distinct())

    def one(card: Card) -> bool:
        return bool(_insert([card], cases, phones, watchers))

    def chunk(part: list[Card]) -> int:
        try:
            return _insert(part, cases, phones, watchers)
        except Exception:  # noqa: BLE001 - a bad row: card them one by one, so it fails alone
            log.warning("sweep_warnings: a batch of %s failed; carding them one by one", len(part))
            return sweep("sweep_warnings_one_by_one", part, one, name=lambda c: f"{c.case.number} {c.clock} {c.level}").done

    parts = [cards[i:i + CHUNK] for i in range(0, len(cards), CHUNK)]
    return sweep("sweep_warnings", parts, chunk, name=lambda part: f"{len(part)} cards")
