from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import Q
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from shenpi.audit.models import RECORD_DICTIONARIES
from shenpi.catalog.models import Fee, Item, ItemVersion
from shenpi.core.packed import PackedJSONField, PackedLinesField, PackedTextField
from shenpi.org.models import Centre, Department, Window
from shenpi.org.roles import Role

from .lifecycle import State

USER = settings.AUTH_USER_MODEL


class Case(models.Model):
    # Read beside the row by cases.store.lock_case (not columns of the table).
    centre_name: str
    centre_code: str
    department_name: str
    calendar_version: int
    window_takes: bool
    open_steps: bool
    refused_steps: bool
    loaded_values: tuple
    window_items: dict
    stage_steps: list
    holders: dict
    material_names: set

    class Channel(models.TextChoices):
        WINDOW = "window", _("At a window")
        ONLINE = "online", _("Online")

    class ApplicantType(models.TextChoices):
        PERSON = "person", _("Person")
        ORGANISATION = "organisation", _("Organisation")

    class Decision(models.TextChoices):
        APPROVE = "approve", _("Approve")
        DENY = "deny", _("Deny")

    number = models.CharField(_("case number"), max_length=40)  # unique: Meta.constraints
    query_code = models.CharField(_("query code"), max_length=8)
    centre = models.ForeignKey(Centre, verbose_name=_("centre"), on_delete=models.PROTECT, related_name="cases")
    item = models.ForeignKey(Item, verbose_name=_("item"), on_delete=models.PROTECT, related_name="cases")
    version = models.ForeignKey(ItemVersion, verbose_name=_("item version"), on_delete=models.PROTECT, related_name="cases")
    department = models.ForeignKey(Department, verbose_name=_("department"), on_delete=models.PROTECT, related_name="cases",
                                   db_index=False)  # Meta.indexes leads with it
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    window = models.ForeignKey(Window, verbose_name=_("window"), null=True, blank=True, on_delete=models.PROTECT, related_name="cases")
    received_by = models.ForeignKey(USER, verbose_name=_("received by"), null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    # 网上预审: the clerk who took an online application from the inbox, one at a time.
    claimed_by = models.ForeignKey(USER, verbose_name=_("taken by"), null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    claimed_at = models.DateTimeField(_("taken at"), null=True, blank=True)

    applicant_type = models.CharField(_("applicant type"), max_length=15, choices=ApplicantType.choices)
    applicant_name = models.CharField(_("applicant"), max_length=100)
    applicant_id = models.CharField(_("ID number or credit code"), max_length=18)
    applicant_phone = models.CharField(_("phone"), max_length=11)
    applicant_user = models.ForeignKey(USER, verbose_name=_("applicant account"), null=True, blank=True,
                                       on_delete=models.PROTECT, related_name="applications", db_index=False)

    state = models.CharField(_("state"), max_length=20, choices=State.choices, default=State.SUBMITTED)
    row_version = models.PositiveIntegerField(_("version"), default=1)
    idempotency_key = models.CharField(max_length=120, null=True, blank=True)  # unique: Meta.constraints

    # The clock (design.md): dates in the centre's time zone, recomputed only on clock events.
    received_at = models.DateTimeField(_("received"))
    received_on = models.DateField(_("received on"))
    clock_start = models.DateField(_("clock starts"), help_text=_("Receipt, or the day the supplement was complete"))
    acceptance_due = models.DateField(_("acceptance due"))
    supplemented_on = models.DateField(_("supplement complete on"), null=True, blank=True)
    accepted_on = models.DateField(_("accepted on"), null=True, blank=True)
    deemed_accepted = models.BooleanField(_("deemed accepted"), default=False)
    statutory_limit = models.PositiveIntegerField(_("statutory limit"))
    promised_limit = models.PositiveIntegerField(_("promised limit"))
    extension_days = models.PositiveIntegerField(_("extension (working days)"), default=0)
    suspended_days = models.PositiveIntegerField(_("suspended working days"), default=0)
    statutory_due = models.DateField(_("statutory due"), null=True, blank=True)
    promised_due = models.DateField(_("promised due"), null=True, blank=True)
    # standards.md §1: some stored date (the case's or a step's) reaches into a year whose
    # official schedule was not known when it was counted; recounted when the year is entered.
    provisional = models.BooleanField(_("provisional dates"), default=False)
    # Its notices, sent messages and history moved to its CaseArchive (cases/archive.py).
    archived = models.BooleanField(_("archived"), default=False)

    decision = models.CharField(_("decision"), max_length=10, choices=Decision.choices, blank=True)
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    decided_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                   db_index=False)  # indexed with the day: Meta.indexes
    licence_number = models.CharField(_("licence or document number"), max_length=100, blank=True)
    decision_reasons = models.TextField(_("reasons"), blank=True)
    remedies = models.TextField(_("remedies"), blank=True)
    delivery_due = models.DateField(_("delivery due"), null=True, blank=True)
    delivered_on = models.DateField(_("delivered on"), null=True, blank=True)
    delivery_method = models.CharField(_("delivery method"), max_length=40, blank=True)
    closed_reason = models.TextField(_("reason"), blank=True)

    # E4: a case handled in a department's own system and pushed to supervision through the
    # exchange: the system's code (empty for Shenpi's own cases). Read only in Shenpi.
    external_system = models.CharField(_("handled in"), max_length=20, blank=True)

    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-received_at"]
        indexes = [
            models.Index(fields=["state", "acceptance_due"]),
            models.Index(fields=["state", "promised_due"]),
            models.Index(fields=["state", "statutory_due"]),
            models.Index(fields=["state", "delivery_due"]),  # Art. 44's clock, swept by supervision
            # Supervision's on-time figures, read from the index alone on PostgreSQL.
            models.Index(fields=["decided_on"], name="case_decided_figures",
                         include=["department", "promised_due", "statutory_due", "accepted_on", "promised_limit"]),
            models.Index(fields=["received_on"]),  # supervision's weekly trends
            models.Index(fields=["received_at", "id"]),  # lists newest first, page by page (core.api.KeysetPagination)
            models.Index(fields=["department", "state"]),
            # The cases being handled or awaiting delivery, by department (supervision's lights):
            # only those rows, however many years of completed cases the table holds, with what
            # the lights are worked out from, so that counting them reads the index alone.
            models.Index(fields=["department"], name="case_watched_by_department", condition=Q(state__in=(
                "submitted", "awaiting_supplement", "accepted", "suspended", "approved", "denied")),
                include=["state", "acceptance_due", "promised_due", "statutory_due", "delivery_due"]),
            models.Index(fields=["applicant_user"]),  # with db_index=False on the key: one index, not two
            # One person's decisions over a year (supervision's same-applicant-decider rule); as
            # small as the key's own index was, which it replaces.
            models.Index(fields=["decided_by", "decided_on"], name="case_decided_by_day"),
            # The few cases with provisional dates, for the recount (a partial index: the rest never enter it).
            models.Index(fields=["id"], condition=Q(provisional=True), name="case_provisional"),
            # The delivered cases not yet archived, oldest first (cases/archive.py): only those.
            models.Index(fields=["delivered_on"], condition=Q(state="delivered", archived=False),
                         name="case_to_archive"),
        ]
        # Unique by constraint rather than unique=True: on PostgreSQL that makes no second,
        # pattern-ops index that no query uses (every update of a case writes every index).
        constraints = [
            models.UniqueConstraint(fields=["number"], name="case_number_unique"),
            models.UniqueConstraint(fields=["idempotency_key"], name="case_idempotency_key_unique"),
        ]
        verbose_name = _("case")
        verbose_name_plural = _("cases")

    # The stored due dates (design.md: recomputed only on clock events, found by range scans).
    DUE_DATES = ("acceptance_due", "promised_due", "statutory_due", "delivery_due")

    def __str__(self):
        return self.number

    def notice_list(self) -> list:
        """Its notices as issued, from the working table or its archive (cases/archive.py)."""
        from .archive import notices_of
        return notices_of(self)

    def event_list(self, *related: str) -> list:
        """Its history, oldest first, from the working table or its archive (cases/archive.py),
        with `related` read as select_related would."""
        from .archive import events_of
        return events_of(self, *related)


class CaseCounter(models.Model):
    """Gapless case numbers: one row per centre and day, locked while a number is taken."""

    centre = models.ForeignKey(Centre, on_delete=models.PROTECT, related_name="+", db_index=False)
    day = models.DateField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["centre", "day"], name="case_counter_unique")]

    def __str__(self):
        return f"{self.centre_id} {self.day} {self.last}"


class CaseMaterial(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="materials")
    name = models.CharField(_("material"), max_length=200)
    paper = models.BooleanField(_("received on paper"), default=False)
    file = models.FileField(_("file"), upload_to="cases/%Y/%m/", blank=True)
    original_name = models.CharField(max_length=200, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    size = models.PositiveIntegerField(default=0)
    sha256 = models.CharField(max_length=64, blank=True)
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["case_id", "id"]
        verbose_name = _("case material")
        verbose_name_plural = _("case materials")

    def __str__(self):
        return self.name


class StepTask(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("To do")  # 待办
        DONE = "done", _("Done")  # 已办
        CANCELLED = "cancelled", _("Cancelled")

    class Outcome(models.TextChoices):
        PASS = "pass", _("Pass")  # 通过
        RETURN = "return", _("Return")  # 退回
        REFUSE = "refuse", _("Refuse")  # 不予通过

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="steps")
    stage_order = models.PositiveSmallIntegerField(_("stage"))
    stage_name = models.CharField(_("stage"), max_length=50)
    name = models.CharField(_("step"), max_length=50)
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    department = models.ForeignKey(Department, verbose_name=_("department"), on_delete=models.PROTECT, related_name="+",
                                   db_index=False)  # Meta.indexes leads with it
    assignee = models.ForeignKey(USER, verbose_name=_("responsible person"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="step_tasks",
                                 db_index=False)  # Meta.indexes leads with it
    budget = models.PositiveSmallIntegerField(_("budget (working days)"))
    started_on = models.DateField(_("started"))
    due_on = models.DateField(_("due"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices, blank=True)
    opinion = models.TextField(_("opinion"), blank=True)
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)

    class Meta:
        ordering = ["case_id", "stage_order", "id"]
        # My tasks, the department queue (the most urgent first) and the sweeps.
        # (id last: the lists' order is due_on, id, so a page is read off the index, ties included)
        indexes = [models.Index(fields=["assignee", "status", "due_on", "id"]),
                   models.Index(fields=["department", "status", "due_on", "id"]), models.Index(fields=["status", "due_on"])]
        verbose_name = _("step")
        verbose_name_plural = _("steps")

    def __str__(self):
        return f"{self.case_id} {self.stage_name}/{self.name}"


class SupplementNotice(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="supplement_notices")
    issued_on = models.DateField(_("issued on"))
    materials = models.JSONField(_("materials to supply"), default=list)
    note = models.TextField(_("what else is missing or deficient"), blank=True)
    fulfilled_on = models.DateField(_("fulfilled on"), null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["case"], name="one_supplement_notice_per_case")]
        verbose_name = _("supplement notice")

    def __str__(self):
        return f"{self.case_id} {self.issued_on}"


class Suspension(models.Model):
    class Kind(models.TextChoices):  # 特别程序种类 (standards.md §2): code 2 with the kind named
        HEARING = "听证", _("Hearing")
        BIDDING = "招标", _("Bidding")
        AUCTION = "拍卖", _("Auction")
        INSPECTION = "检验", _("Inspection")
        TESTING = "检测", _("Testing")
        QUARANTINE = "检疫", _("Quarantine")
        APPRAISAL = "鉴定", _("Appraisal")
        EXPERT_REVIEW = "专家评审", _("Expert review")
        PUBLIC_NOTICE = "公示", _("Public notice")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="suspensions")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    reason = models.TextField(_("reason"))
    expected_days = models.PositiveSmallIntegerField(_("expected working days"))
    start_on = models.DateField(_("start"))
    end_on = models.DateField(_("end"), null=True, blank=True)
    result = models.TextField(_("result"), blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["case"], condition=Q(end_on__isnull=True),
                                               name="one_running_suspension_per_case")]
        verbose_name = _("suspension")

    def __str__(self):
        return f"{self.case_id} {self.kind} {self.start_on}"


class Extension(models.Model):
    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="extension")  # once (Art. 42)
    days = models.PositiveSmallIntegerField(_("working days"))
    reason = models.TextField(_("reason"))
    approved_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    on = models.DateField(_("date"))

    class Meta:
        verbose_name = _("extension")

    def __str__(self):
        return f"{self.case_id} +{self.days}"


class FeeCharge(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="charges")
    fee = models.ForeignKey(Fee, on_delete=models.PROTECT, related_name="+")
    amount_fen = models.PositiveIntegerField(_("amount (fen)"))
    charged_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    charged_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("fee charged")
        verbose_name_plural = _("fees charged")

    def __str__(self):
        return f"{self.case_id} {self.amount_fen}"


class CaseEvent(models.Model):
    """The case's history as people see it; append-only."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events",
                             db_index=False)  # the (case, seq) constraint's index serves
    seq = models.PositiveIntegerField()
    at = models.DateTimeField()
    actor = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    actor_name = models.CharField(max_length=150)
    action = models.CharField(max_length=20)
    from_state = models.CharField(max_length=20, blank=True)
    to_state = models.CharField(max_length=20)
    # Deflated against the record's common wording, as audit entries are (core.packed, audit.packing).
    payload = PackedJSONField(default=dict, encoder=DjangoJSONEncoder, dictionaries=RECORD_DICTIONARIES)

    class Meta:
        ordering = ["case_id", "seq"]
        constraints = [models.UniqueConstraint(fields=["case", "seq"], name="case_event_seq_unique")]
        verbose_name = _("case event")
        verbose_name_plural = _("case events")

    def __str__(self):
        return f"{self.case_id}#{self.seq} {self.action}"

    def get_action_label(self) -> str:
        from .lifecycle import action_label
        return action_label(self.action)

    def get_detail(self) -> str:
        """What people need to know of this entry beyond its name: the dates a recount moved,
        a late delivery, an acceptance the law deemed."""
        from .lifecycle import Action
        p = self.payload or {}
        if self.action == Action.RECOUNT:
            parts = [f"{Case._meta.get_field(f).verbose_name} {old} → {new}"  # type: ignore[union-attr]
                     for f, (old, new) in p.get("moved", {}).items()]
            parts += [f"{s['name']} {s['from']} → {s['to']}" for s in p.get("steps", [])]
            return "; ".join(parts)
        if self.action == Action.DELIVER and p.get("late_workdays"):
            return _("delivered %(n)s working days late") % {"n": p["late_workdays"]}
        if self.action in (Action.ACCEPT, Action.DEEM_ACCEPT) and (p.get("deemed") or self.action == Action.DEEM_ACCEPT):
            return _("deemed accepted by law from %(day)s") % {"day": p.get("accepted_on", "")}
        return ""


class Outbox(models.Model):
    """Messages to applicants; a sender delivers them (design: pluggable, default: kept here)."""

    case = models.ForeignKey(Case, verbose_name=_("case"), null=True, blank=True, on_delete=models.CASCADE,
                             related_name="messages")
    phone = models.CharField(_("phone"), max_length=20)
    # Deflated against the messages' common wording (core.packed, cases.packing).
    body = PackedTextField(_("message"), dictionaries="shenpi.cases.packing.MESSAGE_DICTIONARIES")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    error = models.CharField(_("last error"), max_length=300, blank=True)
    # When the worker may try it (again): a failed send backs off; a claimed one is leased.
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        # The sender's queue: the unsent ones only, so the years of sent messages cost no index.
        indexes = [models.Index(fields=["created_at"], condition=Q(sent_at__isnull=True), name="outbox_unsent")]
        verbose_name = _("message to applicant")
        verbose_name_plural = _("messages to applicants")

    def __str__(self):
        return f"{self.phone}: {self.body[:30]}"


class Notice(models.Model):
    """A written notice as issued (行政许可法 Art. 32, 38, 44): its text is fixed when issued;
    the PDF is drawn from that text whenever it is downloaded."""

    class Kind(models.TextChoices):
        ACCEPTANCE = "acceptance", _("Acceptance notice")  # 受理通知书
        SUPPLEMENT = "supplement", _("Supplement notice")  # 补正材料通知书
        REFUSAL = "refusal", _("Refusal notice")  # 不予受理通知书
        APPROVAL = "approval", _("Licensing decision")  # 准予行政许可决定书
        DENIAL = "denial", _("Denial decision")  # 不予行政许可决定书
        RECEIPT = "receipt", _("Delivery receipt")  # 送达回证
        EXTENSION = "extension", _("Extension notice")  # 延长审批期限告知书 (Art. 42)
        SPECIAL = "special", _("Special procedure notice")  # 特别程序告知书 (Art. 45)
        TERMINATION = "termination", _("Termination notice")  # 终止审批通知书
        MATERIALS = "materials", _("Receipt of materials")  # 收件凭证
        JOINT = "joint", _("Joint acceptance opinion")  # 联合验收意见书 (D2): every department's result

    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="notices")
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    number = models.CharField(_("document number"), max_length=60)  # unique: Meta.constraints
    title = models.CharField(_("title"), max_length=60)
    # Paragraphs, deflated against the notices' common wording (core.packed, cases.packing).
    body = PackedLinesField(_("text"), dictionaries="shenpi.cases.packing.NOTICE_DICTIONARIES", default=list)
    issued_at = models.DateTimeField(_("issued"))

    class Meta:
        ordering = ["case_id", "issued_at", "id"]
        constraints = [models.UniqueConstraint(fields=["number"], name="notice_number_unique")]
        verbose_name = _("notice")
        verbose_name_plural = _("notices")

    def __str__(self):
        return self.number


class LookupFailure(models.Model):
    """Failed public lookups (a case number with a wrong query code, or throttled), per day,
    number and address, for supervisors to see who is guessing at what (cases.lookup)."""

    day = models.DateField(_("day"))
    number = models.CharField(_("case number"), max_length=40)
    address = models.CharField(_("address"), max_length=45, blank=True)  # an IPv4 or IPv6 address, or ""
    failures = models.PositiveIntegerField(_("failures"), default=0)
    throttled = models.PositiveIntegerField(_("refused as too many"), default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["day", "number", "address"], name="lookup_failure_unique")]
        verbose_name = _("failed lookup")
        verbose_name_plural = _("failed lookups")

    def __str__(self):
        return f"{self.day} {self.number} {self.address}"


class ArchiveDictionary(models.Model):
    """A preset dictionary (zlib's, 32 KB) for the archive documents: the wording notices and
    messages share from case to case, taken once from the first cases archived and never
    changed, so every document compressed with it reads back (cases/archive.py)."""

    made_at = models.DateTimeField(_("made"))
    data = models.BinaryField(_("dictionary"))

    class Meta:
        verbose_name = _("archive dictionary")
        verbose_name_plural = _("archive dictionaries")

    def __str__(self):
        return f"{self.pk} ({len(self.data)} B)"


class CaseArchive(models.Model):
    """The notices, sent messages and history of a case delivered years ago, moved out of the
    working tables into one compressed document (cases/archive.py): still read on the case
    page, by the lookup and through the API, as they were issued. Its `events` are empty while
    the history stays in the working table (a supervision finding points at one of its events)."""

    case = models.OneToOneField(Case, verbose_name=_("case"), primary_key=True, on_delete=models.CASCADE,
                                related_name="archive")
    archived_at = models.DateTimeField(_("archived"))
    # JSON {"notices": [...], "messages": [...], "events": [...]}, deflated with the dictionary
    # (none: without one).
    dictionary = models.ForeignKey(ArchiveDictionary, verbose_name=_("dictionary"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    document = models.BinaryField(_("document"))

    class Meta:
        verbose_name = _("case archive")
        verbose_name_plural = _("case archives")

    def __str__(self):
        return str(self.case_id)

    @cached_property
    def content(self) -> dict:
        from .archive import unpack
        return unpack(bytes(self.document), self.dictionary)

    @property
    def notices(self) -> list[dict]:
        return self.content["notices"]

    @property
    def messages(self) -> list[dict]:
        return self.content["messages"]

    @property
    def events(self) -> list[dict]:
        return self.content["events"]
