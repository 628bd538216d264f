"""Openness (issue 17, H1): the public results page (办结公示) and its API show completed cases
with the applicant masked and nothing of the items set not to publish; the statistics page's
figures are the centre's own counts; odd query values are not errors."""

import io

import pytest
from django.core.management import call_command
from django.db.models import F, Q
from django.test import Client
from django.utils import timezone

from shenpi.cases.identity import mask_name
from shenpi.cases.models import Case
from shenpi.catalog import services as catalog
from tests.cases.conftest import user

pytestmark = pytest.mark.django_db


@pytest.fixture
def living(db):
    call_command("demo-data", "--cases", stdout=io.StringIO())


def test_mask_never_shows_a_whole_name():
    assert mask_name("王芳", "person") == "王*"
    assert mask_name("欧阳明月", "person") == "欧***"
    assert mask_name("衡阳市湘江置业有限公司", "organisation") == "衡阳市******公司"
    assert mask_name("某公司", "organisation") == "某**"
    assert mask_name("", "person") == ""


def test_results_show_no_applicant_name_or_id_and_nothing_not_published(living):
    decided = list(Case.objects.filter(decided_on__isnull=False, decision__in=("approve", "deny"))
                   .select_related("item", "version"))
    assert len(decided) >= 5, len(decided)
    hidden = decided[0].item
    catalog.set_publish_results(actor=user("admin"), item=hidden, publish=False)
    html = "".join(Client().get("/results/", {"page": n}).content.decode() for n in (1, 2, 3))
    api = Client().get("/api/v1/public/results/").json()
    assert api["results"], api
    for case in decided:
        for shown in (html, str(api)):
            assert case.applicant_name not in shown, case.applicant_name
            assert case.applicant_id not in shown and case.applicant_phone not in shown, case.number
        if case.item_id == hidden.pk:
            assert case.number not in html and case.number not in str(api), case.number
        else:
            assert case.number in html, case.number
            assert mask_name(case.applicant_name, case.applicant_type) in html
    assert "办结公示" in html and "准予许可" in html


def test_statistics_are_the_centre_s_counts(living):
    today = timezone.localdate()
    start = today.replace(month=1, day=1)
    received = Case.objects.filter(received_on__gte=start, received_on__lte=today).count()
    decided = Case.objects.filter(decided_on__gte=start, decided_on__lte=today)
    on_time = decided.filter(Q(promised_due__isnull=True) | Q(decided_on__lte=F("promised_due"))).count()
    f = Client().get("/api/v1/public/statistics/").json()
    assert (f["received"], f["completed"]) == (received, decided.count()), f
    assert f["on_time_rate"] == round(100 * on_time / decided.count(), 1)
    assert sum(d["received"] for d in f["departments"]) == received
    assert sum(m["received"] for m in f["months"]) == received
    assert sum(m["completed"] for m in f["months"]) == decided.count()
    page = Client().get("/statistics/").content.decode()
    assert f"{f['on_time_rate']}%" in page and "按月统计" in page


def test_odd_queries_answer_a_page(living):
    for query in ("page=abc", "page=-1", "page=99999999999999999999", "page=999999999999999999", "department=x",
                  "department=0", "department=999999", "page=2&department=-3"):
        assert Client().get(f"/results/?{query}").status_code == 200, query
        assert Client().get(f"/api/v1/public/results/?{query}").status_code == 200, query
