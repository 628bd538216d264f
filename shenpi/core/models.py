from django.db import models
from django.utils.translation import gettext_lazy as _

# What each sweep is called where people read it (the admin's list of runs).
TASK_LABELS = {
    "deliver_outbox": _("Sending messages"),
    "sweep_deemed_acceptance": _("Deemed acceptance (Art. 32)"),
    "sweep_provisional_dates": _("Recounting provisional dates"),
    "sweep_warnings": _("Overtime warnings"),
    "sweep_anomaly_rules": _("Anomaly rules"),
    "replay_anomaly_rules": _("Anomaly rules over history"),
    "sweep_feedback_warnings": _("Overtime warnings on complaints and poor ratings"),
    "archive_delivered_cases": _("Archiving delivered cases"),
    "fold_watch_tally": _("Tallying the cases watched"),
    "day-figures": _("The dashboard's figures of past days"),
    "purge_expired_tokens": _("Deleting expired API tokens"),
    "purge_expired_counters": _("Deleting expired guard counters"),
}


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
        return f"{self.task_label()} {self.started_at:%Y-%m-%d %H:%M}"

    def task_label(self) -> str:
        return str(TASK_LABELS.get(self.task, self.task))
    task_label.short_description = _("task")  # type: ignore[attr-defined]


class Stamp(models.Model):
    """A counter raised, in the writing transaction, whenever what a family of cached pages
    shows changes (core.stamps): the public catalog and guides read it to know whether what they
    rendered before still holds, and answer with it as their ETag."""

    name = models.CharField(_("name"), max_length=40, primary_key=True)
    value = models.BigIntegerField(_("value"), default=0)
    changed_at = models.DateTimeField(_("changed"))

    class Meta:
        verbose_name = _("cache stamp")
        verbose_name_plural = _("cache stamps")

    def __str__(self):
        return f"{self.name} {self.value}"


class Counter(models.Model):
    """A guard's count over a time window (core.throttle): lookups and failed lookups per
    address or case number, failed logins per address, complaints per address. Kept in the
    database, which every server process shares, and raised by one atomic statement, so that
    concurrent guesses are all counted and no counter is dropped to make room for another."""

    name = models.CharField(_("name"), max_length=200, primary_key=True)
    hits = models.PositiveIntegerField(_("hits"), default=0)
    expires_at = models.DateTimeField(_("expires"))

    class Meta:
        verbose_name = _("guard counter")
        verbose_name_plural = _("guard counters")

    def __str__(self):
        return f"{self.name} {self.hits}"
