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
