"""Archiving (issue 16, item 4): a case delivered more than SHENPI_ARCHIVE_AFTER_DAYS days ago
(90 by default) has its written notices, its sent messages and its history (the case events) moved out of
the working tables into one CaseArchive document per case, so the tables the centre works in
every day hold the recent years only.

The document is compact JSON deflated by zlib with a preset dictionary (ArchiveDictionary): the
last 32 KB of the documents of the first cases archived. Notices and messages are drawn from
the same wording case after case, so the dictionary carries most of it: a document takes about
a sixth of what PostgreSQL's own compression of the same JSON took (bench/results/
volume-archive.txt). A dictionary is never changed once made; a document names the one it
was made with, and reads back byte for byte.

What stays: the case row (numbers, dates and decision: lookup, figures and every record that
refers to a case), its steps (supervision's cards and joint inspection results point at them,
and the figures count them), its material records (uploads are downloaded by their row), and
the history of a case a supervision finding points at (the finding shows its event). Every
reader goes through `notices_of`, `notice_of` and `events_of`, so an archived case reads on
the case page, by the lookup, on the applicant's page and through the API as before, and its
PDFs are drawn from the same text.
"""

from __future__ import annotations

import datetime
import json
import re
from typing import cast

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import Model, prefetch_related_objects
from django.db.models.fields.reverse_related import ForeignObjectRel
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from shenpi.audit.services import record
from shenpi.core.packed import deflate, inflate

from .lifecycle import State
from .models import ArchiveDictionary, Case, CaseArchive, CaseEvent, Notice, Outbox

NOTICE_FIELDS = ("id", "kind", "number", "title", "body", "issued_at")
MESSAGE_FIELDS = ("id", "phone", "body", "created_at", "sent_at", "attempts")
EVENT_FIELDS = ("id", "seq", "at", "actor_id", "actor_name", "action", "from_state", "to_state", "payload")
DICTIONARY_BYTES = 32 * 1024  # zlib's window: a preset dictionary longer than this is not used
DICTIONARY_SAMPLE = 64  # cases whose documents make the dictionary


def _compact(content: dict) -> str:
    return json.dumps(content, ensure_ascii=False, separators=(",", ":"), cls=DjangoJSONEncoder)


def pack(content: dict, dictionary: ArchiveDictionary | None) -> bytes:
    return deflate(_compact(content).encode(), bytes(dictionary.data) if dictionary is not None else None)


def unpack(document: bytes, dictionary: ArchiveDictionary | None) -> dict:
    return json.loads(inflate(bytes(document), bytes(dictionary.data) if dictionary is not None else None))


def _content(case: Case) -> tuple[dict, bool]:
    """What archiving moves of the case, and whether its history moves with it."""
    notices = [_exact(row) for row in Notice.objects.filter(case=case).order_by("issued_at", "pk")
               .values(*NOTICE_FIELDS)]
    messages = [_exact(row) for row in Outbox.objects.filter(case=case, sent_at__isnull=False)
                .order_by("created_at", "pk").values(*MESSAGE_FIELDS)]
    keep_history = _events_referred_to(case)
    events = [] if keep_history else [_exact(row) for row in CaseEvent.objects.filter(case=case).order_by("seq")
                                      .values(*EVENT_FIELDS)]
    return {"notices": notices, "messages": messages, "events": events}, not keep_history


def dictionary(on: datetime.date) -> ArchiveDictionary | None:
    """The dictionary new documents are made with: the newest, or one made now from the
    documents of the cases next due (None while too few are due to learn from)."""
    newest = ArchiveDictionary.objects.order_by("-pk").first()
    if newest is not None:
        return newest
    sample = [pk for pk, _number in due(on, DICTIONARY_SAMPLE)]
    if len(sample) < DICTIONARY_SAMPLE // 4:
        return None
    text = "".join(_compact(_content(case)[0]) for case in Case.objects.filter(pk__in=sample))
    # The wording is what repeats; the digits (phones, ID and case numbers, times) are not kept.
    data = re.sub(r"\d", "0", text).encode()[-DICTIONARY_BYTES:]
    return ArchiveDictionary.objects.create(made_at=timezone.now(), data=data)


def cutoff(on: datetime.date) -> datetime.date | None:
    """Cases delivered before this day are archived; None when archiving is off (0 days)."""
    days = settings.SHENPI_ARCHIVE_AFTER_DAYS
    if days <= 0:
        return None
    return on - datetime.timedelta(days=days)


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
def archive_case(*, case_pk: int, on: datetime.date, using: ArchiveDictionary | None = None) -> bool:
    """Move one delivered case's notices, sent messages and history into its archive, deflated
    with the dictionary `using`; False when it is not (or no longer) due. Unsent messages stay
    where the worker sends them."""
    before = cutoff(on)
    if before is None:
        return False
    case = Case.objects.select_for_update().filter(pk=case_pk, state=State.DELIVERED, archived=False).first()
    if case is None or case.delivered_on is None or case.delivered_on >= before:
        return False
    content, history_moves = _content(case)
    CaseArchive.objects.create(case=case, archived_at=timezone.now(), dictionary=using,
                               document=pack(content, using))
    Notice.objects.filter(case=case).delete()
    Outbox.objects.filter(case=case, sent_at__isnull=False).delete()
    if history_moves:
        CaseEvent.objects.filter(case=case).delete()
    Case.objects.filter(pk=case.pk).update(archived=True)
    record(actor=None, action="case.archive", obj=case,
           after={"notices": len(content["notices"]), "messages": len(content["messages"]),
                  "events": len(content["events"]), "delivered_on": case.delivered_on.isoformat(),
                  "dictionary": using.pk if using else None})
    return True


def _events_referred_to(case: Case) -> bool:
    """Whether any record (a supervision finding) points at one of the case's events: then the
    history stays in the working table, where that record finds it."""
    pointers = [f for f in CaseEvent._meta.get_fields(include_hidden=True)  # related_name="+" ones too
                if isinstance(f, ForeignObjectRel) and (f.one_to_many or f.one_to_one)]
    return any(cast(type[Model], rel.related_model)._default_manager
               .filter(**{f"{rel.field.name}__case_id": case.pk}).exists() for rel in pointers)


def _archive_of(case: Case) -> CaseArchive | None:
    try:
        return case.archive  # read once per case object (with its content), then kept on it
    except CaseArchive.DoesNotExist:
        return None


def notices_of(case: Case) -> list[Notice]:
    """The case's notices as issued, oldest first, wherever they are kept."""
    if not case.archived:
        return list(case.notices.all())
    archive = _archive_of(case)
    return [Notice(case=case, **{**row, "issued_at": parse_datetime(row["issued_at"])})
            for row in (archive.notices if archive else [])]


def notice_of(case: Case, notice_id: int) -> Notice | None:
    if not case.archived:
        return case.notices.filter(pk=notice_id).first()
    return next((n for n in notices_of(case) if n.pk == notice_id), None)


def events_of(case: Case, *related: str) -> list[CaseEvent]:
    """The case's history, oldest first, wherever it is kept; `related` as select_related would
    take them (e.g. "actor__staff__window"), read in one query per relation for archived ones."""
    archive = _archive_of(case) if case.archived else None
    if archive is None or not archive.events:
        history = case.events.all()  # ordered by seq (Meta), from a prefetch if the caller made one
        return list(history.select_related(*related) if related else history)
    events = [CaseEvent(case=case, **{**row, "at": parse_datetime(row["at"])}) for row in archive.events]
    if related:
        prefetch_related_objects(events, *related)
    return events
