"""One action table (cases/actions.py) for the API and the staff pages: the same input rules,
the same refusals, whichever door the action came through."""

import pytest

from shenpi.cases.actions import ACTIONS, STEP_ACTIONS
from shenpi.cases.lifecycle import TRANSITIONS, Who

from .conftest import user, window_case

pytestmark = pytest.mark.usefixtures("demo")


def login(client, name):
    client.force_login(user(name))
    return client


def test_every_action_a_person_takes_is_in_the_table():
    by_people = {a for a, t in TRANSITIONS.items() if Who.SYSTEM not in t.who}
    # submit has its own form and endpoint (it makes the case); reassign picks a colleague.
    assert by_people - {"submit", "reassign"} == set(ACTIONS) | set(STEP_ACTIONS)


def test_a_bad_number_on_a_staff_form_is_a_chinese_message_naming_the_field_and_changes_nothing(client, on):
    on(2026, 3, 2)
    case = window_case()
    c = login(client, "clerk")
    c.post(f"/staff/cases/{case.number}/act/accept/", {"version": case.row_version})
    case.refresh_from_db()
    before = (case.state, case.row_version)
    r = login(client, "approver").post(f"/staff/cases/{case.number}/act/suspend/",
                                       {"kind": "听证", "reason": "听证", "expected_days": "²",
                                        "version": case.row_version}, follow=True)
    page = r.content.decode()
    assert r.status_code == 200 and "预计工作日：" in page
    case.refresh_from_db()
    assert (case.state, case.row_version) == before
    r = client.post(f"/staff/cases/{case.number}/act/suspend/",
                    {"kind": "喝茶", "reason": "x", "expected_days": "3", "version": "²"}, follow=True)
    page = r.content.decode()
    assert "特别程序种类：" in page and "案件版本：" in page
    case.refresh_from_db()
    assert (case.state, case.row_version) == before


def test_the_api_and_the_page_refuse_the_same_input_for_the_same_reason(client, on):
    """The same table parses both: a suspension of 400 days is refused by both, on the same field."""
    on(2026, 3, 2)
    case = window_case()
    login(client, "clerk").post(f"/staff/cases/{case.number}/act/accept/", {"version": case.row_version})
    body = {"kind": "听证", "reason": "听证", "expected_days": 400}
    api = login(client, "approver").post(f"/api/v1/cases/{case.number}/suspend/", body,
                                         content_type="application/json", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert api.status_code == 400 and list(api.json()) == ["expected_days"]
    reason = api.json()["expected_days"][0]
    page = client.post(f"/staff/cases/{case.number}/act/suspend/", body, follow=True).content.decode()
    assert f"预计工作日：{reason}" in page
