"""Construction projects (issue 14, D3): the centre registers a project, links the builder's
cases from every department, and the timeline shows where each stands and who holds it; the
builder sees the whole project and nothing of other builders'."""

import pytest
from django.contrib.auth import get_user_model

from shenpi.audit.models import AuditEntry
from shenpi.cases import services as s
from shenpi.joint.models import Project, ProjectCase
from tests.cases.conftest import ORG_ID, applicant, complete, item, user

pytestmark = pytest.mark.usefixtures("demo")
BODY = {"code": "2026-430408-47-01-000123", "name": "蒸湘区华新商业综合体", "builder_name": "衡阳市城建开发有限公司",
        "builder_id": ORG_ID, "site": "衡阳市蒸湘区华新大道", "investment": "38500.00"}


def builder_case(name, account=None, applicant_id=ORG_ID):
    c = s.submit(actor=user("clerk"), item=item(name), channel="window", paper_materials=complete(name),
                 **applicant(applicant_type="organisation", applicant_name="衡阳市城建开发有限公司", applicant_id=applicant_id))
    if account is not None:
        type(c).objects.filter(pk=c.pk).update(applicant_user=account)
    return c


def test_a_project_links_the_builders_cases_and_shows_its_timeline(client, on):
    on(2026, 3, 2)
    builder = get_user_model().objects.create_user("13900003333", password="x-Secret-9")
    permit = builder_case("建筑工程施工许可证核发", builder)
    s.accept(actor=user("clerk"), case=permit)
    filing = builder_case("房屋建筑和市政基础设施工程竣工验收备案")
    client.force_login(user("clerk"))
    r = client.post("/staff/projects/", BODY)
    project = Project.objects.get()
    assert r.status_code == 302 and project.investment == 38500
    for c in (permit, filing):
        assert client.post(f"/staff/projects/{project.code}/", {"number": c.number}).status_code == 302
    assert ProjectCase.objects.count() == 2
    page = client.get(f"/staff/projects/{project.code}/").content.decode()
    assert permit.number in page and filing.number in page and "赵磊" in page  # the reviewer holds the permit
    assert AuditEntry.objects.filter(action__startswith="joint.project").count() == 3
    # The builder sees the whole project, their other cases included, from the portal.
    client.force_login(builder)
    assert project.code in client.get("/my/").content.decode()
    mine = client.get(f"/my/projects/{project.code}/").content.decode()
    assert permit.number in mine and filing.number in mine
    assert f'href="/my/{permit.number}/"' in mine and f'href="/my/{filing.number}/"' not in mine


def test_what_is_refused(client, on):
    on(2026, 3, 2)
    other = get_user_model().objects.create_user("13900004444", password="x-Secret-9")
    client.force_login(user("reviewer"))  # not a window: may not register
    assert client.post("/staff/projects/", BODY).status_code == 403
    client.force_login(user("clerk"))
    for bad in ({"builder_id": "123"}, {"code": ""}, {"investment": "-1"}, {"investment": "abc"}):
        r = client.post("/staff/projects/", {**BODY, **bad})
        assert r.status_code == 200 and 'role="alert"' in r.content.decode(), bad
    assert not Project.objects.exists()
    client.post("/staff/projects/", BODY)
    assert client.post("/staff/projects/", BODY).status_code == 200 and Project.objects.count() == 1  # the code once
    project = Project.objects.get()
    stranger = s.submit(actor=user("clerk"), item=item("房屋建筑和市政基础设施工程竣工验收备案"), channel="window",
                        paper_materials=complete("房屋建筑和市政基础设施工程竣工验收备案"), **applicant())
    client.post(f"/staff/projects/{project.code}/", {"number": stranger.number})  # another applicant: a message
    client.post(f"/staff/projects/{project.code}/", {"number": "NOPE"})
    assert not ProjectCase.objects.exists()
    # Another builder's account sees nothing of this project.
    client.force_login(other)
    assert client.get(f"/my/projects/{project.code}/").status_code == 404
    assert project.code not in client.get("/my/").content.decode()
    client.logout()
    assert client.get(f"/my/projects/{project.code}/").status_code == 302
    assert client.get("/staff/projects/").status_code == 302
