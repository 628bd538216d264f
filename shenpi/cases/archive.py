"""Archiving (issue 16, item 4): a case delivered more than SHENPI_ARCHIVE_AFTER_YEARS years
ago has its written notices and its sent messages moved out of the working tables into one
CaseArchive document per case (compressed by PostgreSQL as one value), so the tables the
centre works in every day hold the recent years only. The case row, its steps and events stay:
supervision's cards and findings, joint inspection results, ratings and complaints refer to
them. Every reader of notices goes through `notices_of` and `notice_of`, so an archived case
reads on the case page, by the lookup, on the applicant's page and through the API as before,
and its PDFs are drawn from the same text.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from shenpi.audit.services import record

from .lifecycle import State
from .models import Case, CaseArchive, Notice, Outbox

NOTICE_FIELDS = ("id", "kind", "number", "title", "body", "issued_at")
MESSAGE_FIELDS = ("id", "phone", "body", "created_at", "sent_at", "attempts")


def cutoff(on: datetime.date) -> datetime.date | None:
    """Cases delivered before this day are archived; None when archiving is off (0 years)."""
    years = settings.SHENPI_ARCHIVE_AFTER_YEARS
    if years <= 0:
        return None
    return datetime.date(on.year - years, on.month, min(on.day, 28))


def due(on: datetime.date, limit: int) -> list[tuple[int, str]]:
    before = cutoff(on)
    if before is None:
        return []
    return list(Case.objects.filter(state=State.DELIVERED, archived=False, delivered_on__lt=before)
                .order_by("delivered_on").values_list("pk", "number")[:limit])


def _exact(row: dict) -> dict:
    """Instants to the microsecond (JSON's encoder would keep milliseconds)."""
    return {k: v.isoformat() if isinstance(v, datetime.datetime) else v for k, v in row.items()}


@transaction.atomic
def archive_case(*, case_pk: int, on: datetime.date) -> bool:
    """Move one delivered case's notices and sent messages into its archive; False when it is
    not (or no longer) due. Unsent messages stay where the worker sends them."""
    before = cutoff(on)
    if before is None:
        return False
    case = Case.objects.select_for_update().filter(pk=case_pk, state=State.DELIVERED, archived=False).first()
    if case is None or case.delivered_on is None or case.delivered_on >= before:
        return False
    notices = [_exact(row) for row in Notice.objects.filter(case=case).order_by("issued_at", "pk").values(*NOTICE_FIELDS)]
    sent = Outbox.objects.filter(case=case, sent_at__isnull=False)
    messages = [_exact(row) for row in sent.order_by("created_at", "pk").values(*MESSAGE_FIELDS)]
    CaseArchive.objects.create(case=case, archived_at=timezone.now(), notices=notices, messages=messages)
    Notice.objects.filter(case=case).delete()
    sent.delete()
    Case.objects.filter(pk=case.pk).update(archived=True)
    record(actor=None, action="case.archive", obj=case,
           after={"notices": len(notices), "messages": len(messages), "delivered_on": case.delivered_on.isoformat()})
    return True


def notices_of(case: Case) -> list[Notice]:
    """The case's notices as issued, oldest first, wherever they are kept."""
    if not case.archived:
        return list(case.notices.all())
    archive = CaseArchive.objects.filter(case_id=case.pk).first()
    return [Notice(case=case, **{**row, "issued_at": parse_datetime(row["issued_at"])})
            for row in (archive.notices if archive else [])]


def notice_of(case: Case, notice_id: int) -> Notice | None:
    if not case.archived:
        return case.notices.filter(pk=notice_id).first()
    return next((n for n in notices_of(case) if n.pk == notice_id), None)
