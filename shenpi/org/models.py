from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Centre(models.Model):
    """The city service centre, or one of its sub-centres (分中心) when it has a parent."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    code = models.SlugField(_("code"), max_length=20, unique=True)
    parent = models.ForeignKey(
        "self", verbose_name=_("parent centre"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="subcentres",
    )
    address = models.CharField(_("address"), max_length=200, blank=True)
    hotline = models.CharField(_("hotline"), max_length=40, blank=True)
    opening_hours = models.CharField(_("opening hours"), max_length=100, blank=True)

    class Meta:
        ordering = ["parent_id", "name"]
        verbose_name = _("centre")
        verbose_name_plural = _("centres")

    def __str__(self):
        return self.name

    @property
    def is_subcentre(self) -> bool:
        return self.parent_id is not None


class Department(models.Model):
    name = models.CharField(_("name"), max_length=100, unique=True)
    short_name = models.CharField(_("short name"), max_length=40, blank=True)
    credit_code = models.CharField(_("unified social credit code"), max_length=18, unique=True)
    centre = models.ForeignKey(
        Centre, verbose_name=_("stationed at"), on_delete=models.PROTECT, related_name="departments",
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("department")
        verbose_name_plural = _("departments")

    def __str__(self):
        return self.name


class ProjectGroup(models.Model):
    """The notice's two project groups (项目群), whose departments sit in the main hall."""

    class Kind(models.TextChoices):
        INVESTMENT = "investment", _("Fixed-asset investment")  # 固定资产投资
        REGISTRATION = "registration", _("Registration")  # 注册登记

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, unique=True)
    name = models.CharField(_("name"), max_length=100)
    departments = models.ManyToManyField(Department, verbose_name=_("departments"), blank=True, related_name="project_groups")

    class Meta:
        ordering = ["kind"]
        verbose_name = _("project group")
        verbose_name_plural = _("project groups")

    def __str__(self):
        return self.name


class Window(models.Model):
    """A service window. Without a department it is a general window (综合窗口)."""

    centre = models.ForeignKey(Centre, verbose_name=_("centre"), on_delete=models.PROTECT, related_name="windows")
    number = models.CharField(_("number"), max_length=10)
    name = models.CharField(_("name"), max_length=100)
    department = models.ForeignKey(
        Department, verbose_name=_("department"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="windows",
    )
    accept_items = models.ManyToManyField(
        "catalog.Item", verbose_name=_("items it may accept"), blank=True, related_name="accepting_windows",
    )
    decide_items = models.ManyToManyField(
        "catalog.Item", verbose_name=_("items it may decide"), blank=True, related_name="deciding_windows",
    )
    video_url_template = models.CharField(
        _("video URL template"), max_length=300, blank=True,
        help_text=_("Address of the window camera's recording; {start} and {end} are replaced by times."),
    )

    class Meta:
        ordering = ["centre_id", "number"]
        constraints = [models.UniqueConstraint(fields=["centre", "number"], name="window_number_unique_per_centre")]
        verbose_name = _("window")
        verbose_name_plural = _("windows")

    def __str__(self):
        return f"{self.centre.name} {self.number} {self.name}"


class Staff(models.Model):
    class Employment(models.TextChoices):
        PERMANENT = "permanent", _("Permanent (on establishment)")  # 在编在岗
        CONTRACT = "contract", _("Contract")  # 合同聘用
        TEMPORARY = "temporary", _("Temporary hire")  # 临时聘用
        DISPATCHED = "dispatched", _("Agency dispatched")  # 劳务派遣

    class Position(models.TextChoices):
        HEAD = "head", _("Head")  # 主要负责人
        DEPUTY_HEAD = "deputy_head", _("Deputy head in charge")  # 分管负责人
        SECTION_CHIEF = "section_chief", _("Approval section chief")  # 行政审批科科长
        DEPUTY_SECTION_CHIEF = "deputy_section_chief", _("Deputy section chief")
        OFFICER = "officer", _("Officer")  # 科员
        OTHER = "other", _("Other")

    user = models.OneToOneField(settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.PROTECT, related_name="staff")
    name = models.CharField(_("name"), max_length=50)
    department = models.ForeignKey(
        Department, verbose_name=_("department"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="staff",
    )
    window = models.ForeignKey(
        Window, verbose_name=_("window"), null=True, blank=True, on_delete=models.PROTECT, related_name="staff",
    )
    employment = models.CharField(_("employment type"), max_length=20, choices=Employment.choices)
    position = models.CharField(_("position"), max_length=30, choices=Position.choices)
    phone = models.CharField(_("phone"), max_length=20, blank=True)

    class Meta:
        ordering = ["department_id", "name"]
        verbose_name = _("staff member")
        verbose_name_plural = _("staff")

    def __str__(self):
        return self.name
