"""Reads of the catalog."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from .codes import CLOSED_STATUSES, Category, HandlingForm, ReformStatus
from .models import FlowStage, Item, ItemVersion, Material, ReformRecord

# The notice's targets (§四(三)1).
TARGET_SIMPLE_SHARE = 0.70
TARGET_COMPRESSION = 0.50


def today() -> date:
    return timezone.localdate()


def reform_status_subquery(on: date, item_ref: str = "pk") -> Coalesce:
    latest = (ReformRecord.objects.filter(item=OuterRef(item_ref), effective_date__lte=on)
              .order_by("-effective_date", "-id").values("status")[:1])
    return Coalesce(Subquery(latest), Value(ReformStatus.RETAINED.value))


def current_reform_record(item: Item, on: date | None = None) -> ReformRecord | None:
    return item.reform_records.filter(effective_date__lte=on or today()).order_by("-effective_date", "-id").first()


def published_versions(on: date | None = None) -> QuerySet[ItemVersion]:
    """Every effective version with its item, department and the reform status in force."""
    return (ItemVersion.objects.filter(status=ItemVersion.Status.PUBLISHED)
            .select_related("item", "item__department", "centre")
            .annotate(reform_status=reform_status_subquery(on or today(), "item_id")))


def public_catalog(*, q: str = "", department: int | None = None, category: str = "",
                   online: bool | None = None, on: date | None = None,
                   include_closed: bool = False) -> QuerySet[ItemVersion]:
    """What the public may apply for: published items not cancelled, sealed, transferred or delegated."""
    qs = published_versions(on)
    if not include_closed:
        qs = qs.exclude(reform_status__in=[s.value for s in CLOSED_STATUSES])  # type: ignore[misc]  # annotated
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(item__implementation_code__icontains=q)
                       | Q(item__basic_code__icontains=q) | Q(item__department__name__icontains=q))
    if department:
        qs = qs.filter(item__department_id=department)
    if category:
        qs = qs.filter(category=category)
    if online is not None:
        # handling_forms is a JSON list; containment lookups differ between backends, so
        # match the stored text, which both serialise as ["1", "2", ...].
        cond = Q(handling_forms__icontains=f'"{HandlingForm.ONLINE.value}"')
        qs = qs.filter(cond) if online else qs.exclude(cond)
    return qs.order_by("item__department__name", "name")


def published_version_of(item: Item) -> ItemVersion | None:
    return item.versions.filter(status=ItemVersion.Status.PUBLISHED).first()


def guide_version(implementation_code: str) -> ItemVersion | None:
    """The public guide of an item: only its published version, with everything it lists."""
    return (published_versions()
            .filter(item__implementation_code=implementation_code)
            .prefetch_related("materials", "fees", "stages__steps__department")
            .first())


@dataclass(frozen=True)
class Availability:
    ok: bool
    reason: str
    version: ItemVersion | None = None


def item_availability(item: Item, on: date | None = None) -> Availability:
    """Whether the item can take a new case on that day, and if not, why not."""
    versions = list(ItemVersion.objects.filter(item_id=item.pk, status=ItemVersion.Status.PUBLISHED))
    reforms = list(ReformRecord.objects.filter(item_id=item.pk).order_by("-effective_date", "-id"))
    return availability_from(item, versions, reforms, on=on)


def availability_from(item: Item, published: list[ItemVersion], reforms: list[ReformRecord],
                      on: date | None = None) -> Availability:
    """item_availability, from the item's published versions and its reform records (newest
    first), read by the caller (a submission reads them with its other reads)."""
    on = on or today()
    version = next(iter(published), None)
    if version is None:
        return Availability(False, _("The item has no published version."))
    version.item = item
    rec = next((r for r in reforms if r.effective_date <= on), None)
    if rec is not None and rec.status in CLOSED_STATUSES:
        reasons: dict[str, str] = {
            ReformStatus.CANCELLED: _("The item was cancelled on %(date)s by %(doc)s."),
            ReformStatus.SEALED: _("The item was sealed on %(date)s by %(doc)s."),
            ReformStatus.TRANSFERRED: _("The item was transferred to the market on %(date)s by %(doc)s."),
            ReformStatus.DELEGATED: _("The item was delegated to %(body)s on %(date)s by %(doc)s; apply there."),
        }
        return Availability(False, reasons[rec.status] % {
            "date": rec.effective_date.isoformat(), "doc": rec.document_number, "body": rec.delegated_to})
    return Availability(True, "", version)


def _figures(rows: Sequence[Mapping[str, Any]]) -> dict:
    by_status = {s.value: 0 for s in ReformStatus}
    for r in rows:
        by_status[r["reform_status"]] += 1
    active = [r for r in rows if r["reform_status"] not in {s.value for s in CLOSED_STATUSES}]
    n = len(active)
    simple = sum(1 for r in active if r["category"] in (Category.INSTANT, Category.REVIEW_APPROVE))
    statutory = sum(r["statutory_limit"] for r in active)
    promised = sum(r["promised_limit"] for r in active)
    online = sum(1 for r in active if HandlingForm.ONLINE.value in r["handling_forms"])
    centralised = sum(1 for r in active if r["at_window"])
    steps = sum(r["steps"] for r in active)
    simple_share = simple / n if n else 0.0
    compression = 1 - promised / statutory if statutory else 0.0
    return {
        "items": len(rows),
        "active_items": n,
        "by_reform_status": by_status,
        "cancelled": by_status[ReformStatus.CANCELLED],
        "delegated": by_status[ReformStatus.DELEGATED],
        "online": online,
        "centralised": centralised,
        "by_category": {c.value: sum(1 for r in active if r["category"] == c) for c in Category},
        "simple_share": round(simple_share, 4),
        "simple_share_target": TARGET_SIMPLE_SHARE,
        "simple_share_met": simple_share >= TARGET_SIMPLE_SHARE,
        "statutory_days": statutory,
        "promised_days": promised,
        "compression": round(compression, 4),
        "compression_target": TARGET_COMPRESSION,
        "compression_met": compression >= TARGET_COMPRESSION,
        "online_share": round(online / n, 4) if n else 0.0,
        "centralised_share": round(centralised / n, 4) if n else 0.0,
        "steps_per_item": round(steps / n, 2) if n else 0.0,
    }


def reform_figures(*, on: date | None = None) -> dict:
    """The notice's reform figures (四个一批, 70% and 50% targets), overall and by department."""
    from shenpi.org.models import Window

    window_accepts = Window.accept_items.through.objects.filter(item_id=OuterRef("item_id"))
    rows = list(
        published_versions(on)
        .annotate(steps=Count("stages__steps"), at_window=Exists(window_accepts))
        .values("item__department_id", "item__department__name", "reform_status", "category",
                "statutory_limit", "promised_limit", "handling_forms", "steps", "at_window")
        .order_by("item__department__name")
    )
    departments: dict[int, dict] = {}
    for r in rows:
        departments.setdefault(r["item__department_id"], {"name": r["item__department__name"], "rows": []})["rows"].append(r)
    return {
        "date": (on or today()).isoformat(),
        "overall": _figures(rows),
        "departments": [
            {"department": pk, "name": d["name"], **_figures(d["rows"])} for pk, d in departments.items()
        ],
    }


# --- published versions, read once per process ---------------------------------------------------
# A published version's content never changes (a change is a new version), so the case
# lifecycle reads each one's item, flow and materials once per process.

@dataclass(frozen=True)
class FlowStepSpec:
    name: str
    role: str
    department_id: int
    budget: int


@dataclass(frozen=True)
class FlowStageSpec:
    order: int
    name: str
    steps: tuple[FlowStepSpec, ...]


@dataclass(frozen=True)
class MaterialSpec:
    name: str
    required: bool
    originals: int
    copies: int


@lru_cache(maxsize=4096)
def published_version(pk: int) -> ItemVersion:
    """A version with its item (a case's version: published, so it never changes)."""
    return ItemVersion.objects.select_related("item").get(pk=pk)


@lru_cache(maxsize=4096)
def published_flow(version_pk: int) -> tuple[FlowStageSpec, ...]:
    """Every stage of a version's flow, in order, with its steps."""
    return tuple(FlowStageSpec(st.order, st.name, tuple(FlowStepSpec(s.name, s.role, s.department_id, s.budget)
                                                        for s in st.steps.all()))
                 for st in FlowStage.objects.filter(version_id=version_pk).prefetch_related("steps").order_by("order"))


@lru_cache(maxsize=4096)
def published_materials(version_pk: int) -> tuple[MaterialSpec, ...]:
    return tuple(MaterialSpec(m.name, m.requirement == Material.Requirement.REQUIRED, m.originals, m.copies)
                 for m in Material.objects.filter(version_id=version_pk).order_by("order"))


def forget_published() -> None:
    """Drop what this process read of published versions (tests reuse ids after a rollback)."""
    for cached in (published_version, published_flow, published_materials):
        cached.cache_clear()
