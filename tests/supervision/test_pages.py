"""The supervision pages (E1, E5, E6) and who may see and do what on them: a department sees
only its own cards, findings and orders; supervisors see all, order, rule and hold to account,
and change no case; leaders read; the public sees none. Bad input is a form message."""

import json

import pytest

from shenpi.cases import services as s
from shenpi.cases.models import Case, CaseEvent
from shenpi.supervision.models import Accountability, Appeal, Card, Finding, Order
from shenpi.supervision.tasks import sweep_overtime_warnings
from shenpi.workdays.selectors import current_calendar
from tests.cases.conftest import applicant, complete, item, user

pytestmark = pytest.mark.usefixtures("demo")
PERMIT, TRANSFER = "建筑工程施工许可证核发", "不动产转移登记"
PAGES = ["/staff/supervision/", "/staff/supervision/figures.json", "/staff/supervision/screen/",
         "/staff/supervision/cards/", "/staff/supervision/findings/", "/staff/supervision/orders/",
         "/staff/supervision/accountability/"]


@pytest.fixture
def overdue(on):
    """A construction permit (住建) and a transfer (不动产) past their promises, carded, with a
    finding each."""
    on(2026, 3, 2)
    zj = s.accept(actor=user("clerk"), case=s.submit(actor=user("clerk"), item=item(PERMIT), channel="window",
                                                     paper_materials=complete(PERMIT), **applicant()))
    fg = s.submit(actor=user("clerk_fg"), item=item(TRANSFER), channel="window", paper_materials=complete(TRANSFER),
                  **applicant())
    fg = s.accept(actor=user("clerk_fg"), case=fg, note="申请人本人办理,无委托")
    later = max(Case.objects.get(pk=zj.pk).promised_due, Case.objects.get(pk=fg.pk).promised_due)
    day = current_calendar().add_workdays(later, 1)
    on(day.year, day.month, day.day)
    sweep_overtime_warnings()
    for case in (zj, fg):
        event = CaseEvent.objects.filter(case=case).first()
        Finding.objects.create(case=case, event=event, rule="event-back-dated", category="process", severity="serious",
                               detail="测试", department_id=case.department_id)
    return {"zj": Case.objects.get(pk=zj.pk), "fg": Case.objects.get(pk=fg.pk)}


def card_of(case):
    return Card.objects.filter(case=case, clock="promised", level="red").get()


def test_the_public_and_applicants_see_nothing(client, overdue):
    for url in PAGES + [f"/staff/supervision/cards/{card_of(overdue['zj']).pk}/"]:
        r = client.get(url)
        assert r.status_code == 302 and "/login/" in r["Location"], url
    from django.contrib.auth import get_user_model
    client.force_login(get_user_model().objects.create_user("13900001111", password="x-Secret-9"))
    for url in PAGES:
        assert client.get(url).status_code == 403, url
    client.force_login(user("clerk_general"))  # a general window's clerk: no department to supervise
    for url in PAGES:
        assert client.get(url).status_code == 403, url


@pytest.mark.parametrize("who", ["supervisor", "leader", "admin"])
def test_watchers_see_every_department(client, overdue, who):
    client.force_login(user(who))
    for url in PAGES:
        assert client.get(url).status_code == 200, url
    cards = client.get("/staff/supervision/cards/").content.decode()
    findings = client.get("/staff/supervision/findings/").content.decode()
    for case in overdue.values():
        assert case.number in cards and case.number in findings
        assert client.get(f"/staff/supervision/cards/{card_of(case).pk}/").status_code == 200


def test_a_department_sees_only_its_own(client, overdue):
    client.force_login(user("reviewer"))  # 住建
    cards = client.get("/staff/supervision/cards/").content.decode()
    findings = client.get("/staff/supervision/findings/").content.decode()
    assert overdue["zj"].number in cards and overdue["fg"].number not in cards
    assert overdue["zj"].number in findings and overdue["fg"].number not in findings
    assert client.get(f"/staff/supervision/cards/{card_of(overdue['fg']).pk}/").status_code == 404
    figures = client.get("/staff/supervision/figures.json").json()
    assert [d["id"] for d in figures["departments"]] == [overdue["zj"].department_id]


def test_the_dashboard_red_count_is_the_list_behind_it(client, overdue):
    client.force_login(user("supervisor"))
    f = client.get("/staff/supervision/figures.json").json()
    assert f["lights"]["red"] >= 2
    listed = client.get("/staff/search/?light=red").content.decode()
    assert f"{f['lights']['red']} " in listed and overdue["zj"].number in listed
    page = client.get("/staff/supervision/").content.decode()
    assert 'id="count-red" href="/staff/search/?light=red"' in page and "echarts" in page
    assert json.loads(page.split('id="sv-figures" type="application/json">')[1].split("</script>")[0])["lights"] == f["lights"]


def test_each_department_s_lights_are_those_of_its_cases_one_by_one(client, overdue):
    """The dashboard counts every light in one pass over the database; each department's
    figures equal the light of each of its cases worked out by itself (light_of)."""
    from django.utils import timezone

    from shenpi.supervision.selectors import WATCHED, light_of, warning_horizon
    client.force_login(user("supervisor"))
    f = client.get("/staff/supervision/figures.json").json()
    on = timezone.localdate()
    soon = warning_horizon(on)
    expected: dict[int, dict[str, int]] = {}
    for case in Case.objects.filter(state__in=WATCHED):
        row = expected.setdefault(case.department_id, {"green": 0, "yellow": 0, "red": 0, "severe": 0})
        row[light_of(case, on, soon) or "green"] += 1
    got = {d["id"]: {k: d[k] for k in ("green", "yellow", "red", "severe")} for d in f["departments"] if d["open"]}
    assert got == expected and sum(r["red"] for r in got.values()) >= 2


def test_an_order_is_issued_replied_to_and_ruled_on(client, overdue):
    zj = overdue["zj"]
    client.force_login(user("supervisor"))
    r = client.post("/staff/supervision/orders/", {"case_number": zj.number, "content": "请说明超期原因并限期办结",
                                                    "reply_days": 3})
    order = Order.objects.get()
    assert r.status_code == 302 and order.department_id == zj.department_id and order.status == "open"
    url = f"/staff/supervision/orders/{order.pk}/"
    client.force_login(user("approver_fg"))  # another department's chief: not theirs to see
    assert client.get(url).status_code == 404 and client.post(url, {"reply": "x"}).status_code == 404
    client.force_login(user("reviewer"))  # the department's, but not its head or chief
    assert client.post(url, {"reply": "x"}).status_code == 403
    client.force_login(user("approver"))  # 住建's chief representative
    assert client.post(url, {"reply": "  "}).status_code == 200  # a form message, nothing saved
    assert Order.objects.get().status == "open"
    assert client.post(url, {"reply": "已督促承办人,明日办结"}).status_code == 302
    client.force_login(user("leader"))  # leaders read, and do not rule
    assert client.post(url, {"decision": "accept", "ruling": ""}).status_code == 403
    client.force_login(user("supervisor"))
    assert client.post(url, {"decision": "return", "ruling": ""}).status_code == 200  # reasons needed
    assert client.post(url, {"decision": "accept", "ruling": "同意"}).status_code == 302
    assert Order.objects.get().status == "closed"
    from shenpi.audit.models import AuditEntry
    assert {"supervision.order.issue", "supervision.order.reply", "supervision.order.rule"} <= set(
        AuditEntry.objects.values_list("action", flat=True))


def test_bad_order_input_is_a_message_and_changes_nothing(client, overdue):
    client.force_login(user("supervisor"))
    for data in ({"case_number": "NOPE", "content": "x", "reply_days": 3},
                 {"content": "x", "reply_days": 3},  # no case and no department
                 {"case_number": overdue["zj"].number, "content": "", "reply_days": 3},
                 {"case_number": overdue["zj"].number, "content": "x", "reply_days": "０"},
                 {"case_number": overdue["zj"].number, "content": "x", "reply_days": 99}):
        r = client.post("/staff/supervision/orders/", data)
        assert r.status_code == 200 and 'role="alert"' in r.content.decode(), data
    assert not Order.objects.exists()
    client.force_login(user("leader"))
    assert client.post("/staff/supervision/orders/", {"case_number": overdue["zj"].number, "content": "x",
                                                      "reply_days": 3}).status_code == 403


def test_a_card_is_appealed_and_the_supervisor_rules(client, overdue):
    card = card_of(overdue["zj"])
    url = f"/staff/supervision/cards/{card.pk}/"
    client.force_login(user("reviewer"))
    assert client.post(url, {"appeal": "1", "reason": "x"}).status_code == 403
    client.force_login(user("approver"))
    assert client.post(url, {"appeal": "1", "reason": "申请人要求暂缓,已书面说明"}).status_code == 302
    assert client.post(url, {"appeal": "1", "reason": "again"}).status_code == 403  # once
    client.force_login(user("supervisor"))
    assert client.post(url, {"rule": "1", "decision": "uphold", "ruling": "理由成立"}).status_code == 302
    assert Appeal.objects.get().status == "upheld" and Card.objects.get(pk=card.pk).withdrawn
    assert client.post(url, {"account": "1", "person": card.responsible_id, "measure": "talk",
                             "reason": "超期未办"}).status_code == 302
    assert Accountability.objects.get().person_id == card.responsible_id
    listing = client.get("/staff/supervision/accountability/").content.decode()
    assert "超期未办" in listing
    mine = client.get(f"/staff/supervision/accountability/?person={card.responsible_id}").content.decode()
    other = client.get(f"/staff/supervision/accountability/?person={user('clerk_sj').pk}").content.decode()
    assert "超期未办" in mine and "超期未办" not in other
    assert client.get("/staff/supervision/accountability/?person=²").status_code == 200


def test_supervisors_change_no_case(client, overdue):
    client.force_login(user("supervisor"))
    zj = overdue["zj"]
    before = Case.objects.get(pk=zj.pk).row_version
    page = client.get(f"/staff/cases/{zj.number}/").content.decode()
    assert 'id="light"' in page and "/act/" not in page
    for action in ("decide", "suspend", "terminate"):
        assert client.post(f"/staff/cases/{zj.number}/act/{action}/", {"reason": "x"}).status_code == 403
    assert Case.objects.get(pk=zj.pk).row_version == before


def test_odd_filters_are_messages_not_errors(client, overdue):
    client.force_login(user("supervisor"))
    for url in ("/staff/supervision/cards/?department=abc&level=purple", "/staff/supervision/findings/?found_from=x",
                "/staff/search/?light=blue&window=²", "/staff/supervision/orders/?status=zzz&page=abc",
                "/staff/supervision/cards/?page=999"):
        assert client.get(url).status_code == 200, url
    assert client.get("/staff/supervision/cards/99999/").status_code == 404
    assert client.get("/staff/supervision/orders/99999/").status_code == 404


def test_event_recordings_link_to_the_window_camera(client, overdue):
    client.force_login(user("supervisor"))
    page = client.get(f"/staff/cases/{overdue['zj'].number}/").content.decode()
    assert 'class="video" href="rtsp://video.local/hall/' in page and "start=2026030" in page


def test_an_overdue_task_on_the_home_page_says_overdue(client, overdue):
    client.force_login(user("reviewer"))
    page = client.get("/staff/").content.decode()
    assert overdue["zj"].number in page and "个工作日" in page and "剩余 -" not in page


def test_the_light_shows_to_the_people_responsible(client, overdue):
    zj = overdue["zj"]
    holder = zj.steps.filter(status="open").first().assignee
    client.force_login(holder)
    assert 'class="tag light-red"' in client.get("/staff/tasks/").content.decode()
    client.force_login(user("approver"))  # the department's chief representative: its queue
    queue = client.get("/staff/queue/").content.decode()
    assert zj.number in queue and 'class="tag light-red"' in queue
    assert 'id="light"' in client.get(f"/staff/cases/{zj.number}/").content.decode()
