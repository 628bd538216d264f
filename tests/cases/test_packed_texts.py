"""Notice texts are kept packed (core.packed): read back exactly as issued, in a fraction of
the bytes, and still readable when a newer dictionary is added."""

import json

import pytest
from django.db import connection, transaction

from shenpi.cases import services as s
from shenpi.cases.models import Notice
from shenpi.cases.packing import MESSAGE_DICTIONARIES, NOTICE_DICTIONARIES
from shenpi.core.packed import PLAIN, pack, unpack

from .conftest import user, window_case

pytestmark = pytest.mark.usefixtures("demo")


def stored(notice: Notice) -> bytes:
    with connection.cursor() as cursor:
        cursor.execute("SELECT body FROM cases_notice WHERE id = %s", [notice.pk])
        return bytes(cursor.fetchone()[0])


def test_an_issued_notice_reads_back_exactly_and_takes_under_half_its_bytes(on):
    on(2026, 3, 2)
    case = s.accept(actor=user("clerk"), case=window_case())
    notice = case.notices.get(kind="acceptance")
    issued = notice.body
    assert issued[0].endswith(":") and any("第三十二条" in p for p in issued)
    again = Notice.objects.get(pk=notice.pk)
    assert again.body == issued
    assert Notice.objects.filter(pk=notice.pk).values_list("body", flat=True).get() == issued
    raw = stored(notice)
    assert raw[0] == len(NOTICE_DICTIONARIES)  # deflated with the newest dictionary
    assert len(raw) < len("\n".join(issued).encode()) / 2


def test_odd_texts_round_trip(db):
    dictionaries = NOTICE_DICTIONARIES
    for text in ("", "a", "同意", "x" * 5000, "\u2028 line separator and emoji 🙂", "行政许可法" * 3):
        packed = pack(text, dictionaries)
        assert unpack(packed, dictionaries) == text
        assert len(packed) <= len(text.encode()) + 1  # never more than the tag byte over
    assert pack("a", dictionaries)[0] == PLAIN  # too short to gain: kept as it is
    assert pack("abc", ())[0] == PLAIN


def test_empty_and_blank_paragraph_lists_stay_apart(on):
    on(2026, 3, 2)
    case = window_case()
    for body in ([], [""], ["", ""], ["第一段", "", "第三段"]):
        notice = Notice.objects.create(case=case, kind="special", number=f"X-{len(body)}-{sum(map(len, body))}",
                                       title="t", body=body, issued_at=case.received_at)
        assert Notice.objects.get(pk=notice.pk).body == body


def test_a_paragraph_with_a_line_break_is_refused_and_nothing_is_written(on):
    on(2026, 3, 2)
    case = window_case()
    before = Notice.objects.count()
    with pytest.raises(ValueError, match="line break"), transaction.atomic():
        Notice.objects.create(case=case, kind="special", number="X-NL", title="t", body=["a\nb"],
                              issued_at=case.received_at)
    assert Notice.objects.count() == before


def test_rows_packed_with_an_older_dictionary_still_read_after_a_new_one_is_added():
    old = (b"\xe5\x8f\x97\xe7\x90\x86\xe9\x80\x9a\xe7\x9f\xa5\xe4\xb9\xa6" * 4,)
    text = "受理通知书,受理通知书,依照《中华人民共和国行政许可法》第三十二条"
    packed = pack(text, old)
    assert packed[0] == 1
    newer = (*old, "完全不同的措辞".encode() * 10)
    assert unpack(packed, newer) == text
    assert pack(text, newer)[0] == 2
    with pytest.raises(ValueError, match="dictionary 2"):
        unpack(pack(text, newer), old)


def test_messages_to_the_applicant_read_back_exactly_and_are_stored_smaller(on):
    on(2026, 3, 2)
    case = s.accept(actor=user("clerk"), case=window_case())
    texts = list(case.messages.order_by("pk").values_list("pk", "body"))
    assert texts and all(body.startswith("【") for _pk, body in texts)
    with connection.cursor() as cursor:
        for pk, body in texts:
            cursor.execute("SELECT body FROM cases_outbox WHERE id = %s", [pk])
            raw = bytes(cursor.fetchone()[0])
            assert raw[0] == len(MESSAGE_DICTIONARIES) and len(raw) < 0.7 * len(body.encode())


def test_dumped_and_loaded_notices_and_messages_come_back_the_same(on):
    from django.core import serializers

    from shenpi.cases.models import Outbox
    on(2026, 3, 2)
    case = s.accept(actor=user("clerk"), case=window_case())
    rows = [*case.notices.all(), *case.messages.all()]
    data = serializers.serialize("json", rows)
    assert "第三十二条" in json.loads(data)[1]["fields"]["body"]  # readable text, not base64
    loaded = [o.object for o in serializers.deserialize("json", data)]
    assert [(type(o), o.body) for o in loaded] == [(type(o), o.body) for o in rows]
    blank = Notice(body=[""])
    assert next(serializers.deserialize("json", serializers.serialize("json", [blank]))).object.body == [""]
    assert isinstance(rows[-1], Outbox)


def test_event_payloads_and_audit_values_read_back_exactly_and_are_stored_smaller(on):
    """Case events' payloads and audit entries' before and after are packed JSON: what the
    services wrote reads back equal (dates as the encoder's text, as a JSONField gave them), in
    under half the bytes of the compact JSON, and NULL stays NULL."""
    from shenpi.audit.models import AuditEntry
    from shenpi.audit.packing import RECORD_DICTIONARIES
    from shenpi.cases.models import CaseEvent
    on(2026, 3, 2)
    case = s.accept(actor=user("clerk"), case=window_case())
    event = CaseEvent.objects.filter(case=case, action="accept").get()
    assert event.payload["accepted_on"] == "2026-03-02" and set(event.payload) >= {"promised_due", "statutory_due"}
    entry = AuditEntry.objects.filter(action="case.accept", object_id=str(case.pk)).get()
    assert entry.after["state"] == "accepted" and entry.after["accepted_on"] == "2026-03-02"
    with connection.cursor() as cursor:
        cursor.execute("SELECT payload FROM cases_caseevent WHERE id = %s", [event.pk])
        raw = bytes(cursor.fetchone()[0])
        cursor.execute("SELECT after FROM audit_auditentry WHERE seq = %s", [entry.seq])
        raw_after = bytes(cursor.fetchone()[0])
    for value, packed in ((event.payload, raw), (entry.after, raw_after)):
        assert packed[0] == len(RECORD_DICTIONARIES)
        assert len(packed) < len(json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()) / 2
    assert AuditEntry.objects.filter(before__isnull=True).exists()
    assert AuditEntry.objects.filter(before__isnull=True).values_list("before", flat=True).first() is None


def test_odd_json_values_round_trip(db):
    from shenpi.core.packed import PackedJSONField
    field = PackedJSONField(null=True, dictionaries="shenpi.audit.packing.RECORD_DICTIONARIES")
    for value in ({}, [], "", "text", 0, -1.5, True, None, {"a": None}, {"中文": ["一", {"b": [1, 2]}]},
                  {"z": 1, "a": 2}, "\u0000 \n \\ \""):
        back = field.from_db_value(pack(field.to_text(value), field.dictionaries), None, connection)
        assert back == value and type(back) is type(value), value
    assert field.get_db_prep_value(None, connection) is None  # NULL, not the JSON null


def test_a_damaged_packed_value_reads_as_unreadable_and_is_logged(caplog):
    from shenpi.core.packed import PackedJSONField, PackedLinesField, PackedTextField
    path = "shenpi.audit.packing.RECORD_DICTIONARIES"
    damaged = b"\x01\xff\xfe not deflate"
    assert PackedJSONField(dictionaries=path).from_db_value(damaged, None, connection) == {
        "unreadable": damaged.hex()}
    assert PackedTextField(dictionaries=path).from_db_value(b"\x09 no such dictionary", None, connection) == ""
    assert PackedLinesField(dictionaries=path).from_db_value(b"\x00\xff", None, connection) == []
    assert caplog.text.count("unreadable packed value") == 3


def test_dumped_and_loaded_events_and_audit_entries_come_back_the_same(on):
    """dumpdata writes packed JSON as the JSON itself, readable; loaddata packs it again."""
    from django.core import serializers

    from shenpi.audit.models import AuditEntry
    from shenpi.cases.models import CaseEvent
    on(2026, 3, 2)
    case = s.accept(actor=user("clerk"), case=window_case())
    rows = [*CaseEvent.objects.filter(case=case),
            *AuditEntry.objects.filter(object_type="cases.case", object_id=str(case.pk))]
    data = serializers.serialize("json", rows)
    dumped = {d["model"]: d["fields"] for d in json.loads(data)}
    assert dumped["audit.auditentry"]["after"]["state"] == "accepted"  # the value, not bytes
    assert len(dumped["audit.auditentry"]["hash"]) == 64
    loaded = [o.object for o in serializers.deserialize("json", data)]
    assert [(type(o), o.pk, getattr(o, "payload", None), getattr(o, "after", None), getattr(o, "hash", None))
            for o in loaded] == [(type(o), o.pk, getattr(o, "payload", None), getattr(o, "after", None),
                                  getattr(o, "hash", None)) for o in rows]
