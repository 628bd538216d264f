import hashlib
import json
from datetime import UTC

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone

from .models import AuditEntry, AuditHead

GENESIS = "0" * 64


def _plain(value):
    """JSON-safe copy, so what is hashed is exactly what the database gives back."""
    if value is None:
        return None
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False))


def entry_hash(*, seq, at, actor_id, actor_name, action, object_type, object_id, object_repr,
               before, after, prev_hash) -> str:
    payload = json.dumps(
        [seq, at.astimezone(UTC).isoformat(), actor_id, actor_name, action,
         object_type, str(object_id), object_repr, before, after, prev_hash],
        sort_keys=True, ensure_ascii=False, separators=(",", ":"),
    )
    return hashlib.sha256(payload.encode()).hexdigest()


def record(*, actor, action: str, obj=None, object_type: str = "", object_id="",
           before=None, after=None) -> AuditEntry:
    """Append one entry to the chain. Call inside the service's transaction."""
    with transaction.atomic():
        head = AuditHead.objects.select_for_update().filter(pk=1).first()
        if head is None:
            head = AuditHead.objects.create(pk=1, seq=0, hash=GENESIS)
        if obj is not None:
            object_type = object_type or obj._meta.label_lower
            object_id = object_id or obj.pk
        fields = {
            "seq": head.seq + 1,
            "at": timezone.now(),
            "actor_id": getattr(actor, "pk", None),
            "actor_name": getattr(actor, "get_username", lambda: "system")() if actor else "system",
            "action": action,
            "object_type": object_type,
            "object_id": str(object_id or ""),
            "object_repr": str(obj)[:255] if obj is not None else "",
            "before": _plain(before),
            "after": _plain(after),
            "prev_hash": head.hash,
        }
        fields["hash"] = entry_hash(**fields)
        entry = AuditEntry.objects.create(**fields)
        AuditHead.objects.filter(pk=1).update(seq=entry.seq, hash=entry.hash)
        return entry


def first_broken_entry():
    """The first entry whose link or hash does not hold, or None when the chain is whole."""
    prev = GENESIS
    expected_seq = 1
    for e in AuditEntry.objects.order_by("seq").iterator():
        fields = {f: getattr(e, f) for f in (
            "seq", "at", "actor_id", "actor_name", "action", "object_type", "object_id",
            "object_repr", "before", "after", "prev_hash")}
        if e.seq != expected_seq or e.prev_hash != prev or entry_hash(**fields) != e.hash:
            return e
        prev = e.hash
        expected_seq += 1
    return None


def chain_problem() -> str | None:
    """None when the chain holds; otherwise a sentence naming the first entry that does not."""
    bad = first_broken_entry()
    if bad is not None:
        return (f"entry #{bad.seq} ({bad.action} {bad.object_type}:{bad.object_id}, {bad.at.isoformat()}): "
                f"its hash or its link to the entry before does not match")
    last = AuditEntry.objects.order_by("-seq").first()
    head = AuditHead.objects.filter(pk=1).first()
    if head is not None and head.seq != (last.seq if last else 0):
        return f"entry #{(last.seq if last else 0) + 1}: missing (the chain's head is at #{head.seq})"
    return None
