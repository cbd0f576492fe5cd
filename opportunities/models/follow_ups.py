"""Follow-ups: tasks to get back to a customer by a date."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from accounts.models import Account

from ..querysets import FollowUpQuerySet
from .hearings import Hearing
from .pipeline import Opportunity


class FollowUp(models.Model):
    """A task to get back to a customer by a date."""

    account = models.ForeignKey(
        Account, on_delete=models.CASCADE, related_name="follow_ups", verbose_name=_("account")
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="follow_ups",
        verbose_name=_("owner"),
    )
    title = models.CharField(_("what to do"), max_length=200)
    due_on = models.DateField(_("due"))
    opportunity = models.ForeignKey(
        Opportunity,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="follow_ups",
        verbose_name=_("opportunity"),
    )
    hearing = models.ForeignKey(
        Hearing,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="follow_ups",
        verbose_name=_("hearing"),
    )
    note = models.TextField(_("note"), blank=True)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    history = HistoricalRecords()
    objects = FollowUpQuerySet.as_manager()

    class Meta:
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")
        ordering = ["due_on", "pk"]
        indexes = [models.Index(fields=["owner", "done_at", "due_on"])]

    def __str__(self):
        return self.title

    @property
    def is_done(self) -> bool:
        return self.done_at is not None
