from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class CalendarDay(models.Model):
    """One date of the official calendar: whether people work, and why (holiday or 调休)."""

    date = models.DateField(_("date"), primary_key=True)
    is_workday = models.BooleanField(_("working day"))
    name = models.CharField(_("holiday"), max_length=60, blank=True,
                            help_text=_("The holiday the day belongs to, also for a swapped working day."))
    # A local change is on record with its reason and the document that decided it.
    reason = models.CharField(_("reason for change"), max_length=200, blank=True)
    document_number = models.CharField(_("document number"), max_length=100, blank=True)
    changed_at = models.DateTimeField(_("changed"), null=True, blank=True)
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+", verbose_name=_("changed by"))

    class Meta:
        ordering = ["date"]
        verbose_name = _("calendar day")
        verbose_name_plural = _("calendar days")

    def __str__(self):
        return self.date.isoformat()

    @property
    def is_swapped_workday(self) -> bool:
        """A weekend day worked in exchange for a holiday (调休)."""
        return self.is_workday and self.date.weekday() >= 5


class CalendarVersion(models.Model):
    """A single row whose number goes up with every change, so each process knows to reload."""

    version = models.PositiveBigIntegerField(default=1)

    class Meta:
        verbose_name = _("calendar version")

    def __str__(self):
        return str(self.version)
