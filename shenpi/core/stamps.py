"""Stamps: one counter per family of cached pages, raised in the transaction that changes what
they show, so a cached page is stale exactly when its stamp has moved (issue 16).

PUBLIC covers the public catalog and service guides: every item, version, material, fee, flow,
reform record, centre, department and window, the "one thing" bundles, and the calendar. The
apps that own those rows raise it (their post_save/post_delete receivers, and the few bulk
writes that send no signal call `bump` themselves)."""

from __future__ import annotations

import datetime as dt

from django.db.models import F
from django.utils import timezone

PUBLIC = "public"


def bump(name: str = PUBLIC) -> None:
    from .models import Stamp
    now = timezone.now()
    if not Stamp.objects.filter(name=name).update(value=F("value") + 1, changed_at=now):
        Stamp.objects.get_or_create(name=name, defaults={"value": 1, "changed_at": now})


def on_change(sender, **kwargs) -> None:
    """A receiver for post_save, post_delete and m2m_changed."""
    if kwargs.get("raw"):
        return  # fixtures load rows as they are
    if "action" in kwargs and not kwargs["action"].startswith("post_"):
        return
    bump(PUBLIC)


def read(name: str = PUBLIC) -> tuple[int, dt.datetime]:
    """The stamp's value and when it last moved (the epoch for a stamp never raised)."""
    from .models import Stamp
    row = Stamp.objects.filter(name=name).values_list("value", "changed_at").first()
    return row or (0, dt.datetime(2000, 1, 1, tzinfo=dt.UTC))


def watch(*models) -> None:
    """Raise PUBLIC whenever a row of these models is saved or deleted (or, for a model with
    many-to-many fields, whenever those links change)."""
    from django.db.models.signals import m2m_changed, post_delete, post_save
    for model in models:
        uid = f"stamps.{model._meta.label}"
        post_save.connect(on_change, sender=model, dispatch_uid=uid + ".save")
        post_delete.connect(on_change, sender=model, dispatch_uid=uid + ".delete")
        for field in model._meta.many_to_many:
            m2m_changed.connect(on_change, sender=field.remote_field.through, dispatch_uid=f"{uid}.{field.name}")
