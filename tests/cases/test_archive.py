"""Archiving (issue 16, item 4): a case delivered more than SHENPI_ARCHIVE_AFTER_YEARS ago has
its notices and sent messages moved into its archive document; it still reads the same on the
case page, by the lookup and through the API, with its PDFs."""

from django.test import Client
from django.utils import timezone

from shenpi.audit.models import AuditEntry
from shenpi.audit.services import first_broken_entry
from shenpi.cases import services as s
from shenpi.cases.models import Case, CaseArchive, Notice, Outbox
from shenpi.cases.tasks import archive_delivered_cases
from tests.conftest import api

from .conftest import applicant, complete, item, user

FILING = "房屋建筑和市政基础设施工程竣工验收备案"  # 即办件


def delivered():
    case = s.submit(actor=user("clerk"), item=item(FILING), channel="window", paper_materials=complete(FILING),
                    **applicant())
    case = s.decide(actor=user("clerk"), case=case, decision="approve", licence_number="备2026-0001")
    return s.deliver(actor=user("clerk"), case=case, method="窗口领取")


def test_a_case_delivered_years_ago_is_archived_and_reads_as_before(demo, on, settings):
    on(2026, 3, 3)
    old = delivered()
    Outbox.objects.filter(case=old).exclude(pk=Outbox.objects.filter(case=old).order_by("pk").first().pk).update(
        sent_at=timezone.now())  # the gateway sent all but the first
    on(2029, 2, 26)
    recent = delivered()
    titles = [n.title for n in old.notice_list()]
    ids = sorted(n.pk for n in old.notice_list())
    staff_before = Client()
    staff_before.force_login(user("clerk"))
    page_before = staff_before.get(f"/staff/cases/{old.number}/").content.decode()
    api_before = api(user("clerk")).get(f"/api/v1/cases/{old.number}/").json()["notices"]
    unsent = Outbox.objects.filter(case=old, sent_at__isnull=True).count()
    assert len(ids) >= 2 and unsent == 1

    settings.SHENPI_ARCHIVE_AFTER_YEARS = 0
    assert archive_delivered_cases().done == 0  # 0: never
    settings.SHENPI_ARCHIVE_AFTER_YEARS = 3
    on(2029, 3, 5)  # the old case was delivered more than 3 years before; the recent one days ago
    assert archive_delivered_cases().done == 1
    assert archive_delivered_cases().done == 0  # once
    old = Case.objects.get(pk=old.pk)
    archive = CaseArchive.objects.get(case=old)
    assert old.archived and not Case.objects.get(pk=recent.pk).archived
    assert not Notice.objects.filter(case=old).exists() and sorted(n["id"] for n in archive.notices) == ids
    assert Outbox.objects.filter(case=old).count() == unsent  # unsent messages stay for the worker
    assert len(archive.messages) >= 1 and all(m["sent_at"] for m in archive.messages)

    # The case page, the API, the lookup and the PDFs, as before.
    staff = Client()
    staff.force_login(user("clerk"))
    page = staff.get(f"/staff/cases/{old.number}/").content.decode()
    assert all(t in page for t in titles)
    assert page.count('class="notice-open"') == page_before.count('class="notice-open"')
    assert api(user("clerk")).get(f"/api/v1/cases/{old.number}/").json()["notices"] == api_before
    for notice_id in ids:
        pdf = staff.get(f"/staff/cases/{old.number}/notices/{notice_id}.pdf")
        assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
        assert api(user("clerk")).get(f"/api/v1/cases/{old.number}/notices/{notice_id}/pdf/").status_code == 200
    assert staff.get(f"/staff/cases/{old.number}/notices/{ids[-1] + 1000}.pdf").status_code == 404
    public = Client()
    looked = public.get("/lookup/", {"number": old.number, "code": old.query_code}).content.decode()
    assert all(t in looked for t in titles)
    pdf = public.get(f"/lookup/notices/{ids[0]}.pdf", {"number": old.number, "code": old.query_code})
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert public.get(f"/lookup/notices/{ids[0]}.pdf", {"number": old.number, "code": "WRONGCOD"}).status_code == 404
    # Recorded, and the chain holds.
    assert AuditEntry.objects.filter(action="case.archive", object_id=str(old.pk)).count() == 1
    assert first_broken_entry() is None
