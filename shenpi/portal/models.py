from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class OneTimeCode(models.Model):
    """A code sent by SMS, kept only as its hash, valid until it expires, used or guessed wrong
    too often (portal.services)."""

    code_hash = models.CharField(max_length=128)
    created_at = models.DateTimeField(_("created"))
    expires_at = models.DateTimeField(_("expires"))
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    used_at = models.DateTimeField(_("used"), null=True, blank=True)

    class Meta:
        abstract = True


class ResetCode(OneTimeCode):
    """A one-time code sent by SMS for an applicant to set a new password."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("account"), on_delete=models.CASCADE,
                             related_name="+")

    class Meta:
        indexes = [models.Index(fields=["user", "created_at"])]
        verbose_name = _("password reset code")
        verbose_name_plural = _("password reset codes")

    def __str__(self):
        return f"{self.user_id} {self.created_at:%Y-%m-%d %H:%M}"


class SignupCode(OneTimeCode):
    """A one-time code sent by SMS to register a mobile number. A number that has an account
    gets a row without a code (and an SMS saying so): the answer and the limits are the same
    either way, so nobody learns from the page which numbers are registered."""

    phone = models.CharField(_("mobile phone"), max_length=11)
    code_hash = models.CharField(max_length=128, blank=True)

    class Meta:
        indexes = [models.Index(fields=["phone", "created_at"])]
        verbose_name = _("registration code")
        verbose_name_plural = _("registration codes")

    def __str__(self):
        return f"{self.phone[:3]}****{self.phone[-4:]} {self.created_at:%Y-%m-%d %H:%M}"
