
from __future__ import annotations

import hashlib
import json
from datetime import UTC
from typing import TYPE_CHECKING, cast

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import Field
from django.utils import timezone

from shenpi.core import sql

from .models import AuditEntry, AuditHead

if TYPE_CHECKING:
    import datetime
    from typing import Any

    from django.contrib.auth.models import User

GENESIS = "0" * 64


def _plain(value: Any) -> Any:
    """JSON-safe copy, so what is hashed is exactly what the database gives back."""
    if value is None:
        return None
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False))


def entry_hash(*, seq: int, at: datetime.datetime, actor_id: int | None, actor_name: str, action: str,
               object_type: str, object_id: Any, object_repr: str,
               before: Any, after: Any, prev_hash: str) -> str:
    """The first scheme (entries before the head's ``linked_from``): one hash over everything."""
    payload = json.dumps(
        [seq, at.astimezone(UTC).isoformat(), actor_id, actor_name, action,
         object_type, str(object_id), object_repr, before, after, prev_hash],
        sort_keys=True, ensure_ascii=False, separators=(",", ":"),
    )
    return hashlib.sha256(payload.encode()).hexdigest()


def body_digest(*, at: datetime.datetime, actor_id: int | None, actor_name: str, action: str,
                object_type: str, object_id: Any, object_repr: str, before: Any, after: Any) -> str:
    """What an entry says, hashed on its own (by the writer, outside any lock)."""
    payload = json.dumps(
        [at.astimezone(UTC).isoformat(), actor_id, actor_name, action, object_type, str(object_id), object_repr,
         before, after],
        sort_keys=True, ensure_ascii=False, separators=(",", ":"),
    )
    return hashlib.sha256(payload.encode()).hexdigest()


def link_hash(prev_hash: str, seq: int, digest: str) -> str:
    """The chain's link: the previous hash, the sequence number and the body's digest. The
    database computes the same (see _advance) while it holds the head row."""
    return hashlib.sha256(f"{prev_hash}:{seq}:{digest}".encode()).hexdigest()


# The head moves in one statement, so the row that serialises every writer is held only from
# this statement to the commit. The database hashes prev:seq:digest itself (PostgreSQL's
# sha256(), and on SQLite the SHA256 function Django registers on each connection).
_LINK = {
    "postgresql": "encode(sha256(convert_to(hash || ':' || (seq + 1)::text || ':' || %s, 'UTF8')), 'hex')",
    "sqlite": "SHA256(hash || ':' || (seq + 1) || ':' || %s)",
}
_ADVANCE = ("UPDATE audit_audithead SET seq = seq + 1, prev_hash = hash, hash = {link} WHERE id = 1 "
            "RETURNING seq, prev_hash, hash")
_FIELDS = ("at", "actor_id", "actor_name", "action", "object_type", "object_id", "object_repr", "before", "after")
_insert_sql: dict = {}


def _entry_insert_sql(connection: Any) -> str:
    """PostgreSQL: advance the head and insert the entry in a single statement."""
    sql = _insert_sql.get(connection.vendor)
    if sql is None:
        fields = [cast(Field, AuditEntry._meta.get_field(f)) for f in _FIELDS]
        columns = ", ".join(["seq", *(str(f.column) for f in fields), "hash"])
        # The head keeps its hash as hex text; an entry keeps the digest's bytes (DigestField).
        values = ", ".join(["h.seq", *(["%s"] * len(fields)), "decode(h.hash, 'hex')"])
        sql = _insert_sql[connection.vendor] = (
            f"WITH h AS ({_ADVANCE.format(link=_LINK['postgresql'])}) "
            f"INSERT INTO audit_auditentry ({columns}) SELECT {values} FROM h RETURNING seq, encode(hash, 'hex')")
    return sql


def _ensure_head() -> None:
    AuditHead.objects.get_or_create(pk=1, defaults={"seq": 0, "hash": GENESIS, "prev_hash": GENESIS})


def record(*, actor: User | None, action: str, obj: Any = None, object_type: str = "", object_id: Any = "",
           before: Any = None, after: Any = None) -> AuditEntry:
    """Append one entry to the chain, inside the caller's transaction (or its own). Call it
    last before the commit: from here to the commit every other writer waits for the head."""
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or obj.pk
    entry = AuditEntry(
        at=timezone.now(), actor_id=getattr(actor, "pk", None),
        actor_name=actor.get_username() if actor else "system", action=action, object_type=object_type,
        object_id=str(object_id or ""), object_repr=str(obj)[:255] if obj is not None else "",
        before=_plain(before), after=_plain(after))
    digest = body_digest(**{f: getattr(entry, f) for f in _FIELDS})
    connection = transaction.get_connection()
    writes = sql.current_writes()
    if connection.vendor == "postgresql":
        statement = _entry_insert_sql(connection)
        params = [digest, *(cast(Field, AuditEntry._meta.get_field(f)).get_db_prep_save(getattr(entry, f), connection)
                            for f in _FIELDS)]

        def linked(rows: list[tuple]) -> None:
            if not rows:  # no head row (a test emptied the table): make it, then link again
                _ensure_head()
                with connection.cursor() as cursor:
                    cursor.execute(statement, params)
                    rows = cursor.fetchall()
            entry.seq, entry.hash = rows[0]
            entry._state.adding, entry._state.db = False, connection.alias
        if writes is not None:
            writes.add(sql.Statement(statement, params), linked)
        else:
            with transaction.atomic(savepoint=False), connection.cursor() as cursor:
                cursor.execute(statement, params)
                linked(cursor.fetchall())
        return entry

    def advance_and_insert(cursor: Any) -> None:
        for _ in range(2):
            cursor.execute(_ADVANCE.format(link=_LINK[connection.vendor]), [digest])
            row = cursor.fetchone()
            if row is not None:
                entry.seq, _prev, entry.hash = row
                with sql.immediate():
                    sql.insert(entry, using=connection.alias)
                return
            _ensure_head()
        raise RuntimeError("the audit chain's head row is missing and could not be made")
    if writes is not None:
        writes.add(advance_and_insert)
    else:
        with transaction.atomic(savepoint=False), connection.cursor() as cursor:
            advance_and_insert(cursor)
    return entry


def _expected_hash(e: AuditEntry, linked_from: int, prev_hash: str) -> str:
    """The hash entry `e` must have, following an entry whose hash is `prev_hash`."""
    if e.seq < linked_from:
        return entry_hash(seq=e.seq, **{f: getattr(e, f) for f in _FIELDS}, prev_hash=prev_hash)
    return link_hash(prev_hash, e.seq, body_digest(**{f: getattr(e, f) for f in _FIELDS}))


def first_broken_entry() -> AuditEntry | None:
    """The first entry whose link or hash does not hold, or None when the chain is whole."""
    head = AuditHead.objects.filter(pk=1).first()
    linked_from = head.linked_from if head is not None else 1
    prev = GENESIS
    expected_seq = 1
    for e in AuditEntry.objects.order_by("seq").iterator():
        if e.seq != expected_seq or _expected_hash(e, linked_from, prev) != e.hash:
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
