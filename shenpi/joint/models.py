"""Joint completion acceptance (requirement D2): the site inspections of a joint case and each
department's result at each. The departments' parts are the case's parallel steps (cases);
an inspection gathers them on one day and place, and a department that failed is inspected
again without restarting the others."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from shenpi.cases.models import Case, StepTask
from shenpi.org.models import Department


class Inspection(models.Model):
    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="inspections")
    round = models.PositiveSmallIntegerField(_("round"))  # 1, then a re-inspection 2, 3 …
    on = models.DateField(_("date"))
    place = models.CharField(_("place"), max_length=200)
    # The departments inspecting in this round, each with the people it sends: {department id: names}.
    members = models.JSONField(_("members"), default=dict)
    scheduled_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("scheduled by"),
                                     on_delete=models.PROTECT, related_name="+")
    scheduled_at = models.DateTimeField(_("scheduled"), auto_now_add=True)

    class Meta:
        ordering = ["case_id", "round"]
        constraints = [models.UniqueConstraint(fields=["case", "round"], name="inspection_round_unique")]
        verbose_name = _("site inspection")
        verbose_name_plural = _("site inspections")

    def __str__(self):
        return f"{self.case_id} #{self.round} {self.on}"


class InspectionResult(models.Model):
    inspection = models.ForeignKey(Inspection, verbose_name=_("site inspection"), on_delete=models.CASCADE,
                                   related_name="results")
    step = models.ForeignKey(StepTask, verbose_name=_("step"), on_delete=models.CASCADE, related_name="+")
    department = models.ForeignKey(Department, verbose_name=_("department"), on_delete=models.PROTECT,
                                   related_name="+")
    passed = models.BooleanField(_("passed"))
    items = models.TextField(_("items to fix"), blank=True)
    opinion = models.TextField(_("opinion"), blank=True)
    # A photo or report of what was found (PDF, JPEG, PNG, OFD), checked as case materials are.
    evidence = models.FileField(_("evidence"), upload_to="joint/evidence/%Y/%m/", blank=True)
    evidence_name = models.CharField(max_length=200, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recorded by"),
                                    on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        ordering = ["inspection_id", "department_id"]
        constraints = [models.UniqueConstraint(fields=["inspection", "step"], name="inspection_result_once")]
        verbose_name = _("inspection result")
        verbose_name_plural = _("inspection results")

    def __str__(self):
        return f"{self.inspection_id} {self.department_id} {'pass' if self.passed else 'fail'}"


class Project(models.Model):
    """A construction project (D3): every case of it, across departments, from the project's
    approval to its completion acceptance, on one timeline."""

    code = models.CharField(_("project code"), max_length=40, unique=True)  # 项目代码
    name = models.CharField(_("project name"), max_length=200)
    builder_name = models.CharField(_("builder"), max_length=100)  # 建设单位
    builder_id = models.CharField(_("builder's credit code"), max_length=18, db_index=True)
    site = models.CharField(_("site"), max_length=200)
    investment = models.DecimalField(_("investment (10,000 yuan)"), max_digits=14, decimal_places=2)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("registered by"),
                                   on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("registered"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("construction project")
        verbose_name_plural = _("construction projects")

    def __str__(self):
        return f"{self.code} {self.name}"


class ProjectCase(models.Model):
    project = models.ForeignKey(Project, verbose_name=_("construction project"), on_delete=models.CASCADE,
                                related_name="links")
    case = models.OneToOneField(Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="project_link")
    linked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    linked_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("case of a project")
        verbose_name_plural = _("cases of projects")

    def __str__(self):
        return f"{self.project_id} {self.case_id}"


class Bundle(models.Model):
    """一件事一次办: several items across departments applied for with one form and one set of
    materials; each item becomes its own case on its own clock."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)
    description = models.TextField(_("description"), blank=True)
    items = models.ManyToManyField("catalog.Item", through="BundleItem", verbose_name=_("items"), related_name="+")
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("bundle")
        verbose_name_plural = _("bundles")

    def __str__(self):
        return self.name


class BundleItem(models.Model):
    bundle = models.ForeignKey(Bundle, on_delete=models.CASCADE, related_name="entries")
    item = models.ForeignKey("catalog.Item", verbose_name=_("item"), on_delete=models.PROTECT, related_name="+")
    order = models.PositiveSmallIntegerField(_("order"))

    class Meta:
        ordering = ["bundle_id", "order"]
        constraints = [models.UniqueConstraint(fields=["bundle", "item"], name="bundle_item_once")]

    def __str__(self):
        return f"{self.bundle_id} {self.item_id}"


class BundleApplication(models.Model):
    bundle = models.ForeignKey(Bundle, verbose_name=_("bundle"), on_delete=models.PROTECT, related_name="applications")
    applicant_user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("applicant account"),
                                       on_delete=models.PROTECT, related_name="+")
    applicant_name = models.CharField(_("applicant"), max_length=100)
    submitted_at = models.DateTimeField(_("submitted"), auto_now_add=True)
    cases = models.ManyToManyField(Case, verbose_name=_("cases"), related_name="bundle_applications")

    class Meta:
        ordering = ["-submitted_at"]
        verbose_name = _("bundle application")
        verbose_name_plural = _("bundle applications")

    def __str__(self):
        return f"{self.bundle_id} {self.applicant_name}"


class AcceptanceItem(models.Model):
    """An item handled as a joint completion acceptance: its parallel stage is a site
    inspection (D2). Other items with parallel stages (D1) are parallel approvals whose
    departments each finish their own step."""

    item = models.OneToOneField("catalog.Item", verbose_name=_("item"), on_delete=models.CASCADE, related_name="+")

    class Meta:
        verbose_name = _("joint acceptance item")
        verbose_name_plural = _("joint acceptance items")

    def __str__(self):
        return str(self.item_id)
