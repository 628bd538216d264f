from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from shenpi.org.models import Centre, Department
from shenpi.org.roles import Role

from .codes import Category, HandlingForm, ItemType, Level, ReformStatus, SubjectNature


class Item(models.Model):
    """An item's identity. What a guide shows lives in its versions."""

    basic_code = models.CharField(_("basic code"), max_length=10)  # 基本编码
    implementation_code = models.CharField(_("implementation code"), max_length=24, unique=True)  # 实施编码
    department = models.ForeignKey(Department, verbose_name=_("department"), on_delete=models.PROTECT, related_name="items")
    # Electronic supervision's yellow card: this many working days before a due date (E2);
    # empty: the centre's setting SHENPI_WARNING_DAYS.
    warning_days = models.PositiveSmallIntegerField(
        _("warning days"), null=True, blank=True,
        help_text=_("Yellow warning this many working days before a due date; empty: the centre's default."))
    # 办结公示 (H1): whether the item's completed cases are listed on the public results page;
    # off for results the law keeps from the public (personal matters, state secrets).
    publish_results = models.BooleanField(
        _("publish results"), default=True,
        help_text=_("List this item's completed cases, with the applicant masked, on the public results page."))
    # 中介服务 (H2): the intermediary services an applicant needs for the item, which they buy
    # from an organisation of their own choice on the register.
    intermediary_services = models.JSONField(
        _("intermediary services"), default=list, blank=True,
        help_text=_("The services an applicant buys from an intermediary of their choice, one name each."))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["implementation_code"]
        constraints = [
            models.UniqueConstraint(fields=["department", "basic_code"], name="item_basic_code_unique_per_department"),
        ]
        verbose_name = _("item")
        verbose_name_plural = _("items")

    def __str__(self):
        return self.implementation_code


class ItemVersion(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        SUPERSEDED = "superseded", _("Superseded")

    item = models.ForeignKey(Item, verbose_name=_("item"), on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.DRAFT)

    name = models.CharField(_("name"), max_length=200)
    item_type = models.CharField(_("item type"), max_length=2, choices=ItemType.choices)
    level = models.CharField(_("level"), max_length=1, choices=Level.choices, default=Level.CITY)
    subject_nature = models.CharField(_("implementing body"), max_length=1, choices=SubjectNature.choices, default=SubjectNature.STATUTORY)
    service_objects = models.JSONField(_("service objects"), default=list)
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    legal_basis = models.TextField(_("legal basis"))
    conditions = models.TextField(_("conditions"), blank=True)
    statutory_limit = models.PositiveIntegerField(_("statutory limit (working days)"))
    promised_limit = models.PositiveIntegerField(_("promised limit (working days)"))
    handling_forms = models.JSONField(_("handling forms"), default=list)
    visits = models.PositiveSmallIntegerField(_("visits needed"), default=1)
    centre = models.ForeignKey(Centre, verbose_name=_("handled at"), on_delete=models.PROTECT, related_name="item_versions")
    location = models.CharField(_("place"), max_length=200, blank=True)
    hotline = models.CharField(_("hotline"), max_length=40, blank=True)

    change_note = models.CharField(_("change note"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["item_id", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["item", "number"], name="item_version_number_unique"),
            models.UniqueConstraint(fields=["item"], condition=Q(status="published"), name="one_published_version_per_item"),
            models.UniqueConstraint(fields=["item"], condition=Q(status="draft"), name="one_draft_per_item"),
        ]
        indexes = [models.Index(fields=["status", "category"])]
        verbose_name = _("item version")
        verbose_name_plural = _("item versions")

    def __str__(self):
        return f"{self.name}(第{self.number}版)"

    @property
    def online(self) -> bool:
        return HandlingForm.ONLINE in self.handling_forms


class Material(models.Model):
    class Requirement(models.TextChoices):
        REQUIRED = "required", _("Required")
        CONDITIONAL = "conditional", _("Conditional")

    version = models.ForeignKey(ItemVersion, on_delete=models.CASCADE, related_name="materials")
    order = models.PositiveSmallIntegerField(_("order"))
    name = models.CharField(_("name"), max_length=200)
    originals = models.PositiveSmallIntegerField(_("originals"), default=1)
    copies = models.PositiveSmallIntegerField(_("copies"), default=0)
    requirement = models.CharField(_("requirement"), max_length=12, choices=Requirement.choices, default=Requirement.REQUIRED)
    condition = models.CharField(_("when required"), max_length=200, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    blank_form = models.FileField(_("blank form"), upload_to="catalog/forms/", blank=True)
    sample = models.FileField(_("sample"), upload_to="catalog/samples/", blank=True)

    class Meta:
        ordering = ["version_id", "order"]
        verbose_name = _("material")
        verbose_name_plural = _("materials")

    def __str__(self):
        return self.name


class Fee(models.Model):
    version = models.ForeignKey(ItemVersion, on_delete=models.CASCADE, related_name="fees")
    order = models.PositiveSmallIntegerField(_("order"))
    name = models.CharField(_("name"), max_length=200)
    standard_fen = models.PositiveIntegerField(_("standard (fen)"))  # money in integer fen
    unit = models.CharField(_("unit"), max_length=40, blank=True)
    legal_basis = models.CharField(_("legal basis"), max_length=300)

    class Meta:
        ordering = ["version_id", "order"]
        verbose_name = _("fee")
        verbose_name_plural = _("fees")

    def __str__(self):
        return self.name


class FlowStage(models.Model):
    """A stage of the flow; its steps run in parallel, the stage ends when all are done."""

    version = models.ForeignKey(ItemVersion, on_delete=models.CASCADE, related_name="stages")
    order = models.PositiveSmallIntegerField(_("order"))
    name = models.CharField(_("name"), max_length=50)

    class Meta:
        ordering = ["version_id", "order"]
        verbose_name = _("flow stage")
        verbose_name_plural = _("flow stages")

    def __str__(self):
        return self.name


class FlowStep(models.Model):
    stage = models.ForeignKey(FlowStage, on_delete=models.CASCADE, related_name="steps")
    order = models.PositiveSmallIntegerField(_("order"))
    name = models.CharField(_("name"), max_length=50)
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    department = models.ForeignKey(Department, verbose_name=_("department"), on_delete=models.PROTECT, related_name="+")
    budget = models.PositiveSmallIntegerField(_("budget (working days)"))

    class Meta:
        ordering = ["stage_id", "order"]
        verbose_name = _("flow step")
        verbose_name_plural = _("flow steps")

    def __str__(self):
        return self.name


class ReformRecord(models.Model):
    item = models.ForeignKey(Item, verbose_name=_("item"), on_delete=models.PROTECT, related_name="reform_records")
    status = models.CharField(_("reform status"), max_length=20, choices=ReformStatus.choices)
    effective_date = models.DateField(_("effective date"))
    document_number = models.CharField(_("document number"), max_length=100)
    delegated_to = models.CharField(_("delegated to"), max_length=100, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["item_id", "-effective_date", "-id"]
        verbose_name = _("reform record")
        verbose_name_plural = _("reform records")

    def __str__(self):
        return f"{self.item} {self.get_status_display()} {self.effective_date}"
