"""Staff pages for cases through real HTTP: who reaches which page, and actions from the forms."""

import datetime
import re

import pytest
from django.test import Client

from shenpi.cases import services as s
from shenpi.cases.models import Case
from shenpi.workdays.selectors import current_calendar

from .conftest import applicant, item, second_reviewer, user, window_case

pytestmark = pytest.mark.usefixtures("demo")


def login(client, name):
    client.force_login(user(name))
    return client


def test_window_receives_with_form_errors_in_chinese(client, on, unchanged):
    on(2026, 3, 2)
    c = login(client, "clerk")
    assert c.get("/staff/window/").status_code == 200
    permit = item("建筑工程施工许可证核发")
    partial = c.get(f"/staff/window/materials/?item={permit.pk}").content.decode()
    assert "建设工程施工合同" in partial
    with unchanged():
        r = c.post("/staff/window/", {"item": permit.pk, **applicant(applicant_id="11010519491231002")})
        assert r.status_code == 200 and "不是有效的公民身份号码" in r.content.decode()
    r = c.post("/staff/window/", {"item": permit.pk, **applicant(), "paper_materials": ["申请书(申请表)"]})
    number = Case.objects.get().number
    assert r.status_code == 302 and r.url == f"/staff/cases/{number}/"
    page = c.get(r.url).content.decode()
    assert number in page and 'id="accept"' in page


def test_case_page_actions_and_step_forms(client, on):
    on(2026, 3, 2)
    case = window_case()
    c = login(client, "clerk")
    r = c.post(f"/staff/cases/{case.number}/act/refuse/", {"reasons": "", "version": case.row_version}, follow=True)
    assert "请说明不予受理的理由" in r.content.decode()
    c.post(f"/staff/cases/{case.number}/act/accept/", {"version": case.row_version})
    case.refresh_from_db()
    assert case.state == "accepted"
    step = case.steps.get()
    r = login(client, "reviewer").get("/staff/tasks/")
    assert case.number in r.content.decode()
    r = client.post(f"/staff/cases/{case.number}/steps/{step.pk}/complete/", {"outcome": "pass", "opinion": "同意"})
    assert r.status_code == 302
    step.refresh_from_db()
    assert step.status == "done"
    notice = case.notices.get(kind="acceptance")
    r = client.get(f"/staff/cases/{case.number}/notices/{notice.pk}.pdf")
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"


def test_my_tasks_say_the_days_left_due_today_and_overdue(client, on):
    """Each row's words, worked out in the view: days left, due today on the last day, then days
    overdue; the link goes to the case and the due date is shown as a date."""
    on(2026, 3, 2)
    case = s.accept(actor=user("clerk"), case=window_case())
    step = case.steps.get()
    due = step.due_on

    def row():
        page = login(client, "reviewer").get("/staff/tasks/").content.decode()
        assert f'<a href="/staff/cases/{case.number}/">{case.number}</a>' in page and due.isoformat() in page
        return page
    assert "个工作日" in row() and "剩余" in row()
    on(due.year, due.month, due.day)
    assert "今天到期" in row()
    # A step due on a Friday, read on the Saturday: no longer today, and not yet a working day over.
    case.steps.filter(pk=step.pk).update(due_on=datetime.date(2026, 3, 6))
    on(2026, 3, 7)
    page = login(client, "reviewer").get("/staff/tasks/").content.decode()
    assert "今天到期" not in page and "剩余 0 个工作日" in page
    case.steps.filter(pk=step.pk).update(due_on=due)
    later = current_calendar().add_workdays(due, 2)
    on(later.year, later.month, later.day)
    assert "已超期 2 个工作日" in row()


def test_queue_for_leaders_with_reassignment(client, on):
    on(2026, 3, 2)
    case = s.accept(actor=user("clerk"), case=window_case())
    assert login(client, "reviewer").get("/staff/queue/").status_code == 403
    c = login(client, "depthead")
    assert case.number in c.get("/staff/queue/").content.decode()
    step = case.steps.get()
    second_reviewer()
    page = c.get("/staff/queue/").content.decode()
    # Only those who may do the step are offered, its holder first and chosen.
    assert '<option value="reviewer" selected>' in page and "reviewer2" in page and 'value="handler"' not in page
    # The form the page shows: its address and token, posted as a browser would (CSRF checked).
    action = f"/staff/cases/{case.number}/steps/{step.pk}/reassign/"
    form = page[page.index(f'action="{action}"'):]
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form[:form.index("</form>")]).group(1)
    browser = Client(enforce_csrf_checks=True)
    browser.cookies = c.cookies
    r = browser.post(action, {"assignee": "reviewer2", "reason": "出差", "csrfmiddlewaretoken": token}, follow=True)
    step.refresh_from_db()
    assert step.assignee.username == "reviewer2" and "已改派给孙悦" in r.content.decode()


def test_pages_refuse_whoever_may_not(client, on):
    on(2026, 3, 2)
    case = window_case()
    assert client.get(f"/staff/cases/{case.number}/").status_code == 302  # to the login page
    assert login(client, "clerk_sj").get(f"/staff/cases/{case.number}/").status_code == 404
    assert login(client, "reviewer").get("/staff/window/").status_code == 403
    r = login(client, "reviewer").post(f"/staff/cases/{case.number}/act/accept/", {})
    assert r.status_code == 403
    case.refresh_from_db()
    assert case.state == "submitted"


def test_case_page_offers_only_what_the_viewer_may_do(client, on):
    on(2026, 3, 2)
    case = window_case()
    assert 'id="accept"' in login(client, "clerk").get(f"/staff/cases/{case.number}/").content.decode()
    page = login(client, "reviewer").get(f"/staff/cases/{case.number}/").content.decode()
    assert 'id="accept"' not in page and "/act/refuse/" not in page


def test_window_item_choices_in_one_query(client, django_assert_max_num_queries):
    c = login(client, "clerk")
    with django_assert_max_num_queries(10):  # session, user, staff, window, groups, items, open cases …
        page = c.get("/staff/window/").content.decode()
    assert "建筑工程施工许可证核发" in page


def test_the_case_page_says_what_was_done_and_offers_a_decision_only_when_one_can_be_taken(client, on):
    on(2026, 3, 2)
    case = window_case()
    c = login(client, "clerk")
    r = c.post(f"/staff/cases/{case.number}/act/accept/", {"version": case.row_version}, follow=True)
    page = r.content.decode()
    assert "已受理，已出具受理通知书。" in page and "版本" not in page and "李敏" in page  # the clerk's name, not "clerk"
    c = login(client, "approver")
    assert "/act/decide/" not in c.get(f"/staff/cases/{case.number}/").content.decode()  # the review is still open
    for _ in range(2):
        step = case.steps.filter(status="open").first()
        s.complete_step(actor=step.assignee, case=case, step_id=step.pk, outcome="pass", opinion="同意")
    assert "/act/decide/" in c.get(f"/staff/cases/{case.number}/").content.decode()


def test_task_lists_come_a_page_at_a_time(client, on, django_assert_max_num_queries):
    """A reviewer with thousands of open steps (a province's load) gets the 50 most urgent at
    once and the count, in a bounded number of queries; the department queue the same."""
    from shenpi.cases.models import StepTask
    from shenpi.staff.case_views import TASKS_PER_PAGE
    on(2026, 3, 2)
    case = s.accept(actor=user("clerk"), case=window_case())
    step = case.steps.get(status="open")
    copies = []
    for i in range(TASKS_PER_PAGE + 10):
        step.pk = None
        step.name = f"审核 {i}"
        copies.append(StepTask(**{f.attname: getattr(step, f.attname) for f in StepTask._meta.concrete_fields}))
    # An open step of a case that is not being handled (received, not accepted) is neither
    # listed nor counted: the count asks each step's case by itself, the list joins them.
    stray = window_case()
    copies.append(StepTask(**{**{f.attname: getattr(step, f.attname) for f in StepTask._meta.concrete_fields},
                              "case_id": stray.pk, "name": "不应计入"}))
    StepTask.objects.bulk_create(copies)
    client.force_login(user(step.assignee.username))
    with django_assert_max_num_queries(25):
        first = client.get("/staff/tasks/").content.decode()
    assert first.count(f"/staff/cases/{case.number}/") >= TASKS_PER_PAGE and "共 61 个待办环节" in first
    assert stray.number not in first
    second = client.get("/staff/tasks/?page=2").content.decode()
    assert "审核 59" in second and "审核 0<" not in second
    assert client.get("/staff/tasks/?page=nonsense").status_code == 200
    client.force_login(user("depthead"))
    with django_assert_max_num_queries(30):
        queue = client.get("/staff/queue/").content.decode()
    assert "共 61 个待办环节" in queue
    # A queue longer than the count's cap says "more than" and counts no further.
    import shenpi.staff.case_views as views
    views.TASKS_COUNTED, before = 60, views.TASKS_COUNTED
    try:
        capped = client.get("/staff/queue/").content.decode()
    finally:
        views.TASKS_COUNTED = before
    assert "待办环节超过 60 个" in capped and "共 61 个" not in capped


def test_many_cases_of_one_applicant_and_a_search_by_whole_number(client, on):
    """A company with many applications gets its cases 50 to a page, newest first; a whole case
    number is found through its index, in any case, and a part of one still finds it."""
    from django.contrib.auth import get_user_model

    from shenpi.cases import services as s
    on(2026, 3, 2)
    company = get_user_model().objects.create_user("13700137000", password="x-Secret-9")
    made = [s.submit(actor=company, item=item("建筑工程施工许可证核发"), channel="online", **applicant()).number
            for _ in range(53)]
    client.force_login(company)
    first, second = client.get("/my/").content.decode(), client.get("/my/?page=2").content.decode()
    assert made[-1] in first and made[2] not in first and "1 / 2" in first
    assert [n for n in made if n in second] == made[:3]
    client.force_login(user("supervisor"))
    for q in (made[7], made[7].lower(), made[7][2:]):
        page = client.get("/staff/search/", {"q": q}).content.decode()
        assert made[7] in page and made[8] not in page, q


def test_the_search_counts_no_further_than_its_cap(client, on, monkeypatch):
    """Past the cap the search says there are more and asks for a narrower one, instead of
    counting millions of cases on every page."""
    from shenpi.cases import services as s
    from shenpi.staff.paging import CappedPaginator
    on(2026, 3, 2)
    for _ in range(4):
        s.submit(actor=user("clerk"), item=item("建筑工程施工许可证核发"), channel="window", **applicant())
    client.force_login(user("supervisor"))
    assert "4 件" in client.get("/staff/search/").content.decode()
    real = CappedPaginator.__init__
    monkeypatch.setattr(CappedPaginator, "__init__", lambda self, *a, **k: real(self, *a, **{**k, "cap": 3}))
    page = client.get("/staff/search/").content.decode()
    assert "超过 3 件" in page and "4 件" not in page
