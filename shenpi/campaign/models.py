"""The rectification campaign's problem register (G2, 查摆问题): each problem a unit finds in its
approval work, under one of the notice's four headings, with its cause, measure, responsible
person and a deadline in working days. A problem closes only when the four conditions of 四不放过
hold, each recorded by a named person (campaign/problems.py); reopening starts a new round and
keeps every earlier entry."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from shenpi.org.models import Department


class Problem(models.Model):
    class Kind(models.TextChoices):
        SLOW = "slow", _("Slowness")  # 治慢
        DISORDER = "disorder", _("Disorder")  # 治乱
        POOR = "poor", _("Poor service")  # 治差
        SCATTERED = "scattered", _("Scattered work")  # 治散

    class Source(models.TextChoices):
        SELF_CHECK = "self_check", _("Self-check")  # 自查
        COMPLAINT = "complaint", _("Complaint")  # 投诉
        SUPERVISION = "supervision", _("Supervision finding")  # 监察发现
        INSPECTION = "inspection", _("Campaign inspection")  # 检查验收

    class State(models.TextChoices):
        OPEN = "open", _("Being rectified")  # 整改中
        CLOSED = "closed", _("Closed as rectified")  # 已销号

    number = models.CharField(_("number"), max_length=20, unique=True)
    department = models.ForeignKey(Department, verbose_name=_("department"), on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("problem"), max_length=200)
    detail = models.TextField(_("detail"), blank=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    source = models.CharField(_("where found"), max_length=12, choices=Source.choices)
    cause = models.TextField(_("cause"), blank=True)
    measure = models.TextField(_("rectification measure"))
    responsible = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("responsible person"),
                                    on_delete=models.PROTECT, related_name="+")
    found_on = models.DateField(_("found on"))
    deadline_days = models.PositiveIntegerField(_("deadline (working days)"))
    due_on = models.DateField(_("due"))
    state = models.CharField(_("state"), max_length=8, choices=State.choices, default=State.OPEN)
    round = models.PositiveIntegerField(default=1)  # one more at each reopening
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("registered"), auto_now_add=True)

    class Meta:
        ordering = ["-found_on", "-pk"]
        indexes = [models.Index(fields=["department", "state"], name="problem_by_department")]
        verbose_name = _("problem")
        verbose_name_plural = _("problems")

    def __str__(self):
        return f"{self.number} {self.title}"


class ProblemEntry(models.Model):
    """One line of a problem's history: registered, a condition recorded, closed, reopened."""

    class Action(models.TextChoices):
        REGISTERED = "registered", _("Registered")
        CONDITION = "condition", _("Condition recorded")
        CLOSED = "closed", _("Closed as rectified")
        REOPENED = "reopened", _("Reopened")

    class Condition(models.TextChoices):  # 四不放过
        CAUSE = "cause", _("Cause found")  # 原因未查清不放过
        FIXED = "fixed", _("Fixed, with evidence")  # 问题未整改到位不放过
        RESPONSIBILITY = "responsibility", _("Responsibility recorded")  # 责任未追究不放过
        RULE = "rule", _("Rule made or changed")  # 制度未健全不放过

    problem = models.ForeignKey(Problem, on_delete=models.CASCADE, related_name="entries")
    round = models.PositiveIntegerField()
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    condition = models.CharField(_("condition"), max_length=14, choices=Condition.choices, blank=True)
    text = models.TextField(_("what was done"), blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT,
                           related_name="+")
    at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("problem history entry")
        verbose_name_plural = _("problem history")

    def __str__(self):
        return f"{self.problem_id} {self.action} {self.condition}"


class Scheme(models.Model):
    """A version of the assessment scheme (G4): each indicator's weight and, for those counted
    against a department, the points lost per occurrence. A period is scored under the version
    in force on its first day; a change makes a new version from a month on, so the periods
    already scored keep their scores (campaign/assessment.py)."""

    version = models.PositiveIntegerField(_("version"), unique=True)
    effective_from = models.DateField(_("in force from"))
    indicators = models.JSONField(_("indicators"))  # [{"code": …, "weight": …, "per": …}]
    note = models.TextField(_("note"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("made"), auto_now_add=True)

    class Meta:
        ordering = ["-version"]
        verbose_name = _("assessment scheme")
        verbose_name_plural = _("assessment schemes")

    def __str__(self):
        return f"v{self.version}"
