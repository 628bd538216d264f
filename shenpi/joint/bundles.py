"""一件事一次办 (bundles): one form and one set of materials for several items across
departments. Each material is handed in once and given to every item that asks for it; each
item becomes its own case, received by the portal and accepted by its own department on its
own clock; the applicant and the centre follow them on one page. All of the application's
cases are made in one transaction, or none."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone

from shenpi.cases import services as cases
from shenpi.cases.models import Case, CaseMaterial
from shenpi.catalog.codes import HandlingForm
from shenpi.catalog.models import ItemVersion
from shenpi.supervision import selectors as supervision

from .models import Bundle, BundleApplication


@dataclass
class SharedMaterial:
    name: str
    required: bool
    conditions: list[str] = field(default_factory=list)
    items: list[str] = field(default_factory=list)  # the items' names that ask for it


def versions(bundle: Bundle) -> list[ItemVersion]:
    """The published versions of the bundle's items, in its order (items not online, or with no
    published version, are left out: a bundle applies online)."""
    out = []
    for entry in bundle.entries.select_related("item").order_by("order"):
        v = entry.item.versions.filter(status=ItemVersion.Status.PUBLISHED).first()
        if v is not None and HandlingForm.ONLINE in v.handling_forms:
            out.append(v)
    return out


def shared_materials(bundle: Bundle) -> list[SharedMaterial]:
    """Every material the bundle's items ask for, once by name, with the items that need it."""
    found: dict[str, SharedMaterial] = {}
    for v in versions(bundle):
        for m in v.materials.order_by("order"):
            s = found.setdefault(m.name, SharedMaterial(m.name, False))
            s.required = s.required or m.requirement == "required"
            if m.condition and m.condition not in s.conditions:
                s.conditions.append(m.condition)
            s.items.append(v.name)
    return list(found.values())


def apply(*, actor: Any, bundle: Bundle, applicant: dict, uploads: dict[str, Any]) -> BundleApplication:
    """One case per item, each with the uploaded materials its item asks for; a receipt each.
    Raises the first refusal (ValidationError) and leaves nothing behind, files included."""
    saved: list[CaseMaterial] = []
    try:
        with transaction.atomic():
            application = BundleApplication.objects.create(bundle=bundle, applicant_user=actor,
                                                           applicant_name=applicant.get("applicant_name", ""))
            for v in versions(bundle):
                case = cases.submit(actor=actor, item=v.item, channel="online", **applicant)
                for m in v.materials.order_by("order"):
                    upload = uploads.get(m.name)
                    if upload is None:
                        continue
                    upload.seek(0)
                    saved.append(cases.add_material(actor=actor, case=case, name=m.name, upload=upload))
                cases.issue_receipt(actor=actor, case=case)
                application.cases.add(case)
    except BaseException:
        for kept in saved:  # the rows rolled back; their files must not stay behind
            kept.file.delete(save=False)
        raise
    return application


def progress(application: BundleApplication) -> list[dict]:
    on = timezone.localdate()
    soon = supervision.warning_horizon(on)
    rows = []
    for c in application.cases.select_related("version", "department").order_by("pk"):
        light = supervision.light_of(c, on, soon)
        rows.append({"case": c, "light": light, "light_word": supervision.LIGHT_WORDS.get(light, "")})
    return rows


def applications_of(user: Any):
    return BundleApplication.objects.filter(applicant_user=user).select_related("bundle")


def case_applications(case: Case):
    return case.bundle_applications.select_related("bundle")
