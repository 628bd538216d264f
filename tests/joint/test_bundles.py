"""一件事一次办 (issue 14, D4): a bundle of three items across departments applied for once on
the portal makes three cases sharing the materials, each accepted by its own department; the
applicant and the centre follow them on one page; a refused application leaves nothing."""

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile

from shenpi.cases import services as s
from shenpi.cases.models import Case, CaseMaterial
from shenpi.joint import bundles
from shenpi.joint.models import Bundle, BundleApplication
from tests.cases.conftest import ORG_ID, user

pytestmark = pytest.mark.usefixtures("demo")
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def form(**over):
    data = {"applicant_type": "organisation", "applicant_name": "衡阳湘味餐饮有限公司", "applicant_id": ORG_ID,
            "applicant_phone": "13800138000"}
    data.update(over)
    return data


def files(bundle):
    return {f"material-{i}": SimpleUploadedFile(f"{m.name}.pdf", PDF, content_type="application/pdf")
            for i, m in enumerate(bundles.shared_materials(bundle))}


def test_one_application_makes_three_cases_sharing_the_materials(client, on, media):
    on(2026, 3, 2)
    bundle = Bundle.objects.get(code="kaiban-canyin")
    shared = bundles.shared_materials(bundle)
    assert any(len(m.items) > 1 for m in shared)  # some material is asked by more than one item
    me = get_user_model().objects.create_user("13800001111", password="x-Secret-9")
    client.force_login(me)
    assert "一件事一次办" in client.get("/").content.decode()
    page = client.get("/bundles/kaiban-canyin/").content.decode()
    assert page.count('type="file"') == len(shared) < sum(len(m.items) for m in shared)
    r = client.post("/bundles/kaiban-canyin/", {**form(), **files(bundle)})
    application = BundleApplication.objects.get()
    assert r.status_code == 302 and r["Location"] == f"/my/bundles/{application.pk}/"
    cases = list(application.cases.select_related("department", "version").order_by("pk"))
    assert len(cases) == 3 and len({c.department_id for c in cases}) == 2
    for c in cases:  # each case got exactly the materials its item asks for
        asked = set(c.version.materials.values_list("name", flat=True))
        assert set(CaseMaterial.objects.filter(case=c).values_list("name", flat=True)) == asked & {m.name for m in shared}
    combined = client.get(f"/my/bundles/{application.pk}/").content.decode()
    assert all(c.number in combined for c in cases)
    # Each accepted by its own department's window.
    clerks = {"市市场监管局": "clerk_sj", "市消防救援支队": "clerk_xf"}
    for c in cases:
        s.accept(actor=user(clerks[c.department.short_name]), case=Case.objects.get(pk=c.pk))
    assert set(Case.objects.filter(pk__in=[c.pk for c in cases]).values_list("state", flat=True)) <= {"accepted",
                                                                                                     "approved"}
    # Nobody else sees the application.
    client.force_login(get_user_model().objects.create_user("13800002222", password="x-Secret-9"))
    assert client.get(f"/my/bundles/{application.pk}/").status_code == 404


def test_a_refused_application_leaves_nothing(client, on, media):
    on(2026, 3, 2)
    bundle = Bundle.objects.get(code="kaiban-canyin")
    client.force_login(get_user_model().objects.create_user("13800003333", password="x-Secret-9"))
    r = client.post("/bundles/kaiban-canyin/", {**form(applicant_id="123"), **files(bundle)})
    assert r.status_code == 200 and 'role="alert"' in r.content.decode()
    assert not BundleApplication.objects.exists() and not Case.objects.exists()
    assert not CaseMaterial.objects.exists() and not any(media.rglob("*.pdf"))
    assert client.get("/bundles/no-such-bundle/").status_code == 404
    client.logout()
    assert client.get("/bundles/kaiban-canyin/").status_code == 302  # to the login
    assert client.post("/bundles/kaiban-canyin/", {**form(), **files(bundle)}).status_code == 302
    assert not BundleApplication.objects.exists()


def test_the_centre_sees_the_application_through_its_cases(client, on, media):
    on(2026, 3, 2)
    bundle = Bundle.objects.get(code="kaiban-canyin")
    client.force_login(get_user_model().objects.create_user("13800004444", password="x-Secret-9"))
    client.post("/bundles/kaiban-canyin/", {**form(), **files(bundle)})
    application = BundleApplication.objects.get()
    url = f"/staff/bundles/{application.pk}/"
    fire = application.cases.get(department__short_name="市消防救援支队")
    for who in ("supervisor", "clerk_sj", "clerk_xf"):
        client.force_login(user(who))
        page = client.get(url).content.decode()
        assert all(c.number in page for c in application.cases.all()), who
    assert f'href="{url}"' in client.get(f"/staff/cases/{fire.number}/").content.decode()  # clerk_xf's own case
    client.force_login(user("clerk_fg"))  # a window with none of its items
    assert client.get(url).status_code == 403
