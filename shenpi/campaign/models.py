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


class Campaign(models.Model):
    """A rectification campaign (G1, 专项整治): its phases with dates, the units taking part, and
    the report each unit owes at the end of a phase (campaign/campaigns.py)."""

    name = models.CharField(_("name"), max_length=200)
    document = models.CharField(_("document number"), max_length=100, blank=True)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    units = models.ManyToManyField(Department, verbose_name=_("units taking part"), related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("made"), auto_now_add=True)

    class Meta:
        ordering = ["-starts_on", "-pk"]
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")

    def __str__(self):
        return self.name


class Phase(models.Model):
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="phases")
    order = models.PositiveSmallIntegerField(_("order"))
    name = models.CharField(_("phase"), max_length=100)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    report_name = models.CharField(_("report owed"), max_length=100, blank=True)  # empty: none owed
    report_due = models.DateField(_("report due"), null=True, blank=True)

    class Meta:
        ordering = ["campaign", "order"]
        constraints = [models.UniqueConstraint(fields=["campaign", "order"], name="phase_order_unique")]
        verbose_name = _("phase")
        verbose_name_plural = _("phases")

    def __str__(self):
        return self.name


class Report(models.Model):
    """A unit's plan or phase report, once per phase; a late one is kept and counted late."""

    phase = models.ForeignKey(Phase, on_delete=models.CASCADE, related_name="reports")
    department = models.ForeignKey(Department, verbose_name=_("department"), on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("report"))
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("submitted by"), on_delete=models.PROTECT,
                                     related_name="+")
    submitted_at = models.DateTimeField(_("submitted"))
    submitted_on = models.DateField(_("submitted on"))

    class Meta:
        constraints = [models.UniqueConstraint(fields=["phase", "department"], name="report_once_per_phase")]
        verbose_name = _("phase report")
        verbose_name_plural = _("phase reports")

    def __str__(self):
        return f"{self.phase_id} {self.department_id}"


class Inspection(models.Model):
    """An inspection of a unit's rectification (G3, 检查验收): planned, scored per criterion with
    notes and evidence, given a result, and published."""

    class Result(models.TextChoices):
        PRAISE = "praise", _("Commended")  # 表扬
        CRITICISM = "criticism", _("Criticised in a circular")  # 通报批评
        RECTIFY = "rectify", _("Rectify within a time limit")  # 限期整改

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="inspections")
    department = models.ForeignKey(Department, verbose_name=_("department"), on_delete=models.PROTECT, related_name="+")
    planned_on = models.DateField(_("planned for"))
    inspectors = models.CharField(_("inspectors"), max_length=200)
    planned_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    scored_on = models.DateField(_("scored on"), null=True, blank=True)
    scored_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+")
    total = models.PositiveSmallIntegerField(_("score"), null=True, blank=True)
    result = models.CharField(_("result"), max_length=10, choices=Result.choices, blank=True)
    conclusion = models.TextField(_("conclusion"), blank=True)
    published_on = models.DateField(_("published on"), null=True, blank=True)

    class Meta:
        ordering = ["-planned_on", "-pk"]
        verbose_name = _("inspection")
        verbose_name_plural = _("inspections")

    def __str__(self):
        return f"{self.department_id} {self.planned_on}"


class InspectionScore(models.Model):
    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="scores")
    criterion = models.CharField(_("criterion"), max_length=20)
    score = models.PositiveSmallIntegerField(_("score"))
    note = models.TextField(_("note"), blank=True)
    evidence = models.TextField(_("evidence"), blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["inspection", "criterion"], name="score_once_per_criterion")]
        verbose_name = _("inspection score")
        verbose_name_plural = _("inspection scores")

    def __str__(self):
        return f"{self.inspection_id} {self.criterion} {self.score}"


class DutyShift(models.Model):
    """The roster (B3, §四(四)3): the deputy head in charge at the centre (three times a week)
    and the approval section chief sitting at the window (科长坐班), day by day."""

    class Kind(models.TextChoices):
        DEPUTY_HEAD = "deputy_head", _("Deputy head on site")  # 分管负责人现场办公
        SECTION_CHIEF = "section_chief", _("Section chief at the window")  # 科长坐班

    department = models.ForeignKey(Department, verbose_name=_("department"), on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("person on duty"), on_delete=models.PROTECT,
                               related_name="+")
    kind = models.CharField(_("duty"), max_length=14, choices=Kind.choices)
    day = models.DateField(_("day"))
    planned_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["day", "department_id", "kind"]
        constraints = [models.UniqueConstraint(fields=["person", "day", "kind"], name="duty_once_a_day")]
        indexes = [models.Index(fields=["day", "department"], name="duty_by_day")]
        verbose_name = _("duty shift")
        verbose_name_plural = _("duty roster")

    def __str__(self):
        return f"{self.day} {self.person_id} {self.kind}"


class Attendance(models.Model):
    """A person's sign-in at the centre for a day, and their sign-out."""

    person = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("person"), on_delete=models.PROTECT,
                               related_name="+")
    department = models.ForeignKey(Department, verbose_name=_("department"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    day = models.DateField(_("day"))
    signed_in_at = models.DateTimeField(_("signed in"))
    signed_out_at = models.DateTimeField(_("signed out"), null=True, blank=True)

    class Meta:
        ordering = ["-day", "person_id"]
        constraints = [models.UniqueConstraint(fields=["person", "day"], name="attendance_once_a_day")]
        indexes = [models.Index(fields=["day", "department"], name="attendance_by_day")]
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")

    def __str__(self):
        return f"{self.day} {self.person_id}"
