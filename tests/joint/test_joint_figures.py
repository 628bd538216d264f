"""The joint acceptance's figures (issue 14, D5) equal a hand count: two acceptances, one on
time in 2 working days, one late in 6 because the fire brigade's part was re-inspected 2
working days after its due date."""

import datetime

import pytest

from shenpi.cases import services as s
from shenpi.cases.models import Case
from shenpi.joint import services as joint
from shenpi.joint.selectors import figures
from tests.cases.conftest import ORG_ID, applicant, complete, item, user

JOINT = "建设工程竣工综合验收"
FIRE = "市消防救援支队"


def accepted(on):
    on(2026, 3, 2)
    return s.accept(actor=user("clerk"), case=s.submit(
        actor=user("clerk"), item=item(JOINT), channel="window", paper_materials=complete(JOINT),
        **applicant(applicant_type="organisation", applicant_name="衡阳市城建开发有限公司", applicant_id=ORG_ID)))


def inspect(case, day, *, failing=()):
    parts = [st for st in joint.joint_stage(case) if st.status == "open"]
    inspection = joint.schedule(actor=user("clerk"), case=case, on=day, place="项目现场",
                                members={str(st.department_id): "验收组" for st in parts})
    for st in parts:
        bad = st.department.short_name in failing
        joint.record_result(actor=st.assignee, inspection=inspection, step_id=st.pk, passed=not bad,
                            items="整改" if bad else "")


def decide(case, number):
    case = Case.objects.get(pk=case.pk)
    step = case.steps.get(status="open")
    s.complete_step(actor=step.assignee, case=case, step_id=step.pk, outcome="pass", opinion="同意")
    s.decide(actor=user("approver"), case=Case.objects.get(pk=case.pk), decision="approve", licence_number=number)


@pytest.mark.usefixtures("demo")
def test_the_figures_equal_a_hand_count(on):
    late, quick = accepted(on), accepted(on)
    on(2026, 3, 3, h=15)
    inspect(late, datetime.date(2026, 3, 3), failing=(FIRE,))
    inspect(quick, datetime.date(2026, 3, 3))
    on(2026, 3, 4, h=10)
    decide(quick, "衡联验〔2026〕2号")
    on(2026, 3, 9, h=15)  # the fire brigade's part was due on 5 March
    inspect(late, datetime.date(2026, 3, 9))
    on(2026, 3, 10, h=10)
    decide(late, "衡联验〔2026〕3号")
    f = figures()
    assert (f["decided"], f["on_time"], f["on_time_rate"], f["average_days"]) == (2, 1, 50.0, 4.0)
    fire = next(d for d in f["departments"] if d["department"].short_name == FIRE)
    assert (fire["parts"], fire["late_parts"], fire["late_days"], fire["share"]) == (2, 1, 2, 100.0)
    others = [d for d in f["departments"] if d["department"].short_name != FIRE]
    assert len(others) == 4 and all(d["parts"] == 2 and d["late_days"] == 0 and d["share"] == 0 for d in others)


@pytest.mark.usefixtures("demo")
def test_the_figures_page_shows_them(client, on):
    case = accepted(on)
    on(2026, 3, 3, h=15)
    inspect(case, datetime.date(2026, 3, 3))
    decide(case, "衡联验〔2026〕4号")
    client.force_login(user("leader"))
    page = client.get("/staff/joint/figures/").content.decode()
    assert 'id="joint-figures"' in page and "100.0%" in page and "市消防救援支队" in page
    assert client.get("/staff/joint/figures/", follow=False).status_code == 200
    client.logout()
    assert client.get("/staff/joint/figures/").status_code == 302
    from django.contrib.auth import get_user_model
    client.force_login(get_user_model().objects.create_user("13900005555", password="x-Secret-9"))
    assert client.get("/staff/joint/figures/").status_code == 403  # an applicant


@pytest.mark.django_db
def test_the_demo_projects_figures_equal_a_hand_count(on):
    """The demo's three joint acceptances, counted by hand: one decided 7 working days after
    acceptance (the fire brigade re-inspected 3 working days after its part was due), one in 2,
    one still in its re-inspection (its housing bureau part open)."""
    import io

    from django.core.management import call_command
    on(2026, 11, 27)
    call_command("demo-data", "--cases", stdout=io.StringIO())
    f = figures()
    assert (f["decided"], f["on_time"], f["on_time_rate"], f["average_days"], f["late_days"]) == (2, 1, 50.0, 4.5, 3)
    by_name = {d["department"].short_name: (d["parts"], d["late_parts"], d["late_days"], d["share"])
               for d in f["departments"]}
    assert by_name == {FIRE: (3, 1, 3, 100.0), "市自然资源和规划局": (3, 0, 0, 0.0), "市住建局": (2, 0, 0, 0.0),
                       "市人防办": (3, 0, 0, 0.0), "市房产局": (3, 0, 0, 0.0)}
