from django.db import models
from django.utils.translation import gettext_lazy as _


class SweepRun(models.Model):
    """A run of a periodic sweep that did something or met failures (core.sweeps)."""

    task = models.CharField(_("task"), max_length=100)
    started_at = models.DateTimeField(_("started"))
    finished_at = models.DateTimeField(_("finished"))
    done = models.PositiveIntegerField(_("done"), default=0)
    failed = models.PositiveIntegerField(_("failed"), default=0)
    failures = models.JSONField(_("failures"), default=list, blank=True)

    class Meta:
        ordering = ["-started_at"]
        indexes = [models.Index(fields=["-started_at"])]
        verbose_name = _("sweep run")
        verbose_name_plural = _("sweep runs")

    def __str__(self):
        return f"{self.task} {self.started_at:%Y-%m-%d %H:%M}"
