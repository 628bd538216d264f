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
    # An appeal the supervisor upheld withdraws the card; it stays on record, counted nowhere.
    withdrawn = models.BooleanField(_("withdrawn on appeal"), default=False)
    # The sweep's chunk that made it (supervision.warnings): which cards a sweep made, to send
    # their messages, when another sweep may be inserting the same ones.
    batch = models.CharField(max_length=32, default="", editable=False)

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
        # The newest first: a department's, a person's, and everyone's (the centre's supervisors
        # and leaders read all cards; without it each page sorted every card ever made).
        indexes = [models.Index(fields=["department", "created_at"]),
                   models.Index(fields=["responsible", "created_at"]), models.Index(fields=["batch"]),
                   models.Index(fields=["created_at"], name="card_newest_first")]

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


class Order(models.Model):
    """A supervision order (督办): the supervisor asks a department to act on a case, or on its
    work in general, and to reply within some working days; the supervisor rules on the reply."""

    class Status(models.TextChoices):
        OPEN = "open", _("Awaiting reply")  # 待回复
        REPLIED = "replied", _("Replied")  # 已回复
        CLOSED = "closed", _("Closed")  # 已办结
        RETURNED = "returned", _("Reply returned")  # 退回重办

    case = models.ForeignKey(Case, verbose_name=_("case"), null=True, blank=True, on_delete=models.CASCADE,
                             related_name="orders")
    department = models.ForeignKey(Department, verbose_name=_("department"), on_delete=models.PROTECT,
                                   related_name="+")
    content = models.TextField(_("what is ordered"))  # 督办内容
    reply_due = models.DateField(_("reply due"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("issued by"), on_delete=models.PROTECT,
                                  related_name="+")
    issued_at = models.DateTimeField(_("issued"), auto_now_add=True)
    reply = models.TextField(_("reply"), blank=True)
    replied_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("replied by"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    replied_at = models.DateTimeField(_("replied"), null=True, blank=True)
    ruling = models.TextField(_("ruling"), blank=True)
    ruled_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("ruled by"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+")
    ruled_at = models.DateTimeField(_("ruled"), null=True, blank=True)

    class Meta:
        ordering = ["-issued_at"]
        indexes = [models.Index(fields=["department", "status"])]
        verbose_name = _("supervision order")
        verbose_name_plural = _("supervision orders")

    def __str__(self):
        return f"{self.department_id} {self.reply_due}"


class AppealBase(models.Model):
    """What every appeal holds (a card's here, a poor rating's in feedback): the department's
    reason, who filed it and when, and the supervisor's ruling. Each kind names its own subject
    and the words of its statuses."""

    reason = models.TextField(_("reason"))
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("filed by"), on_delete=models.PROTECT,
                                 related_name="+")
    filed_at = models.DateTimeField(_("filed"), auto_now_add=True)
    ruling = models.TextField(_("ruling"), blank=True)
    ruled_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("ruled by"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+")
    ruled_at = models.DateTimeField(_("ruled"), null=True, blank=True)

    class Meta:
        abstract = True
        ordering = ["-filed_at"]


class Appeal(AppealBase):
    """A department's appeal against a card (申诉), and the supervisor's ruling."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        UPHELD = "upheld", _("Upheld: card withdrawn")
        REJECTED = "rejected", _("Rejected: card stands")

    card = models.OneToOneField(Card, verbose_name=_("warning card"), on_delete=models.CASCADE, related_name="appeal")
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)

    class Meta(AppealBase.Meta):
        verbose_name = _("appeal")
        verbose_name_plural = _("appeals")

    def __str__(self):
        return f"{self.card_id} {self.status}"


class Accountability(models.Model):
    """What a person was held to account for (问责记录), with the card, finding or order behind it."""

    class Measure(models.TextChoices):
        REMINDER = "reminder", _("Reminder")  # 提醒
        TALK = "talk", _("Admonishing talk")  # 诫勉谈话
        CRITICISM = "criticism", _("Circulated criticism")  # 通报批评
        WARNING = "warning", _("Efficiency warning")  # 效能告诫
        SELF_EXAMINATION = "self_examination", _("Ordered self-examination")  # 责令检查

    person = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("person"), on_delete=models.PROTECT,
                               related_name="+")
    department = models.ForeignKey(Department, verbose_name=_("department"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    measure = models.CharField(_("measure"), max_length=20, choices=Measure.choices)
    reason = models.TextField(_("reason"))
    case = models.ForeignKey(Case, verbose_name=_("case"), null=True, blank=True, on_delete=models.PROTECT,
                             related_name="+")
    card = models.ForeignKey(Card, verbose_name=_("warning card"), null=True, blank=True, on_delete=models.PROTECT,
                             related_name="+")
    finding = models.ForeignKey(Finding, verbose_name=_("finding"), null=True, blank=True, on_delete=models.PROTECT,
                                related_name="+")
    order = models.ForeignKey(Order, verbose_name=_("supervision order"), null=True, blank=True,
                              on_delete=models.PROTECT, related_name="+")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recorded by"),
                                    on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        ordering = ["-recorded_at"]
        indexes = [models.Index(fields=["person", "recorded_at"])]
        verbose_name = _("accountability record")
        verbose_name_plural = _("accountability records")

    def __str__(self):
        return f"{self.person_id} {self.measure}"


class ExchangeSystem(models.Model):
    """A department's own approval system that pushes its cases to /api/v1/exchange/ (E4),
    with its own token (only the SHA-256 of it is kept)."""

    code = models.CharField(_("system code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=100)
    department = models.ForeignKey(Department, verbose_name=_("department"), on_delete=models.PROTECT,
                                   related_name="+")
    token_sha256 = models.CharField(max_length=64, unique=True)
    active = models.BooleanField(_("active"), default=True)
    last_batch_at = models.DateTimeField(_("last batch"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("exchange system")
        verbose_name_plural = _("exchange systems")

    def __str__(self):
        return f"{self.code} {self.name}"


class FiguresDay(models.Model):
    """A day whose dashboard figures are made (supervision.figures): when, so that figures made
    before the day was over are made again."""
    day = models.DateField(_("day"), unique=True)
    made_at = models.DateTimeField(_("made at"))
    # The share of a limit used counts working days: a calendar changed since makes them again.
    calendar = models.PositiveIntegerField(_("calendar version"), default=0)

    class Meta:
        verbose_name = _("day of figures")
        verbose_name_plural = _("days of figures")

    def __str__(self):
        return self.day.isoformat()


class DayFigures(models.Model):
    """One department's day in the dashboard's figures: cases received and decided, decided
    within the promised and the statutory limit, and the share of the promised limit the
    decisions used (a sum over the decisions that had one, and their count)."""
    day = models.DateField(_("day"))
    department = models.ForeignKey(Department, verbose_name=_("department"), on_delete=models.CASCADE,
                                   related_name="+")
    received = models.PositiveIntegerField(_("received"), default=0)
    decided = models.PositiveIntegerField(_("decided"), default=0)
    on_time = models.PositiveIntegerField(_("decided within the promised limit"), default=0)
    within_law = models.PositiveIntegerField(_("decided within the statutory limit"), default=0)
    used_sum = models.FloatField(_("share of the promised limit used, summed"), default=0.0)
    used_n = models.PositiveIntegerField(_("decisions with a promised limit"), default=0)

    class Meta:
        verbose_name = _("department's day of figures")
        verbose_name_plural = _("departments' days of figures")
        constraints = [models.UniqueConstraint(fields=["day", "department"], name="one_figures_row_a_day")]

    def __str__(self):
        return f"{self.day} {self.department_id}"


class WatchTally(models.Model):
    """The cases being watched (handled or awaiting delivery), counted by department, state and
    the due dates their lights are worked out from (supervision.tally): the dashboard adds these
    rows up instead of reading every open case on each refresh. Kept by triggers on the case
    table, a row of +1 or -1 for each change, and folded into one row a key every minute; derived
    from the cases like an index, so it may be rebuilt from them at any time."""

    department_id = models.BigIntegerField(_("department"))
    state = models.CharField(_("state"), max_length=20)
    # Only the dates the state's light reads (the rest are empty): acceptance for a case
    # submitted, the promise and the law for one accepted, delivery for one decided.
    acceptance_due = models.DateField(null=True)
    promised_due = models.DateField(null=True)
    statutory_due = models.DateField(null=True)
    delivery_due = models.DateField(null=True)
    n = models.IntegerField()
    # Written by the fold (true) or by a trigger since it (false, the database's default: the
    # triggers do not name the column).
    folded = models.BooleanField(default=False, db_default=False)

    class Meta:
        verbose_name = _("tally of the cases watched")
        verbose_name_plural = _("tallies of the cases watched")
        indexes = [
            # The changes since the last fold, which every refresh of the dashboard adds up.
            models.Index(fields=["department_id"], condition=models.Q(folded=False), name="watchtally_since_fold"),
        ]

    def __str__(self):
        return f"{self.department_id} {self.state} {self.n:+d}"


class WatchLights(models.Model):
    """The folded tally's lights, department by department, as of the day of the fold and its
    warning horizon (supervision.tally): a refresh that day reads these rows and the tally's
    changes since the fold, not every key of every department."""

    department_id = models.BigIntegerField(_("department"), unique=True)
    on = models.DateField()
    soon = models.DateField()
    n = models.IntegerField()
    yellow = models.IntegerField()
    red = models.IntegerField()
    severe = models.IntegerField()

    class Meta:
        verbose_name = _("lights of the cases watched")
        verbose_name_plural = _("lights of the cases watched")

    def __str__(self):
        return f"{self.department_id} {self.on} {self.n}"
