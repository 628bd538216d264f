"""Every write to the catalog: keyword-only, one transaction each, permission checked, audited."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shenpi.audit.services import record
from shenpi.org.roles import is_centre_admin

from .models import Fee, FlowStage, FlowStep, Item, ItemVersion, Material, ReformRecord
from .rules import code_errors, content_errors, reform_errors

if TYPE_CHECKING:
    import datetime
    from typing import Any

    from django.contrib.auth.models import User

VERSION_FIELDS = [
    "name", "item_type", "level", "subject_nature", "service_objects", "category", "legal_basis",
    "conditions", "statutory_limit", "promised_limit", "handling_forms", "visits", "centre",
    "location", "hotline", "change_note",
]
MATERIAL_FIELDS = ["name", "originals", "copies", "requirement", "condition", "note"]
FEE_FIELDS = ["name", "standard_fen", "unit", "legal_basis"]
STEP_FIELDS = ["name", "role", "department", "budget"]


def content_of(version: ItemVersion) -> dict:
    """A version's content as plain data: what the rules check, the API shows and drafts copy."""
    content = {f: getattr(version, f) for f in VERSION_FIELDS}
    content["materials"] = [{f: getattr(m, f) for f in MATERIAL_FIELDS} for m in version.materials.all()]
    content["fees"] = [{f: getattr(x, f) for f in FEE_FIELDS} for x in version.fees.all()]
    content["stages"] = [
        {"name": st.name, "steps": [{f: getattr(s, f) for f in STEP_FIELDS} for s in st.steps.all()]}
        for st in version.stages.all()
    ]
    return content


def _audit_view(content: dict) -> dict:
    """Content with model references reduced to ids, for the audit record."""
    out = {k: v for k, v in content.items() if k not in {"centre", "stages"}}
    out["centre"] = content["centre"].pk
    out["stages"] = [
        {"name": st["name"], "steps": [{**s, "department": s["department"].pk} for s in st["steps"]]}
        for st in content["stages"]
    ]
    return out


def _require_admin(actor: User) -> None:
    if not is_centre_admin(actor):
        raise PermissionDenied(_("Only centre administrators may change the catalog."))


def _raise_if(errors: dict) -> None:
    if errors:
        raise ValidationError(errors)


def _check(content: dict, *, department: Any) -> None:
    _raise_if(content_errors(content, department=department))


def _write_content(version: ItemVersion, content: dict) -> None:
    for f in VERSION_FIELDS:
        setattr(version, f, content.get(f, getattr(version, f, None)))
    version.save()
    # Blank forms and samples are files, not content: a material keeps the files of the material of
    # the same name in the version being rewritten, or else in the effective version.
    files = {}
    for source in (version.item.versions.filter(status=ItemVersion.Status.PUBLISHED).first(), version):
        if source is not None and source.pk:
            files.update({m.name: (m.blank_form.name, m.sample.name) for m in source.materials.all()})
    version.materials.all().delete()
    version.fees.all().delete()
    version.stages.all().delete()
    Material.objects.bulk_create(
        Material(version=version, order=i,
                 blank_form=files.get(m["name"], ("", ""))[0], sample=files.get(m["name"], ("", ""))[1],
                 **{f: m.get(f, "") if f in {"condition", "note"} else m[f] for f in MATERIAL_FIELDS})
        for i, m in enumerate(content["materials"], 1))
    Fee.objects.bulk_create(
        Fee(version=version, order=i, **{f: x.get(f, "") if f == "unit" else x[f] for f in FEE_FIELDS})
        for i, x in enumerate(content["fees"], 1))
    for i, st in enumerate(content["stages"], 1):
        stage = FlowStage.objects.create(version=version, order=i, name=st["name"])
        FlowStep.objects.bulk_create(
            FlowStep(stage=stage, order=j, **{f: s[f] for f in STEP_FIELDS})
            for j, s in enumerate(st["steps"], 1))


@transaction.atomic
def create_item(*, actor: User, basic_code: str, implementation_code: str, department: Any,
                content: dict) -> Item:
    """A new item with its first version as a draft; nothing is public until it is published."""
    _require_admin(actor)
    errors = code_errors(basic_code=basic_code, implementation_code=implementation_code)
    if Item.objects.filter(implementation_code=implementation_code).exists():
        errors.setdefault("implementation_code", []).append(
            _("An item with the implementation code %(code)s exists already.") % {"code": implementation_code})
    if Item.objects.filter(department=department, basic_code=basic_code).exists():
        errors.setdefault("basic_code", []).append(
            _("The department has an item with the basic code %(code)s already.") % {"code": basic_code})
    errors.update({k: errors.get(k, []) + v for k, v in content_errors(content, department=department).items()})
    if errors:
        raise ValidationError(errors)
    item = Item.objects.create(basic_code=basic_code, implementation_code=implementation_code, department=department)
    version = ItemVersion(item=item, number=1, status=ItemVersion.Status.DRAFT, created_by=actor)
    _write_content(version, content)
    record(actor=actor, action="catalog.item.create", obj=item,
           after={"basic_code": basic_code, "implementation_code": implementation_code,
                  "department": department.pk, "draft": _audit_view(content)})
    return item


@transaction.atomic
def save_draft(*, actor: User, item: Item, content: dict) -> ItemVersion:
    """Editing an item edits its draft; with no draft, a new one starts from this content."""
    _require_admin(actor)
    item = Item.objects.select_for_update().get(pk=item.pk)
    _check(content, department=item.department)
    draft = item.versions.filter(status=ItemVersion.Status.DRAFT).first()
    before = _audit_view(content_of(draft)) if draft else None
    if draft is None:
        last = item.versions.order_by("-number").values_list("number", flat=True).first() or 0
        draft = ItemVersion(item=item, number=last + 1, status=ItemVersion.Status.DRAFT, created_by=actor)
    _write_content(draft, content)
    record(actor=actor, action="catalog.draft.save", obj=draft, before=before, after=_audit_view(content))
    return draft


@transaction.atomic
def discard_draft(*, actor: User, item: Item) -> None:
    _require_admin(actor)
    draft = item.versions.select_for_update().filter(status=ItemVersion.Status.DRAFT).first()
    if draft is None:
        raise ValidationError({"draft": [_("The item has no draft.")]})
    before = _audit_view(content_of(draft))
    record(actor=actor, action="catalog.draft.discard", obj=draft, before=before)
    draft.delete()


@transaction.atomic
def publish(*, actor: User, item: Item) -> ItemVersion:
    """The draft becomes the effective version the public sees; the old one is kept as history."""
    _require_admin(actor)
    item = Item.objects.select_for_update().get(pk=item.pk)
    draft = item.versions.filter(status=ItemVersion.Status.DRAFT).first()
    if draft is None:
        raise ValidationError({"draft": [_("The item has no draft to publish.")]})
    # Rules are checked again: a draft saved under older rules, or edited in the admin, may not pass.
    _check(content_of(draft), department=item.department)
    old = item.versions.filter(status=ItemVersion.Status.PUBLISHED).first()
    if old:
        old.status = ItemVersion.Status.SUPERSEDED
        old.save(update_fields=["status"])
    draft.status = ItemVersion.Status.PUBLISHED
    draft.published_at = timezone.now()
    draft.published_by = actor
    draft.save(update_fields=["status", "published_at", "published_by"])
    record(actor=actor, action="catalog.version.publish", obj=draft,
           before={"published": old.number if old else None}, after={"published": draft.number})
    return draft


@transaction.atomic
def add_reform_record(*, actor: User, item: Item, status: str, effective_date: datetime.date,
                      document_number: str,
                      delegated_to: str = "", note: str = "") -> ReformRecord:
    _require_admin(actor)
    _raise_if(reform_errors(status=status, document_number=document_number, delegated_to=delegated_to))
    rec = ReformRecord.objects.create(
        item=item, status=status, effective_date=effective_date, document_number=document_number.strip(),
        delegated_to=delegated_to.strip(), note=note, created_by=actor)
    record(actor=actor, action="catalog.reform.add", obj=rec,
           after={"item": item.pk, "status": status, "effective_date": effective_date,
                  "document_number": rec.document_number, "delegated_to": rec.delegated_to})
    return rec


@transaction.atomic
def set_intermediary_services(*, actor: User, item: Item, names: Any) -> Item:
    """The intermediary services an applicant needs for the item (H2), one name each."""
    _require_admin(actor)
    if isinstance(names, str):
        names = [n for n in names.replace("，", ",").replace("、", ",").split(",")]
    if not isinstance(names, (list, tuple)) or not all(isinstance(n, str) for n in names):
        raise ValidationError({"intermediary_services": [_("A list of service names.")]})
    clean = list(dict.fromkeys(n.strip()[:100] for n in names if n.strip()))[:20]
    before = Item.objects.filter(pk=item.pk).values_list("intermediary_services", flat=True).first()
    Item.objects.filter(pk=item.pk).update(intermediary_services=clean)
    item.intermediary_services = clean
    if before != clean:
        record(actor=actor, action="catalog.item.intermediary_services", obj=item,
               before={"intermediary_services": before}, after={"intermediary_services": clean})
    return item


@transaction.atomic
def set_publish_results(*, actor: User, item: Item, publish: bool) -> Item:
    """Whether the item's completed cases are shown on the public results page (H1)."""
    _require_admin(actor)
    before = Item.objects.filter(pk=item.pk).values_list("publish_results", flat=True).first()
    publish = bool(publish)
    Item.objects.filter(pk=item.pk).update(publish_results=publish)
    item.publish_results = publish
    if before != publish:
        record(actor=actor, action="catalog.item.publish_results", obj=item, before={"publish_results": before},
               after={"publish_results": publish})
    return item


@transaction.atomic
def set_warning_days(*, actor: User, item: Item, days: int | None) -> Item:
    """How many working days before a due date supervision warns for this item (E2)."""
    _require_admin(actor)
    if days is not None and not 0 <= days <= 30:
        raise ValidationError({"warning_days": [_("Between 0 and 30 working days, or empty for the default.")]})
    before = Item.objects.filter(pk=item.pk).values_list("warning_days", flat=True).first()
    Item.objects.filter(pk=item.pk).update(warning_days=days)
    item.warning_days = days
    if before != days:
        record(actor=actor, action="catalog.item.warning_days", obj=item, before={"warning_days": before},
               after={"warning_days": days})
    return item
