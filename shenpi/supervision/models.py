"""Electronic supervision's records (requirements E1–E6). A warning card is made once per case
(or step), clock and level, naming who held the case when the line was crossed."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from shenpi.cases.models import Case, StepTask
from shenpi.org.models import Department


class Card(models.Model):
    class Clock(models.TextChoices):
        ACCEPTANCE = "acceptance", _("Acceptance (Art. 32)")
        PROMISED = "promised", _("Promised limit")
        STATUTORY = "statutory", _("Statutory limit")
        DELIVERY = "delivery", _("Delivery (Art. 44)")
        STEP = "step", _("Step")

    class Level(models.TextChoices):
        YELLOW = "yellow", _("Yellow: due soon")  # 黄牌预警
        RED = "red", _("Red: overdue")  # 红牌
        SEVERE = "severe", _("Severe: past the statutory limit")  # 严重超期

    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="cards")
    step = models.ForeignKey(StepTask, verbose_name=_("step"), null=True, blank=True, on_delete=models.CASCADE,
                             related_name="cards")
    clock = models.CharField(_("clock"), max_length=12, choices=Clock.choices)
    level = models.CharField(_("warning level"), max_length=8, choices=Level.choices)
    due_on = models.DateField(_("due"))
    on = models.DateField(_("found on"))
    responsible = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("responsible person"), null=True,
                                    blank=True, on_delete=models.PROTECT, related_name="+")
    department = models.ForeignKey(Department, verbose_name=_("department"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("warning card")
        verbose_name_plural = _("warning cards")
        constraints = [
            # Once per case, clock and level; for a step, once per step and level. Any number of
            # sweeps may race: the second insert fails and is skipped.
            models.UniqueConstraint(fields=["case", "clock", "level"], condition=Q(step__isnull=True),
                                    name="card_once_per_case_clock_level"),
            models.UniqueConstraint(fields=["step", "level"], condition=Q(step__isnull=False),
                                    name="card_once_per_step_level"),
        ]
        indexes = [models.Index(fields=["department", "created_at"]),
                   models.Index(fields=["responsible", "created_at"])]

    def __str__(self):
        return f"{self.case_id} {self.clock} {self.level}"


class Finding(models.Model):
    """What an anomaly rule found in a case's history (supervision/rules.py): once per event
    and rule, whoever runs the rules and however often."""

    class Category(models.TextChoices):
        TIMELINESS = "timeliness", _("Timeliness")  # 时效
        PROCESS = "process", _("Process")  # 流程
        CONTENT = "content", _("Content")  # 内容
        FEES = "fees", _("Fees")  # 收费
        INTEGRITY = "integrity", _("Integrity")  # 廉政

    class Severity(models.TextChoices):
        NOTICE = "notice", _("Notice")
        SERIOUS = "serious", _("Serious")

    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="findings")
    event = models.ForeignKey("cases.CaseEvent", verbose_name=_("case event"), on_delete=models.CASCADE,
                              related_name="+")
    rule = models.CharField(_("rule"), max_length=40)
    category = models.CharField(_("category"), max_length=12, choices=Category.choices)
    severity = models.CharField(_("severity"), max_length=8, choices=Severity.choices)
    detail = models.TextField(_("detail"))
    person = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("person"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="+")
    department = models.ForeignKey(Department, verbose_name=_("department"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    found_at = models.DateTimeField(_("found"), auto_now_add=True)

    class Meta:
        ordering = ["-found_at"]
        verbose_name = _("finding")
        verbose_name_plural = _("findings")
        constraints = [models.UniqueConstraint(fields=["event", "rule"], name="finding_once_per_event_rule")]
        indexes = [models.Index(fields=["department", "found_at"])]

    def __str__(self):
        return f"{self.case_id} {self.rule}"


class RuleCursor(models.Model):
    """How far the rules have read the case events (their ids), advanced only by a conditional
    update, so several workers may run the rules at once."""

    key = models.CharField(max_length=20, unique=True)
    last_event_id = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("rule cursor")
        verbose_name_plural = _("rule cursors")

    def __str__(self):
        return f"{self.key}: {self.last_event_id}"
