"""The intermediary register (H2, 中介超市, §四(五)2): organisations with their credit codes,
qualifications and their expiry, the services they offer and at what price, and, on a case,
the organisation the applicant chose for a service the item needs (intermediaries/rules.py).
An official naming a particular organisation to the applicant is recorded and flagged."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from shenpi.cases.models import Case


class Intermediary(models.Model):
    name = models.CharField(_("name"), max_length=200)
    credit_code = models.CharField(_("unified social credit code"), max_length=18, unique=True)
    contact = models.CharField(_("contact person"), max_length=50)
    phone = models.CharField(_("phone"), max_length=20)
    address = models.CharField(_("address"), max_length=200, blank=True)
    active = models.BooleanField(_("listed"), default=True)
    created_at = models.DateTimeField(_("registered"), auto_now_add=True)

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("intermediary")
        verbose_name_plural = _("intermediaries")

    def __str__(self):
        return self.name


class Qualification(models.Model):
    intermediary = models.ForeignKey(Intermediary, on_delete=models.CASCADE, related_name="qualifications")
    name = models.CharField(_("qualification"), max_length=200)
    number = models.CharField(_("certificate number"), max_length=100)
    issued_by = models.CharField(_("issued by"), max_length=200, blank=True)
    expires_on = models.DateField(_("expires on"))

    class Meta:
        ordering = ["intermediary", "name"]
        verbose_name = _("qualification")
        verbose_name_plural = _("qualifications")

    def __str__(self):
        return self.name


class Service(models.Model):
    """A service an organisation offers, under the qualification it needs, at a price."""

    intermediary = models.ForeignKey(Intermediary, on_delete=models.CASCADE, related_name="services")
    name = models.CharField(_("service"), max_length=100, db_index=True)
    qualification = models.ForeignKey(Qualification, verbose_name=_("qualification"), null=True, blank=True,
                                      on_delete=models.SET_NULL, related_name="+")
    price_from_fen = models.PositiveBigIntegerField(_("price from (fen)"))
    price_to_fen = models.PositiveBigIntegerField(_("price to (fen)"))
    price_unit = models.CharField(_("price unit"), max_length=50, blank=True)

    class Meta:
        ordering = ["intermediary", "name"]
        verbose_name = _("intermediary service")
        verbose_name_plural = _("intermediary services")

    def __str__(self):
        return self.name

    def price_text(self) -> str:
        """¥800 or ¥800–1,500, with its unit: money kept in fen, shown in yuan."""
        def yuan(fen: int) -> str:
            whole, cents = divmod(fen, 100)
            return f"{whole:,}" + (f".{cents:02d}" if cents else "")
        low, high = yuan(self.price_from_fen), yuan(self.price_to_fen)
        text = f"¥{low}" if low == high else f"¥{low}–{high}"
        return f"{text} {self.price_unit}".strip()


class Choice(models.Model):
    """The organisation chosen for a service on a case, once per case and service."""

    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="intermediaries")
    service = models.ForeignKey(Service, verbose_name=_("service"), on_delete=models.PROTECT, related_name="+")
    chosen_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT,
                                  related_name="+")
    chosen_at = models.DateTimeField(_("recorded"), auto_now_add=True)
    designated = models.BooleanField(_("designated by an official"), default=False)
    designated_by = models.CharField(_("official who designated it"), max_length=100, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["-chosen_at"]
        constraints = [models.UniqueConstraint(fields=["case", "service"], name="choice_once_per_case_service")]
        indexes = [models.Index(fields=["designated", "chosen_at"], name="choice_designated")]
        verbose_name = _("intermediary chosen")
        verbose_name_plural = _("intermediaries chosen")

    def __str__(self):
        return f"{self.case_id} {self.service_id}"
