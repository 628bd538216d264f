"""Complaints (投诉, requirement F1) and ratings (好差评, F2).

A rating has five levels (standards.md §2), one per case and channel, given by the case's
applicant; a poor rating (4, 5) opens a follow-up with a call-back and a rectification limit,
and ends with the applicant's second rating. A department may appeal a rating it believes
malicious; an upheld appeal takes it out of the figures, never out of the record.

A complaint, from the portal, the phone, the window or a letter, names a department and maybe
a person or a case; supervisors accept it within a limit and give it to a handling department,
which investigates, may extend its reply once with reasons, and replies within a limit; the
complainant follows it with its number and query code and rates the handling. An anonymous
complaint has no query code and so no follow-up."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from shenpi.cases.models import Case
from shenpi.org.models import Department, Window
from shenpi.supervision.models import AppealBase


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
    indicators = models.JSONField(_("indicators"), default=list, blank=True)
    # The applicant's account on the portal; empty for the SMS link and the window tablet,
    # where the link's token or the counter tied the rating to the case's applicant.
    given_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("given by"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+")
    given_at = models.DateTimeField(_("given"), auto_now_add=True)
    # An appeal upheld: kept in the record, left out of every figure.
    excluded = models.BooleanField(_("left out of the figures"), default=False)

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
    called_back_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("called back by"), null=True,
                                       blank=True, on_delete=models.PROTECT, related_name="+")
    call_note = models.TextField(_("call-back note"), blank=True)
    rectify_due = models.DateField(_("rectify by"))
    rectified_at = models.DateTimeField(_("rectified"), null=True, blank=True)
    rectified_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("rectified by"), null=True,
                                     blank=True, on_delete=models.PROTECT, related_name="+")
    rectification = models.TextField(_("rectification"), blank=True)
    second_level = models.PositiveSmallIntegerField(_("second rating"), choices=Rating.Level.choices, null=True,
                                                    blank=True)
    second_text = models.TextField(_("second comment"), blank=True)
    second_rated_at = models.DateTimeField(_("rated again"), null=True, blank=True)

    class Meta:
        ordering = ["call_back_due"]
        indexes = [models.Index(fields=["department", "rectified_at"])]
        verbose_name = _("poor-rating follow-up")
        verbose_name_plural = _("poor-rating follow-ups")

    def __str__(self):
        return f"{self.rating_id} {self.call_back_due}"


class RatingAppeal(AppealBase):
    """A department's appeal against a poor rating it believes malicious (恶意差评申诉); a
    supervisor rules, and an upheld appeal takes the rating out of the figures."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Awaiting ruling")
        UPHELD = "upheld", _("Upheld")
        DISMISSED = "dismissed", _("Dismissed")

    rating = models.OneToOneField(Rating, verbose_name=_("rating"), on_delete=models.CASCADE, related_name="appeal")
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)

    class Meta(AppealBase.Meta):
        verbose_name = _("rating appeal")
        verbose_name_plural = _("rating appeals")

    def __str__(self):
        return f"{self.rating_id} {self.status}"


class Complaint(models.Model):
    class Source(models.TextChoices):  # 投诉渠道
        PORTAL = "portal", _("Online portal")
        PHONE = "phone", _("Telephone")
        WINDOW = "window", _("At the window")
        LETTER = "letter", _("Letter")

    class Status(models.TextChoices):
        RECEIVED = "received", _("Awaiting acceptance")  # 待受理
        NOT_ACCEPTED = "not_accepted", _("Not accepted")  # 不予受理
        INVESTIGATING = "investigating", _("Being investigated")  # 调查处理中
        REPLIED = "replied", _("Replied")  # 已答复

    class Finding(models.TextChoices):  # 调查结论
        SUBSTANTIATED = "substantiated", _("Substantiated")  # 属实
        PARTLY = "partly", _("Partly substantiated")  # 部分属实
        UNSUBSTANTIATED = "unsubstantiated", _("Not substantiated")  # 不属实

    number = models.CharField(_("complaint number"), max_length=20, unique=True)
    query_code = models.CharField(_("query code"), max_length=16, blank=True)  # none when anonymous
    source = models.CharField(_("source"), max_length=10, choices=Source.choices)
    anonymous = models.BooleanField(_("anonymous"), default=False)
    complainant_user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("complainant's account"), null=True,
                                         blank=True, on_delete=models.PROTECT, related_name="+")
    complainant_name = models.CharField(_("complainant"), max_length=100, blank=True)
    complainant_phone = models.CharField(_("complainant's phone"), max_length=20, blank=True)
    against_department = models.ForeignKey(Department, verbose_name=_("department complained of"),
                                           on_delete=models.PROTECT, related_name="+")
    against_person = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("person complained of"), null=True,
                                       blank=True, on_delete=models.PROTECT, related_name="+")
    against_name = models.CharField(_("person complained of, as named"), max_length=100, blank=True)
    case = models.ForeignKey(Case, verbose_name=_("case"), null=True, blank=True, on_delete=models.PROTECT,
                             related_name="complaints")
    content = models.TextField(_("what happened"))
    status = models.CharField(_("status"), max_length=15, choices=Status.choices, default=Status.RECEIVED)
    received_at = models.DateTimeField(_("received"))
    received_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("registered by"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    accept_due = models.DateField(_("accept by"))
    accepted_at = models.DateTimeField(_("accepted or refused"), null=True, blank=True)
    accepted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("accepted by"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    not_accepted_reason = models.TextField(_("reason for not accepting"), blank=True)
    handling_department = models.ForeignKey(Department, verbose_name=_("handling department"), null=True,
                                            blank=True, on_delete=models.PROTECT, related_name="+")
    assignee = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("handler"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+")
    first_reply_due = models.DateField(_("reply due as first set"), null=True, blank=True)
    reply_due = models.DateField(_("reply by"), null=True, blank=True)
    extended_days = models.PositiveSmallIntegerField(_("extended by (working days)"), default=0)
    extension_reason = models.TextField(_("reason for the extension"), blank=True)
    extended_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("extended by"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    finding = models.CharField(_("finding of the investigation"), max_length=20, choices=Finding.choices, blank=True)
    reply = models.TextField(_("reply and result"), blank=True)
    replied_at = models.DateTimeField(_("replied"), null=True, blank=True)
    replied_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("replied by"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    accountability = models.ForeignKey("supervision.Accountability", verbose_name=_("accountability record"),
                                       null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    handling_level = models.PositiveSmallIntegerField(_("complainant's rating of the handling"),
                                                      choices=Rating.Level.choices, null=True, blank=True)
    handling_text = models.TextField(_("complainant's comment on the handling"), blank=True)
    handling_rated_at = models.DateTimeField(_("handling rated"), null=True, blank=True)

    class Meta:
        ordering = ["-received_at"]
        indexes = [models.Index(fields=["handling_department", "status"]), models.Index(fields=["status", "accept_due"])]
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")

    def __str__(self):
        return self.number


class ComplaintNote(models.Model):
    """An investigation note (调查记录), in the order written; kept."""

    complaint = models.ForeignKey(Complaint, verbose_name=_("complaint"), on_delete=models.CASCADE,
                                  related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("written by"), on_delete=models.PROTECT,
                               related_name="+")
    text = models.TextField(_("note"))
    written_at = models.DateTimeField(_("written"), auto_now_add=True)

    class Meta:
        ordering = ["written_at", "pk"]
        verbose_name = _("investigation note")
        verbose_name_plural = _("investigation notes")

    def __str__(self):
        return f"{self.complaint_id} {self.written_at:%Y-%m-%d}"


class Reminder(models.Model):
    """An overtime warning on a complaint's or a poor rating's clock (E2 for F1, F2): yellow on
    the last working day (SHENPI_WARNING_DAYS), red once past; made once each, by the sweep,
    with an SMS to whoever must act."""

    class Clock(models.TextChoices):
        ACCEPT = "accept", _("Complaint: acceptance")
        REPLY = "reply", _("Complaint: reply")
        CALL_BACK = "call_back", _("Poor rating: call-back")
        RECTIFY = "rectify", _("Poor rating: rectification")

    class Level(models.TextChoices):
        YELLOW = "yellow", _("Yellow: due soon")
        RED = "red", _("Red: overdue")

    clock = models.CharField(_("clock"), max_length=10, choices=Clock.choices)
    level = models.CharField(_("warning level"), max_length=8, choices=Level.choices)
    complaint = models.ForeignKey(Complaint, verbose_name=_("complaint"), null=True, blank=True,
                                  on_delete=models.CASCADE, related_name="reminders")
    follow_up = models.ForeignKey(FollowUp, verbose_name=_("poor-rating follow-up"), null=True, blank=True,
                                  on_delete=models.CASCADE, related_name="reminders")
    # "c<complaint id>" or "f<follow-up id>": one key for the unique rule whichever it is.
    subject = models.CharField(max_length=24, editable=False)
    department = models.ForeignKey(Department, verbose_name=_("department"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    due_on = models.DateField(_("due"))
    on = models.DateField(_("found on"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["subject", "clock", "level"], name="reminder_once")]
        verbose_name = _("overtime warning")
        verbose_name_plural = _("overtime warnings")

    def __str__(self):
        return f"{self.subject} {self.clock} {self.level}"
