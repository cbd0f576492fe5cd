from django.db import models
from django.utils.translation import gettext_lazy as _


class NightlyRun(models.Model):
    """One night's batch, claimed once per date so that two beats cannot both start it."""

    class Status(models.TextChoices):
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    run_date = models.DateField(_("run date"), unique=True)
    # The Celery task id that claimed the date: a redelivery of the same message (a worker
    # killed mid-run) may carry on; any other trigger for the date is turned away.
    task_id = models.CharField(_("task id"), max_length=255)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    steps_done = models.JSONField(_("steps done"), default=list)
    error = models.TextField(_("error"), blank=True)
    started_at = models.DateTimeField(_("started at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("nightly run")
        verbose_name_plural = _("nightly runs")
        ordering = ["-run_date"]

    def __str__(self):
        return f"{self.run_date} ({self.get_status_display()})"
