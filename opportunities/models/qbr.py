"""Quarterly business reviews: the meeting, the goals set in it and the action items it
produced (each one a follow-up)."""

import datetime

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts.models import Account, BuyingMotive, Contact
from accounts.querysets import AccountScopedQuerySet

from .follow_ups import FollowUp


def quarter_of(day: datetime.date) -> tuple[int, int]:
    """The calendar (year, quarter) a day falls in."""
    return day.year, (day.month - 1) // 3 + 1


class QBRQuerySet(AccountScopedQuerySet):
    def for_listing(self) -> "QBRQuerySet":
        return self.select_related("account", "account__cs_owner", "created_by")

    def upcoming(self, *, on: datetime.date, days: int) -> "QBRQuerySet":
        return self.exclude(status=QBRMeeting.Status.HELD).filter(
            scheduled_on__gte=on, scheduled_on__lte=on + datetime.timedelta(days=days)
        )


class QBRMeeting(models.Model):
    """One quarterly business review with a customer: its agenda, then what was said."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        AGENDA_READY = "agenda_ready", _("Agenda ready")
        HELD = "held", _("Held")

    account = models.ForeignKey(
        Account, on_delete=models.CASCADE, related_name="qbrs", verbose_name=_("account")
    )
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    quarter = models.PositiveSmallIntegerField(
        _("quarter"), validators=[MinValueValidator(1), MaxValueValidator(4)]
    )
    scheduled_on = models.DateField(_("date"))
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.PLANNED
    )
    our_attendees = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="qbrs_attended",
        verbose_name=_("our attendees"),
    )
    customer_attendees = models.ManyToManyField(
        Contact, blank=True, related_name="qbrs_attended", verbose_name=_("customer attendees")
    )
    # The agenda's written parts; CS drafts them from the data and edits them before the day.
    value_delivered = models.TextField(_("value delivered"), blank=True)
    obstacles = models.TextField(_("obstacles"), blank=True)
    growth_plans = models.TextField(_("growth plans"), blank=True)
    # What was said in the meeting.
    notes = models.TextField(_("notes"), blank=True)
    decisions = models.TextField(_("decisions"), blank=True)
    # Expansion signals heard, in the same fields a hearing keeps them, so that the offer
    # engine reads them alike.
    budget_if_works = models.PositiveIntegerField(
        _("budget if it works (¥/month)"), null=True, blank=True
    )
    expansion_departments = models.JSONField(
        _("departments to expand to"), default=list, blank=True
    )
    replaces = models.CharField(_("what it would replace"), max_length=300, blank=True)
    motives = models.ManyToManyField(
        BuyingMotive, blank=True, related_name="qbrs", verbose_name=_("buying motives heard")
    )
    held_at = models.DateTimeField(_("held at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = QBRQuerySet.as_manager()

    class Meta:
        verbose_name = _("QBR")
        verbose_name_plural = _("QBRs")
        ordering = ["-scheduled_on", "-pk"]
        indexes = [
            models.Index(fields=["account", "scheduled_on"]),
            models.Index(fields=["status", "scheduled_on"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["account", "year", "quarter"], name="qbr_one_per_account_quarter"
            ),
            models.CheckConstraint(
                condition=models.Q(quarter__gte=1, quarter__lte=4), name="qbr_quarter_1_to_4"
            ),
        ]

    def __str__(self):
        return f"{self.account} {self.quarter_label}"

    def get_absolute_url(self):
        return reverse("opportunities:qbr:detail", args=[self.pk])

    @property
    def quarter_label(self) -> str:
        return f"{self.year} Q{self.quarter}"

    @property
    def is_held(self) -> bool:
        return self.status == self.Status.HELD


class QBRGoal(models.Model):
    """A goal agreed in a QBR for the next quarter; the next QBR reviews its outcome."""

    class Outcome(models.TextChoices):
        PENDING = "pending", _("Not reviewed yet")
        ACHIEVED = "achieved", _("Achieved")
        PARTLY = "partly", _("Partly achieved")
        MISSED = "missed", _("Missed")

    meeting = models.ForeignKey(
        QBRMeeting, on_delete=models.CASCADE, related_name="goals", verbose_name=_("QBR")
    )
    title = models.CharField(_("goal"), max_length=200)
    motives = models.ManyToManyField(
        BuyingMotive, blank=True, related_name="qbr_goals", verbose_name=_("buying motives")
    )
    outcome = models.CharField(
        _("outcome"), max_length=10, choices=Outcome.choices, default=Outcome.PENDING
    )
    outcome_note = models.CharField(_("result"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("QBR goal")
        verbose_name_plural = _("QBR goals")
        ordering = ["meeting", "pk"]

    def __str__(self):
        return self.title


class QBRActionItem(models.Model):
    """An action agreed in a QBR; the follow-up carries its owner, due date and status."""

    meeting = models.ForeignKey(
        QBRMeeting, on_delete=models.CASCADE, related_name="action_items", verbose_name=_("QBR")
    )
    follow_up = models.OneToOneField(
        FollowUp, on_delete=models.CASCADE, related_name="qbr_action", verbose_name=_("follow-up")
    )

    class Meta:
        verbose_name = _("QBR action item")
        verbose_name_plural = _("QBR action items")
        ordering = ["follow_up__due_on", "pk"]

    def __str__(self):
        return str(self.follow_up)
