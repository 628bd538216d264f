"""Next year's schedule entered by an administrator before the chinesecalendar package has it."""

import pytest
from django.core.exceptions import ValidationError

from shenpi.workdays import services
from shenpi.workdays.models import CalendarDay
from shenpi.workdays.parsing import parse_schedule
from tests.conftest import api

pytestmark = pytest.mark.django_db

# A made-up schedule for the tests (the real one comes from the State Council's notice).
SCHEDULE = """
# 元旦
2027-01-01..2027-01-03 元旦 休
# 春节
2027-02-06..2027-02-13 春节 休
2027-02-14 春节 班
"""


def next_year():
    return CalendarDay.objects.order_by("-date").first().date.year + 1


def test_admin_adds_next_year_and_the_clock_uses_it_at_once(client, admin_user, unchanged):
    year = next_year()
    schedule = SCHEDULE.replace("2027", str(year))
    last_day = f"{year - 1}-12-31"
    r = api().get(f"/api/v1/workdays/add?date={last_day}&n=1").json()
    assert r["provisional"] is True  # counted by the week until the year is entered
    client.force_login(admin_user)
    page = client.get("/admin/workdays/calendarday/add-year/")
    assert page.status_code == 200 and str(year) in page.content.decode()
    with unchanged():
        r = client.post("/admin/workdays/calendarday/add-year/", {"document_number": "", "schedule": schedule})
        assert r.status_code == 200 and "errorlist" in r.content.decode()
        bad = schedule + f"\n{year}-03-03 植树 班\n"  # a weekday cannot be swapped into a working day
        r = client.post("/admin/workdays/calendarday/add-year/", {"document_number": "国办发明电〔X〕1号", "schedule": bad})
        assert "Line 7" in r.content.decode() or "第 7 行" in r.content.decode()
    r = client.post("/admin/workdays/calendarday/add-year/", {"document_number": "国办发明电〔X〕1号", "schedule": schedule})
    assert r.status_code == 302
    assert CalendarDay.objects.filter(date__year=year).count() in (365, 366)
    assert api().get(f"/api/v1/workdays/add?date={last_day}&n=1").json()["provisional"] is False
    if year == 2027:
        assert api().get(f"/api/v1/workdays/add?date={last_day}&n=1").json()["result"] == "2027-01-04"
        day = api().get("/api/v1/workdays/day?date=2027-02-14").json()
        assert day["is_workday"] and day["is_swapped_workday"] and day["name"] == "春节"
        assert api().get("/api/v1/workdays/between?start=2027-02-05&end=2027-02-15").json()["workdays"] == 2


def test_only_the_next_year_can_be_added_and_never_from_weekends_alone(admin_user, unchanged):
    year = next_year()
    with unchanged():
        with pytest.raises(ValidationError) as e:
            services.add_year(actor=admin_user, year=year + 1, document_number="x", schedule=SCHEDULE)
        assert "year" in e.value.message_dict
        with pytest.raises(ValidationError) as e:
            services.add_year(actor=admin_user, year=year, document_number="x", schedule="")
        assert "schedule" in e.value.message_dict


def test_schedule_parser_names_each_bad_line():
    entries, errors = parse_schedule("2027-01-01..2027-01-03 元旦 休\n2027-13-01 x 休\n2027-01-05 x 班\n"
                                     "2026-12-31 x 休\n2027-01-02 元旦 休\nnonsense\n2027-01-09 x 放", 2027)
    assert [d.isoformat() for d, _w, _n in entries] == ["2027-01-01", "2027-01-02", "2027-01-03"]
    assert len(errors) == 6
    assert all(any(str(n) in e for e in errors) for n in range(2, 8))


def test_sync_adds_package_years_and_keeps_local_days(admin_user):
    import io

    from django.core.management import call_command

    from shenpi.workdays.source import known_range
    last_year = known_range()[1].year
    # As if the calendar had been seeded by an older package that ended a year earlier.
    CalendarDay.objects.filter(date__year=last_year).delete()
    services.change_day(actor=admin_user, day=f"{last_year - 1}-12-31", is_workday=False, name="地方调整",
                        reason="测试", document_number="衡政办发〔X〕1号")
    out = io.StringIO()
    call_command("workdays", "sync", stdout=out)
    assert str(last_year) in out.getvalue()
    assert CalendarDay.objects.filter(date__year=last_year).count() in (365, 366)
    assert CalendarDay.objects.get(date=f"{last_year - 1}-12-31").name == "地方调整"
    out = io.StringIO()
    call_command("workdays", "sync", stdout=out)  # nothing more to add
    assert "already" in out.getvalue() or "已" in out.getvalue()
