from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from shenpi.core.packed import PackedJSONField

RECORD_DICTIONARIES = "shenpi.audit.packing.RECORD_DICTIONARIES"


class DigestField(models.BinaryField):
    """A SHA-256 digest: 64 hex digits in Python, as it is computed and compared, and its 32
    bytes in the database (half the space of the hex text, on every entry)."""

    description = "SHA-256 digest"
    _pyi_private_set_type: Any
    _pyi_private_get_type: str  # type: ignore[assignment]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("editable", False)
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        kwargs.pop("editable", None)
        return name, path, args, kwargs

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        if value is None or isinstance(value, str):  # SQLite keeps text written there by hand
            return value
        return bytes(value).hex()

    def to_python(self, value: Any) -> Any:
        return bytes(value).hex() if isinstance(value, (bytes, memoryview)) else value

    def get_db_prep_value(self, value: Any, connection: Any, prepared: bool = False) -> Any:
        if isinstance(value, str):
            value = bytes.fromhex(value)
        return super().get_db_prep_value(value, connection, prepared)

    def value_to_string(self, obj: Any) -> Any:
        return self.value_from_object(obj)


class AuditEntry(models.Model):
    """One write in the system. Entries form a hash chain: each hash covers the entry, its
    sequence number and the hash of the entry before it (seq - 1), so an altered or removed row
    breaks every later link. The previous hash is not stored again on each entry: the chain is
    checked in sequence order, where the entry before gives it (65 bytes less per entry). The
    sequence number is the key: a second one, and its index, would only cost space."""

    seq = models.BigIntegerField(_("sequence"), primary_key=True)
    at = models.DateTimeField(_("time"))
    # Plain values, not foreign keys: the record must outlive what it describes.
    actor_id = models.BigIntegerField(_("actor id"), null=True, blank=True)
    actor_name = models.CharField(_("actor"), max_length=150, blank=True)
    action = models.CharField(_("action"), max_length=64)
    object_type = models.CharField(_("object type"), max_length=64)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    object_repr = models.CharField(_("object"), max_length=255, blank=True)
    # JSON values, deflated against the record's common wording (core.packed, audit.packing).
    before = PackedJSONField(_("before"), null=True, blank=True, dictionaries=RECORD_DICTIONARIES)
    after = PackedJSONField(_("after"), null=True, blank=True, dictionaries=RECORD_DICTIONARIES)
    hash = DigestField(_("hash"))

    class Meta:
        ordering = ["seq"]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self):
        return f"#{self.seq} {self.action} {self.object_type}:{self.object_id}"


class AuditHead(models.Model):
    """The chain's tip in a single row, locked by each writer so sequence and hash never fork."""

    seq = models.BigIntegerField(default=0)
    hash = models.CharField(max_length=64, default="0" * 64)
    prev_hash = models.CharField(max_length=64, default="0" * 64)
    # Entries from this number on link as hash(prev:seq:body) (see audit.services); those
    # before it were written by the first scheme and are checked by it.
    linked_from = models.BigIntegerField(default=1)

    def __str__(self):
        return f"audit head #{self.seq}"
