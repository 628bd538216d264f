"""The clock from the shell, over HTTP, and changed by an administrator without a restart."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from shenpi.audit.models import AuditEntry
from shenpi.workdays.models import CalendarDay, CalendarVersion
from tests.conftest import api

SHENPI = str(Path(sys.executable).parent / "shenpi")


@pytest.fixture(scope="module")
def cli_env(tmp_path_factory):
    """A real `shenpi` process on its own freshly migrated SQLite database."""
    var = tmp_path_factory.mktemp("var")
    env = {**os.environ, "SHENPI_VAR_DIR": str(var), "DATABASE_URL": f"sqlite:///{var / 'cli.sqlite3'}"}
    subprocess.run([SHENPI, "migrate", "-v0"], env=env, check=True, timeout=120)
    return env


def shenpi(env, *args):
    return subprocess.run([SHENPI, "workdays", *args], env=env, capture_output=True, text=True, timeout=60)


def test_cli_prints_answers(cli_env):
    r = shenpi(cli_env, "add", "2026-02-13", "1")
    assert (r.returncode, r.stdout.strip()) == (0, "2026-02-14")
    r = shenpi(cli_env, "between", "2025-09-27", "2025-10-12")
    assert (r.returncode, r.stdout.strip()) == (0, "6")
    r = shenpi(cli_env, "is", "2026-02-28")
    assert r.returncode == 0 and "调休" in r.stdout and "春节" in r.stdout


def test_cli_marks_an_answer_in_the_provisional_year(cli_env):
    # The package knows 2026 as its last year here; 2027 is counted by the week, and says so.
    r = shenpi(cli_env, "add", "2026-11-27", "45")
    assert r.returncode == 0 and r.stdout.startswith("2027-01-29") and "暂定" in r.stdout, r.stdout
    r = shenpi(cli_env, "between", "2026-12-31", "2027-01-08")
    assert r.returncode == 0 and r.stdout.startswith("6 ") and "暂定" in r.stdout
    r = shenpi(cli_env, "is", "2027-01-01")
    assert r.returncode == 0 and "暂定" in r.stdout
    r = shenpi(cli_env, "add", "2026-03-02", "5")
    assert r.stdout.strip() == "2026-03-09"  # a known year: no mark
    r = shenpi(cli_env, "add", "2027-12-20", "30")  # reaches past the provisional year
    assert r.returncode == 2 and r.stdout == ""
    assert len(r.stderr.strip().splitlines()) == 1 and "2028-01-01" in r.stderr, r.stderr


@pytest.mark.parametrize("args, words", [
    (["add", "2026-02-30", "1"], "2026-02-30"),
    (["add", "2026-02-13", "one"], "one"),
    (["add", "2040-01-01", "1"], "2040-01-01"),
    (["between", "2026-01-01"], "usage"),
    (["is", "2003-06-01"], "2004"),
    (["frobnicate"], "usage"),
    ([], "usage"),
])
def test_cli_errors_exit_2_with_one_line(cli_env, args, words):
    r = shenpi(cli_env, *args)
    assert r.returncode == 2, (r.stdout, r.stderr)
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and words in lines[0], r.stderr
    assert r.stdout == ""


# --- API ------------------------------------------------------------------------------------

@pytest.mark.django_db
def test_api_add_between_day():
    assert api().get("/api/v1/workdays/add?date=2026-02-13&n=1").json() == {
        "date": "2026-02-13", "n": 1, "result": "2026-02-14", "provisional": False}
    assert api().get("/api/v1/workdays/add?date=2026-02-24&n=-1").json()["result"] == "2026-02-14"
    assert api().get("/api/v1/workdays/between?start=2026-02-13&end=2026-02-24").json()["workdays"] == 2
    day = api().get("/api/v1/workdays/day?date=2026-02-14").json()
    assert day == {"date": "2026-02-14", "is_workday": True, "is_swapped_workday": True, "name": "春节",
                   "provisional": False}


@pytest.mark.django_db
@pytest.mark.parametrize("url, field", [
    ("/api/v1/workdays/add?date=2026-02-13", "n"),
    ("/api/v1/workdays/add?date=13/02/2026&n=1", "date"),
    ("/api/v1/workdays/add?date=2026-02-13&n=1.5", "n"),
    ("/api/v1/workdays/add?date=2026-02-13&n=99999", "n"),
    ("/api/v1/workdays/add?date=2099-01-01&n=1", "date"),
    ("/api/v1/workdays/add?date=2027-12-30&n=30", "date"),  # reaches past the provisional year
    ("/api/v1/workdays/between?start=2026-01-01", "end"),
    ("/api/v1/workdays/between?start=2026-01-01&end=1999-01-01", "end"),
    ("/api/v1/workdays/day?date=", "date"),
])
def test_api_bad_input_is_400_with_the_field(url, field):
    r = api().get(url)
    assert r.status_code == 400
    assert field in r.json() and r.json()[field][0]


# --- an administrator changes a day --------------------------------------------------------------

@pytest.mark.django_db
def test_admin_change_takes_effect_on_the_next_call_without_restart(client, admin_user):
    import io

    from django.core.management import call_command

    def cli(*args):
        out = io.StringIO()
        call_command("workdays", *args, stdout=out)
        return out.getvalue().strip()

    # Warm this process's calendar first, as a running server would have it.
    assert api().get("/api/v1/workdays/add?date=2026-03-02&n=1").json()["result"] == "2026-03-03"
    assert cli("add", "2026-03-02", "1") == "2026-03-03"
    version = CalendarVersion.objects.get().version
    client.force_login(admin_user)
    url = "/admin/workdays/calendarday/2026-03-03/change/"
    assert client.get(url).status_code == 200
    r = client.post(url, {"is_workday": "", "name": "地方调整", "reason": "",  "document_number": ""})
    assert r.status_code == 200 and "请说明调整原因" in r.content.decode()  # reason and document required
    assert CalendarDay.objects.get(date="2026-03-03").is_workday is True
    r = client.post(url, {"is_workday": "", "name": "地方调整", "reason": "城市运动会",
                          "document_number": "衡政办发〔2026〕1号"})
    assert r.status_code == 302
    assert CalendarVersion.objects.get().version == version + 1
    # The very next calls see the change: same process, no restart.
    assert api().get("/api/v1/workdays/add?date=2026-03-02&n=1").json()["result"] == "2026-03-04"
    assert cli("add", "2026-03-02", "1") == "2026-03-04"
    assert "地方调整" in cli("is", "2026-03-03")
    entry = AuditEntry.objects.last()
    assert entry.action == "workdays.day.change" and entry.before == {"is_workday": True, "name": ""}
    day = CalendarDay.objects.get(date="2026-03-03")
    assert (day.changed_by, day.document_number) == (admin_user, "衡政办发〔2026〕1号")


@pytest.mark.django_db
def test_only_centre_admins_change_days(make_staff):
    from django.core.exceptions import PermissionDenied

    from shenpi.org.roles import Role
    from shenpi.workdays import services
    user = make_staff("h", [Role.HANDLER]).user
    with pytest.raises(PermissionDenied):
        services.change_day(actor=user, day="2026-03-03", is_workday=False, name="", reason="x", document_number="y")
    assert CalendarDay.objects.get(date="2026-03-03").is_workday


@pytest.mark.django_db
def test_year_view(client, admin_user):
    client.force_login(admin_user)
    page = client.get("/admin/workdays/calendarday/year/2026/").content.decode()
    assert "swapped" in page and "holiday" in page and "调休" in page
    assert client.get("/admin/workdays/calendarday/year/1990/").status_code == 404


@pytest.mark.django_db
def test_a_request_reads_the_calendar_version_once_and_sees_its_own_change(admin_user):
    """A page asks for the calendar in several of its parts: the version is read once a request,
    and a change made within the request is seen at once (workdays.selectors.forget_version)."""
    import datetime

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from shenpi.workdays import selectors, services

    def version_reads(ctx):
        return sum('"workdays_calendarversion"' in q["sql"] and q["sql"].lstrip().startswith("SELECT")
                   for q in ctx.captured_queries)

    # What the request signals do for this module (sending the signals themselves would also
    # close the test's connection, which is inside a transaction: Django's close_old_connections).
    selectors._request_begins()
    try:
        with CaptureQueriesContext(connection) as ctx:
            first = selectors.current_calendar()
            assert selectors.current_calendar() is first and selectors.calendar_version() == first.version
        assert version_reads(ctx) == 1
        services.change_day(actor=admin_user, day=datetime.date(2026, 3, 3), is_workday=False, name="地方调整",
                            reason="城市运动会", document_number="衡政办发〔2026〕1号")
        assert selectors.current_calendar().version == first.version + 1
        assert not selectors.current_calendar().is_workday(datetime.date(2026, 3, 3))
    finally:
        selectors._request_ends()
    # Outside a request nothing is kept: each call looks again.
    with CaptureQueriesContext(connection) as ctx:
        selectors.calendar_version()
        selectors.calendar_version()
    assert version_reads(ctx) == 2
