"""The tally of the cases watched (supervision.tally): the database's triggers keep it equal to
the cases, key by key, through the services, a bulk update behind their back and a rebuild;
the dashboard's lights from it are the lights of the cases; the rebuild folds it, puts missing
triggers back, and on PostgreSQL loses nothing to cases changing while it runs."""

import datetime
import io
import logging
from collections import Counter

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.models import Count, F
from django.utils import timezone

from shenpi.cases import services as s
from shenpi.cases.models import Case
from shenpi.supervision import selectors, tally
from shenpi.supervision.models import WatchLights, WatchTally
from shenpi.supervision.tasks import fold_watch_tally
from tests.cases.conftest import applicant, complete, item, user
from tests.cases.test_concurrency import run_together

pytestmark = pytest.mark.django_db
PERMIT = "建筑工程施工许可证核发"
FILING = "房屋建筑和市政基础设施工程竣工验收备案"  # 即办件: decided at the window


def live() -> Counter:
    """The cases being watched by the tally's key, counted one by one in Python."""
    out: Counter = Counter()
    for c in Case.objects.filter(state__in=tally.WATCHED):
        out[(c.department_id, c.state, c.acceptance_due if c.state == "submitted" else None,
             c.promised_due if c.state == "accepted" else None, c.statutory_due if c.state == "accepted" else None,
             c.delivery_due if c.state in ("approved", "denied") else None)] += 1
    return out


def tallied() -> Counter:
    out: Counter = Counter()
    for *k, n in WatchTally.objects.values_list("department_id", "state", "acceptance_due", "promised_due",
                                                "statutory_due", "delivery_due", "n"):
        out[tuple(k)] += n
    assert all(n >= 0 for n in out.values()), out
    return +out  # keys whose cases all left count nothing


@pytest.fixture
def living(db, on):
    on(2026, 11, 27)
    call_command("demo-data", "--cases", stdout=io.StringIO())


def receive(name=PERMIT):
    return s.submit(actor=user("clerk"), item=item(name), channel="window", paper_materials=complete(name),
                    **applicant())


def test_the_triggers_keep_the_tally_through_every_change_and_the_rebuild_folds_it(living):
    assert tally.installed()
    assert len({k[1] for k in live()}) >= 5 and tallied() == live()
    # Through the services: a case received, one accepted, one decided at the window and delivered.
    accepted = s.accept(actor=user("clerk"), case=receive(), note="申请人本人办理,无委托")
    decided = s.decide(actor=user("clerk"), case=receive(FILING), decision="approve", licence_number="备2026-1127")
    assert tallied() == live()
    s.deliver(actor=user("clerk"), case=decided, method="窗口领取")
    assert tallied() == live()
    # Behind their back: a bulk change of dates, a state set by hand, a case moved to another
    # department, and a change of a column the lights do not read.
    Case.objects.filter(state="accepted").update(promised_due=F("promised_due") + datetime.timedelta(days=2))
    Case.objects.filter(pk=accepted.pk).update(state="suspended")
    other = Case.objects.exclude(department_id=accepted.department_id).values_list("department_id", flat=True)[0]
    Case.objects.filter(pk=accepted.pk).update(department_id=other)
    Case.objects.filter(state="submitted").update(applicant_name="李四")
    assert tallied() == live()
    rows = WatchTally.objects.count()
    assert tally.rebuild() == len(live()) < rows  # one row a key
    assert tallied() == live()


def expected_lights(on, soon) -> dict:
    """The lights by department counted from the cases themselves."""
    cases = Case.objects.filter(state__in=tally.WATCHED).order_by()
    return {r["department_id"]: r for r in cases.values("department_id").annotate(n=Count("*"), **{
        light: Count("pk", filter=selectors.light_q(light, on, soon)) for light in ("yellow", "red", "severe")})}


def test_the_dashboard_s_lights_are_those_of_the_cases(living, on):
    on(2026, 12, 9)  # later: some are due soon, some overdue, some past the law
    today = timezone.localdate()
    soon = selectors.warning_horizon(today)
    expected = expected_lights(today, soon)
    lit = {r["department_id"]: r for r in tally.lights(user("supervisor"), today, soon)}
    assert lit == expected and sum(r["red"] + r["severe"] for r in lit.values()) > 0
    # A department's staff see their own department's alone.
    mine = tally.lights(user("depthead"), today, soon)
    assert [r["department_id"] for r in mine] == [user("depthead").staff.department_id]


def test_the_fold_s_lights_and_the_changes_since_make_the_day_s_lights(living, on):
    """After a fold, that day's lights are the fold's per department plus the changes since,
    without reading the folded keys; another day or horizon reads every key. Each is the
    cases' own count."""
    on(2026, 12, 9)  # some cases due soon, some overdue, some past the law
    today = timezone.localdate()
    soon = selectors.warning_horizon(today)
    tally.rebuild()
    assert set(WatchLights.objects.values_list("on", "soon")) == {(today, soon)}
    assert WatchLights.objects.count() == len(expected_lights(today, soon)) > 1
    # Changes after it: received, accepted, decided and delivered, and a date moved by hand.
    accepted = s.accept(actor=user("clerk"), case=receive(), note="申请人本人办理,无委托")
    receive()
    decided = s.decide(actor=user("clerk"), case=receive(FILING), decision="approve", licence_number="备2026-1209")
    s.deliver(actor=user("clerk"), case=decided, method="窗口领取")
    Case.objects.filter(pk=accepted.pk).update(promised_due=today - datetime.timedelta(days=1))
    assert WatchTally.objects.filter(folded=False).exists()
    expected = expected_lights(today, soon)
    assert {r["department_id"]: r for r in tally.lights(user("supervisor"), today, soon)} == expected
    assert sum(r["red"] + r["severe"] for r in expected.values()) > 0
    mine = user("depthead").staff.department_id
    assert tally.lights(user("depthead"), today, soon) == [expected[mine]]
    # Another day or another horizon than the fold's: every key, the same lights as the cases.
    tomorrow = today + datetime.timedelta(days=1)
    later = selectors.warning_horizon(tomorrow)
    assert {r["department_id"]: r for r in tally.lights(user("supervisor"), tomorrow, later)} == \
        expected_lights(tomorrow, later)
    assert {r["department_id"]: r for r in tally.lights(user("supervisor"), today, later)} == \
        expected_lights(today, later)
    # The fold's day reads none of the folded keys: without them, its lights do not change.
    WatchTally.objects.filter(folded=True).delete()
    assert {r["department_id"]: r for r in tally.lights(user("supervisor"), today, soon)} == expected


def test_the_rebuild_puts_back_missing_triggers_and_the_worker_runs_it(living, caplog):
    for sql in tally.uninstall_sql(connection.vendor):
        with connection.cursor() as cur:
            cur.execute(sql)
    assert not tally.installed()
    receive()  # unseen by the tally
    assert tallied() != live()
    with caplog.at_level(logging.ERROR, logger="shenpi.supervision"):
        result = fold_watch_tally()
    assert result.failed == [] and tally.installed() and "installed again" in caplog.text
    assert tallied() == live()
    receive()
    assert tallied() == live()


pg_only = pytest.mark.skipif(connection.vendor != "postgresql",
                             reason="races need separate connections to one database: run on PostgreSQL (CI does)")


@pg_only
@pytest.mark.django_db(transaction=True)
def test_cases_changing_while_the_tally_is_rebuilt_are_all_counted(seeded, on):
    """Three connections receive and accept cases while a fourth rebuilds the tally over and
    over until they are done: then, with no rebuild after them, the tally is the cases' count,
    key by key (a rebuild that deleted the rows and counted the cases in two statements counted
    twice a change committed between the two)."""
    import threading
    on(2026, 3, 2)
    call_command("demo-data", stdout=io.StringIO())
    done = threading.Event()
    working = [3]
    lock = threading.Lock()

    def work(i):
        if i == 3:
            n = 0
            while not done.is_set():
                tally.rebuild()
                n += 1
            return n
        try:
            for _ in range(4):
                s.accept(actor=user("clerk"), case=receive(), note="申请人本人办理,无委托")
        finally:
            with lock:
                working[0] -= 1
                if not working[0]:
                    done.set()
        return None
    rebuilds = run_together(4, work)[3]
    assert rebuilds >= 3 and Case.objects.count() == 12
    assert tallied() == live()
    today = timezone.localdate()
    soon = selectors.warning_horizon(today)
    assert WatchLights.objects.filter(on=today, soon=soon).exists()
    assert {r["department_id"]: r for r in tally.lights(user("supervisor"), today, soon)} == \
        expected_lights(today, soon)
