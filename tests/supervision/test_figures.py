"""The dashboard's figures of the days that are over are made once and read back (issue 16):
the same figures as the live count, for a watcher and for a department, and a day made too
early or under another calendar is counted live again."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from shenpi.supervision import figures, selectors
from shenpi.supervision.models import DayFigures, FiguresDay
from shenpi.workdays import services as calendar_services
from shenpi.workdays.models import CalendarDay
from tests.cases.conftest import user


@pytest.fixture
def living(db, on):
    today = timezone.localdate()
    on(today.year, today.month, today.day, 10)  # mid-morning: yesterday is over and settled
    call_command("demo-data", "--cases", stdout=io.StringIO())


def made_all() -> int:
    runs = 0
    while figures.make_days().done:
        runs += 1
        assert runs < 10, "the sweep keeps making days"
    return runs


def test_the_made_figures_are_the_live_count_and_are_read(living):
    watcher, head = user("supervisor"), user("depthead")
    on = timezone.localdate()
    live = {u: selectors.dashboard(u, on=on) for u in (watcher, head)}
    assert live[watcher]["decided"] > 0 and any(w["received"] for w in live[watcher]["trend"])
    assert live[head]["decided"] < live[watcher]["decided"]  # a department sees its own

    assert made_all() == 3  # 70 days, 31 a run
    assert FiguresDay.objects.count() == figures.KEEP_DAYS
    assert figures.make_days().done == 0  # made and settled: nothing to do
    for u in (watcher, head):
        assert selectors.dashboard(u, on=on) == live[u]

    # The dashboard reads the made rows: one changed by hand shows.
    row = DayFigures.objects.filter(day__lt=on, received__gt=0).order_by("-day").first()
    row.received += 1000
    row.save()
    changed = selectors.dashboard(watcher, on=on)
    assert sum(w["received"] for w in changed["trend"]) == sum(w["received"] for w in live[watcher]["trend"]) + 1000


def test_a_day_made_before_it_was_over_or_under_another_calendar_is_counted_again(living):
    watcher = user("supervisor")
    on = timezone.localdate()
    made_all()
    live = selectors.dashboard(watcher, on=on)
    row = DayFigures.objects.filter(day__lt=on, received__gt=0).order_by("-day").first()
    DayFigures.objects.filter(pk=row.pk).update(received=row.received + 1000)

    # Made at noon of that day: cases decided that afternoon are not in it.
    early = timezone.make_aware(datetime.datetime.combine(row.day, datetime.time(12)))
    FiguresDay.objects.filter(day=row.day).update(made_at=early)
    assert selectors.dashboard(watcher, on=on) == live
    assert figures.make_days().done == 1  # the sweep makes it again
    assert DayFigures.objects.get(pk__gt=0, day=row.day, department=row.department).received == row.received

    # A calendar changed since (a coming rest day made a working day, as a notice would; after
    # every case's dates, so the live figures stay as they were): every day is counted again,
    # and made again.
    DayFigures.objects.filter(day=row.day, department=row.department).update(received=row.received + 1000)
    rest = (CalendarDay.objects.filter(date__gt=on + datetime.timedelta(days=60), is_workday=False).order_by("date").first()
            or CalendarDay.objects.order_by("date").first())
    calendar_services.change_day(actor=user("admin"), day=rest.date, is_workday=True, name="调休上班",
                                 reason="国务院办公厅通知", document_number="国办发明电〔2026〕1号")
    assert selectors.dashboard(watcher, on=on) == live
    assert figures.make_days().done == figures.PER_RUN
    assert made_all() == 2
