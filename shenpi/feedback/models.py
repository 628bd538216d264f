"""Ratings of finished cases (好差评, requirement F2): five levels (standards.md §2), one per
case and channel, given by the case's applicant; a poor rating (4, 5) opens a follow-up with a
call-back and a rectification limit, and ends with the applicant's second rating."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from shenpi.cases.models import Case
from shenpi.org.models import Department, Window


class Rating(models.Model):
    class Level(models.IntegerChoices):  # 满意度 (GB/T 39046)
        VERY_SATISFIED = 1, _("Very satisfied")  # 非常满意
        SATISFIED = 2, _("Satisfied")  # 满意
        FAIRLY_SATISFIED = 3, _("Fairly satisfied")  # 基本满意
        DISSATISFIED = 4, _("Dissatisfied")  # 不满意
        VERY_DISSATISFIED = 5, _("Very dissatisfied")  # 非常不满意

    class Channel(models.TextChoices):  # 渠道
        PORTAL = "portal", _("Online portal")
        SMS = "sms", _("Link in the SMS")
        WINDOW = "window", _("Window tablet")

    POOR = (Level.DISSATISFIED, Level.VERY_DISSATISFIED)  # 差评

    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="ratings")
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    level = models.PositiveSmallIntegerField(_("rating"), choices=Level.choices)
    text = models.TextField(_("comment"), blank=True)
    department = models.ForeignKey(Department, verbose_name=_("department"), on_delete=models.PROTECT, related_name="+")
    window = models.ForeignKey(Window, verbose_name=_("window"), null=True, blank=True, on_delete=models.PROTECT,
                               related_name="+")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("staff rated"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="+")
    given_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("given by"), on_delete=models.PROTECT,
                                 related_name="+")
    given_at = models.DateTimeField(_("given"), auto_now_add=True)

    class Meta:
        ordering = ["-given_at"]
        constraints = [models.UniqueConstraint(fields=["case", "channel"], name="rating_once_per_case_channel")]
        indexes = [models.Index(fields=["department", "given_at"])]
        verbose_name = _("rating")
        verbose_name_plural = _("ratings")

    def __str__(self):
        return f"{self.case_id} {self.channel} {self.level}"

    @property
    def poor(self) -> bool:
        return self.level in self.POOR


class FollowUp(models.Model):
    """A poor rating's follow-up: the department calls the applicant back within a working day,
    rectifies within the set limit, and the applicant rates again."""

    rating = models.OneToOneField(Rating, verbose_name=_("rating"), on_delete=models.CASCADE, related_name="follow_up")
    department = models.ForeignKey(Department, verbose_name=_("department"), on_delete=models.PROTECT, related_name="+")
    call_back_due = models.DateField(_("call back by"))
    called_back_at = models.DateTimeField(_("called back"), null=True, blank=True)
    call_note = models.TextField(_("call-back note"), blank=True)
    rectify_due = models.DateField(_("rectify by"))
    rectified_at = models.DateTimeField(_("rectified"), null=True, blank=True)
    rectification = models.TextField(_("rectification"), blank=True)
    second_level = models.PositiveSmallIntegerField(_("second rating"), choices=Rating.Level.choices, null=True,
                                                    blank=True)

    class Meta:
        ordering = ["call_back_due"]
        indexes = [models.Index(fields=["department", "rectified_at"])]
        verbose_name = _("poor-rating follow-up")
        verbose_name_plural = _("poor-rating follow-ups")

    def __str__(self):
        return f"{self.rating_id} {self.call_back_due}"
