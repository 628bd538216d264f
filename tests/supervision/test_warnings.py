"""Overtime warnings (issue 13, part 1): time-travel tests. A case crosses yellow, red and
severe and gets exactly one card each, naming who held it; steps, acceptance and delivery
warn too; sweeping again, or two sweeps at once, makes nothing new."""


import pytest
from django.db import connection

from shenpi.cases import services as s
from shenpi.cases.models import Case, Outbox
from shenpi.supervision.models import Card
from shenpi.supervision.tasks import sweep_overtime_warnings
from shenpi.workdays.selectors import current_calendar
from tests.cases.conftest import applicant, complete, item, user
from tests.cases.test_concurrency import run_together

PERMIT = "建筑工程施工许可证核发"


def travel(on, day):
    on(day.year, day.month, day.day)


def accepted(on):
    on(2026, 3, 2)
    case = s.submit(actor=user("clerk"), item=item(PERMIT), channel="window", paper_materials=complete(PERMIT),
                    **applicant())
    s.accept(actor=user("clerk"), case=case)
    return Case.objects.get(pk=case.pk)


def cards(case, clock):
    return list(Card.objects.filter(case=case, clock=clock).order_by("level").values_list("level", flat=True))


@pytest.mark.usefixtures("demo")
def test_a_case_crosses_yellow_red_and_severe_once_each(on):
    case = accepted(on)
    cal = current_calendar()
    holder = case.steps.filter(status="open").order_by("due_on").first().assignee
    assert case.promised_due < case.statutory_due
    travel(on, cal.add_workdays(case.promised_due, -2))
    sweep_overtime_warnings()
    assert cards(case, "promised") == []  # two working days ahead: nothing yet
    travel(on, cal.add_workdays(case.promised_due, -1))
    sweep_overtime_warnings()
    sweep_overtime_warnings()
    assert cards(case, "promised") == ["yellow"]
    yellow = Card.objects.get(case=case, clock="promised")
    assert yellow.responsible == holder and yellow.department_id == case.department_id
    travel(on, cal.add_workdays(case.promised_due, 1))
    sweep_overtime_warnings()
    assert cards(case, "promised") == ["red", "yellow"] and cards(case, "statutory") == []
    travel(on, cal.add_workdays(case.statutory_due, 1))
    assert sweep_overtime_warnings().done >= 1
    assert sweep_overtime_warnings().done == 0  # again: nothing new
    assert cards(case, "promised") == ["red", "yellow"] and cards(case, "statutory") == ["severe"]
    # The holder was told each time; supervisors from red on.
    texts = [(p, b) for p, b in Outbox.objects.filter(case=case).values_list("phone", "body") if "电子监察" in b]
    assert any(p == holder.staff.phone and "黄牌" in b for p, b in texts)
    assert any(p == user("supervisor").staff.phone and "严重超期" in b for p, b in texts)
    assert not any(p == user("supervisor").staff.phone and "黄牌" in b for p, b in texts)


@pytest.mark.usefixtures("demo")
def test_an_item_may_warn_earlier_than_the_centre(on):
    from shenpi.audit.models import AuditEntry
    from shenpi.catalog.services import set_warning_days
    set_warning_days(actor=user("admin"), item=item(PERMIT), days=3)
    case = accepted(on)
    cal = current_calendar()
    travel(on, cal.add_workdays(case.promised_due, -4))
    sweep_overtime_warnings()
    assert cards(case, "promised") == []
    travel(on, cal.add_workdays(case.promised_due, -3))
    sweep_overtime_warnings()
    assert cards(case, "promised") == ["yellow"]
    assert AuditEntry.objects.filter(action="catalog.item.warning_days").count() == 1


@pytest.mark.usefixtures("demo")
def test_steps_acceptance_and_delivery_warn(on):
    cal = current_calendar()
    on(2026, 3, 2)
    waiting = s.submit(actor=user("clerk"), item=item(PERMIT), channel="window", paper_materials=complete(PERMIT),
                       **applicant())
    travel(on, cal.add_workdays(waiting.acceptance_due, -1))
    sweep_overtime_warnings()
    assert cards(waiting, "acceptance") == ["yellow"]
    case = accepted(on)
    step = case.steps.filter(status="open").order_by("due_on").first()
    travel(on, cal.add_workdays(step.due_on, 1))
    sweep_overtime_warnings()
    card = Card.objects.get(step=step, level="red")
    assert card.clock == "step" and card.responsible == step.assignee and card.department_id == step.department_id
    # A suspended case's clock stands still: no card while it is suspended.
    s.suspend(actor=user("approver"), case=Case.objects.get(pk=case.pk), kind="鉴定", reason="专家鉴定", expected_days=30)
    travel(on, cal.add_workdays(case.statutory_due, 5))
    before = Card.objects.filter(case=case).count()
    sweep_overtime_warnings()
    assert Card.objects.filter(case=case).count() == before


pg_only = pytest.mark.skipif(connection.vendor != "postgresql",
                             reason="races need separate connections to one database: run on PostgreSQL (CI does)")


@pg_only
@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("seeded", "audit_flushable")
def test_two_sweeps_at_once_make_each_card_once(on):
    import io

    from django.core.management import call_command
    call_command("demo-data", stdout=io.StringIO())
    cases = [accepted(on) for _ in range(5)]
    day = current_calendar().add_workdays(max(c.statutory_due for c in cases), 1)
    travel(on, day)
    made = run_together(3, lambda i: sweep_overtime_warnings().done)
    total = Card.objects.filter(case__in=cases).count()
    # Three sweeps raced over the same crossings: each card was made by exactly one of them.
    assert sum(made) == total >= 10
    assert Card.objects.filter(case__in=cases, step__isnull=True, clock="promised", level="red").count() == 5
    assert Card.objects.filter(case__in=cases, step__isnull=True, clock="statutory", level="severe").count() == 5


@pytest.mark.usefixtures("demo")
def test_cards_show_on_the_holders_and_supervisors_home(on, client):
    case = accepted(on)
    travel(on, current_calendar().add_workdays(case.promised_due, 1))
    sweep_overtime_warnings()
    card = Card.objects.get(case=case, clock="promised", level="red")
    client.force_login(card.responsible)
    page = client.get("/staff/").content.decode()
    assert 'id="home-cards"' in page and case.number in page and "红牌" in page
    case_page = client.get(f"/staff/cases/{case.number}/").content.decode()
    assert 'id="cards"' in case_page and "红牌：已超期" in case_page
    client.force_login(user("supervisor"))
    assert case.number in client.get("/staff/").content.decode()
    client.force_login(user("clerk_sj"))  # another department's clerk: none of theirs
    assert 'id="home-cards"' not in client.get("/staff/").content.decode()
