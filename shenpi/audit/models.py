from django.db import models
from django.utils.translation import gettext_lazy as _

from shenpi.core.packed import PackedJSONField

RECORD_DICTIONARIES = "shenpi.audit.packing.RECORD_DICTIONARIES"


class AuditEntry(models.Model):
    """One write in the system. Entries form a hash chain: each hash covers the entry, its
    sequence number and the hash of the entry before it (seq - 1), so an altered or removed row
    breaks every later link. The previous hash is not stored again on each entry: the chain is
    checked in sequence order, where the entry before gives it (65 bytes less per entry)."""

    seq = models.BigIntegerField(_("sequence"), unique=True)
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
    hash = models.CharField(_("hash"), max_length=64)

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
