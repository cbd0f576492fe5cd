"""What the nightly steps' ledgers share: a run per date, cut into account-id chunks.

The score step (accounts.ScoringRun, ScoringChunk) and the offers step (opportunities
OfferRun, OfferChunk) each keep one; the chunks are claimed, worked and marked done as
accounts.chunks describes. Abstract: each step's tables are its own.
"""

import time

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ChunkedRun(models.Model):
    """One run of a nightly step over every account; done once all its chunks are."""

    class Status(models.TextChoices):
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    status = models.CharField(_("status"), max_length=8, choices=Status.choices)
    started_at = models.DateTimeField(_("started at"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        abstract = True

    def pending_ranges(self) -> list[tuple[int, int]]:
        """The (lo, hi) of its chunks not done yet (related name `chunks` in each subclass)."""
        return list(self.chunks.filter(done_at__isnull=True).values_list("lo", "hi"))


class RunChunk(models.Model):
    """One account-id range [lo, hi] of a run (the subclass adds `run`)."""

    lo = models.PositiveBigIntegerField(_("first account id"))
    hi = models.PositiveBigIntegerField(_("last account id"))
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    seconds = models.FloatField(_("seconds"), null=True, blank=True)

    class Meta:
        abstract = True

    @classmethod
    def claim(cls, **lookup) -> "RunChunk | None":
        """The pending chunk `lookup` finds, with its run, locked until the transaction ends;
        None when it is done or another worker holds it (its lock is skipped, not awaited)."""
        return (
            cls._default_manager.select_for_update(skip_locked=True, of=("self",))
            .select_related("run")
            .filter(done_at__isnull=True, **lookup)
            .first()
        )

    def finish(self, *, started: float, fields: tuple[str, ...]) -> None:
        """Mark done, timed from `started` (perf_counter), saving `fields` the work set."""
        self.seconds = round(time.perf_counter() - started, 3)
        self.done_at = timezone.now()
        self.save(update_fields=[*fields, "seconds", "done_at"])
