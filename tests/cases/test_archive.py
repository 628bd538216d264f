"""Archiving (issue 16, item 4): a case delivered more than SHENPI_ARCHIVE_AFTER_DAYS ago has
its notices, sent messages and history moved into its archive document; it still reads the
same on the case page, by the lookup, on the applicant's page and through the API, with its
PDFs. A case a supervision finding points at keeps its history where the finding finds it."""

import datetime
import json
import os
import re
import subprocess
import sys

from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone

from shenpi.audit.models import AuditEntry
from shenpi.audit.services import first_broken_entry
from shenpi.cases import archive as archive_module
from shenpi.cases import services as s
from shenpi.cases.models import ArchiveDictionary, Case, CaseArchive, CaseEvent, Notice, Outbox
from shenpi.cases.tasks import archive_delivered_cases
from shenpi.supervision.models import Finding
from tests.conftest import api

from .conftest import applicant, complete, item, user

FILING = "房屋建筑和市政基础设施工程竣工验收备案"  # 即办件


def delivered():
    case = s.submit(actor=user("clerk"), item=item(FILING), channel="window", paper_materials=complete(FILING),
                    **applicant())
    case = s.decide(actor=user("clerk"), case=case, decision="approve", licence_number="备2026-0001")
    return s.deliver(actor=user("clerk"), case=case, method="窗口领取")


def test_a_case_delivered_years_ago_is_archived_and_reads_as_before(demo, on, settings, monkeypatch):
    on(2026, 3, 3)
    old = delivered()
    Outbox.objects.filter(case=old).exclude(pk=Outbox.objects.filter(case=old).order_by("pk").first().pk).update(
        sent_at=timezone.now())  # the gateway sent all but the first
    on(2029, 2, 26)
    recent = delivered()
    titles = [n.title for n in old.notice_list()]
    issued = [(n.pk, n.kind, n.number, n.title, n.body, n.issued_at) for n in old.notice_list()]
    ids = sorted(n.pk for n in old.notice_list())
    staff_before = Client()
    staff_before.force_login(user("clerk"))
    page_before = staff_before.get(f"/staff/cases/{old.number}/").content.decode()
    api_before = api(user("clerk")).get(f"/api/v1/cases/{old.number}/").json()
    history = list(CaseEvent.objects.filter(case=old).order_by("seq").values_list("pk", "seq", "action", "at"))
    labels = [e.get_action_label() for e in CaseEvent.objects.filter(case=old).order_by("seq")]
    me = get_user_model().objects.create_user("13900007777", password="x-Secret-9")
    Case.objects.filter(pk=old.pk).update(applicant_user=me)
    mine = Client()
    mine.force_login(me)
    my_before = mine.get(f"/my/{old.number}/").content.decode()
    assert len(history) >= 3 and my_before.count("<li>") > 0
    unsent = Outbox.objects.filter(case=old, sent_at__isnull=True).count()
    assert len(ids) >= 2 and unsent == 1

    settings.SHENPI_ARCHIVE_AFTER_DAYS = 0
    assert archive_delivered_cases().done == 0  # 0: never
    settings.SHENPI_ARCHIVE_AFTER_DAYS = 90
    on(2029, 3, 5)  # the old case was delivered years before; the recent one days ago
    monkeypatch.setattr(archive_module, "DICTIONARY_SAMPLE", 4)  # learn the dictionary from the one case due
    assert archive_delivered_cases().done == 1
    assert archive_delivered_cases().done == 0  # once
    old = Case.objects.get(pk=old.pk)
    archive = CaseArchive.objects.get(case=old)
    # One deflated document, made with the dictionary learnt from the cases due, which keeps
    # the wording and none of the digits (phones, ID numbers).
    dictionary = ArchiveDictionary.objects.get()
    assert archive.dictionary == dictionary and not re.search(r"[1-9]", bytes(dictionary.data).decode(errors="ignore"))
    assert "受理" in bytes(dictionary.data).decode(errors="ignore")
    assert len(bytes(archive.document)) * 4 < len(json.dumps(archive.content, ensure_ascii=False).encode())
    assert [(n.pk, n.kind, n.number, n.title, n.body, n.issued_at) for n in old.notice_list()] == issued
    assert old.archived and not Case.objects.get(pk=recent.pk).archived
    assert not Notice.objects.filter(case=old).exists() and sorted(n["id"] for n in archive.notices) == ids
    assert Outbox.objects.filter(case=old).count() == unsent  # unsent messages stay for the worker
    assert len(archive.messages) >= 1 and all(m["sent_at"] for m in archive.messages)
    assert not CaseEvent.objects.filter(case=old).exists()  # the history moved, to the microsecond
    assert [(e.pk, e.seq, e.action, e.at) for e in old.event_list()] == history

    # The case page, the API, the lookup and the PDFs, as before.
    staff = Client()
    staff.force_login(user("clerk"))
    page = staff.get(f"/staff/cases/{old.number}/").content.decode()
    assert all(t in page for t in titles) and 'id="archived"' in page and 'id="archived"' not in page_before
    assert page.count('class="notice-open"') == page_before.count('class="notice-open"')
    assert page.count('<li id="event-') == page_before.count('<li id="event-') == len(history)
    after = api(user("clerk")).get(f"/api/v1/cases/{old.number}/").json()
    assert after["notices"] == api_before["notices"] and after["events"] == api_before["events"]
    assert len(after["events"]) == len(history) and after["events"][0]["actor"]
    my_page = mine.get(f"/my/{old.number}/").content.decode()
    assert all(label in my_page for label in labels) and my_page.count("<li>") == my_before.count("<li>")
    for notice_id in ids:
        pdf = staff.get(f"/staff/cases/{old.number}/notices/{notice_id}.pdf")
        assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
        assert api(user("clerk")).get(f"/api/v1/cases/{old.number}/notices/{notice_id}/pdf/").status_code == 200
    assert staff.get(f"/staff/cases/{old.number}/notices/{ids[-1] + 1000}.pdf").status_code == 404
    public = Client()
    looked = public.get("/lookup/", {"number": old.number, "code": old.query_code}).content.decode()
    assert all(t in looked for t in titles) and all(label in looked for label in labels)
    pdf = public.get(f"/lookup/notices/{ids[0]}.pdf", {"number": old.number, "code": old.query_code})
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert public.get(f"/lookup/notices/{ids[0]}.pdf", {"number": old.number, "code": "WRONGCOD"}).status_code == 404
    # Recorded, and the chain holds.
    assert AuditEntry.objects.filter(action="case.archive", object_id=str(old.pk)).count() == 1
    assert first_broken_entry() is None


def test_a_case_a_finding_points_at_keeps_its_history(demo, on, settings):
    on(2026, 3, 3)
    case = delivered()
    event = CaseEvent.objects.filter(case=case, action="decide").get()
    Finding.objects.create(case=case, event=event, rule="decided-off-hours", category="process", severity="notice",
                           detail="下班时间作出决定")
    on(2029, 3, 5)
    assert archive_delivered_cases().done == 1
    case = Case.objects.get(pk=case.pk)
    assert case.archived and CaseArchive.objects.get(case=case).events == []
    assert not Notice.objects.filter(case=case).exists()  # the notices moved all the same
    assert CaseEvent.objects.filter(case=case).count() == len(case.event_list()) >= 3
    assert Finding.objects.get(case=case).event_id == event.pk
    staff = Client()
    staff.force_login(user("supervisor"))
    page = staff.get(f"/staff/cases/{case.number}/")
    assert page.status_code == 200 and f'id="event-{event.seq}"' in page.content.decode()


def test_a_case_is_archived_the_day_after_its_ninetieth_and_the_years_setting_is_still_read(demo, on):
    on(2026, 3, 3)
    case = delivered()
    assert case.delivered_on == datetime.date(2026, 3, 3)
    on(2026, 6, 1)  # 90 days after: not yet
    assert archive_delivered_cases().done == 0
    on(2026, 6, 2)
    assert archive_delivered_cases().done == 1 and Case.objects.get(pk=case.pk).archived
    # SHENPI_ARCHIVE_AFTER_YEARS, the setting before, still counts when it is set.
    out = subprocess.run([sys.executable, "-c", "from django.conf import settings; import django; django.setup(); "
                          "print(settings.SHENPI_ARCHIVE_AFTER_DAYS)"], capture_output=True, text=True, check=True,
                         env={**os.environ, "DJANGO_SETTINGS_MODULE": "shenpi.config.settings",
                              "SHENPI_ARCHIVE_AFTER_YEARS": "2"}).stdout.split()
    assert out[-1] == "730"
