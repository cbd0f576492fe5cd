"""Campaigns: a plan, a customer segment frozen into targets, and each target's workflow."""

from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.models import Account, Product
from crm.users.models import Team
from opportunities.models import Opportunity, OpportunityType

from .querysets import CampaignQuerySet, CampaignTargetQuerySet


class CampaignType(models.TextChoices):
    """The kinds of offer a campaign makes; values match OpportunityType and OfferCard.kind."""

    UPSELL = OpportunityType.UPSELL.value, _("Upsell")
    CROSS_SELL = OpportunityType.CROSS_SELL.value, _("Cross-sell")
    DOWN_SELL = OpportunityType.DOWN_SELL.value, _("Down-sell")


class Campaign(models.Model):
    """An upsell, cross-sell or down-sell push for one product, with its plan and target list."""

    class Status(models.TextChoices):
        # In context: "Active" alone is already a subscription's status (契約中).
        DRAFT = "draft", pgettext_lazy("campaign status", "Draft")
        ACTIVE = "active", pgettext_lazy("campaign status", "Active")
        CLOSED = "closed", pgettext_lazy("campaign status", "Closed")

    name = models.CharField(_("name"), max_length=200)
    type = models.CharField(_("type"), max_length=16, choices=CampaignType.choices)
    product = models.ForeignKey(
        Product,
        on_delete=models.PROTECT,
        related_name="campaigns",
        verbose_name=_("offered product / plan"),
    )
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="owned_campaigns",
        verbose_name=_("owner manager"),
    )
    teams = models.ManyToManyField(
        Team, related_name="campaigns", verbose_name=_("teams"), blank=False
    )
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.DRAFT
    )
    planned_targets = models.PositiveIntegerField(_("planned targets"))
    expected_success_rate = models.DecimalField(
        _("expected success rate (%)"),
        max_digits=4,
        decimal_places=1,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    revenue_per_win = models.PositiveIntegerField(
        _("revenue per win (¥)"),
        help_text=_("Contract value one won target brings; 12 months of the offered price."),
    )
    # The builder's criteria at freeze time ({"tiers": [...], "score_min": 60, ...}).
    segment = models.JSONField(_("segment"), default=dict, blank=True)
    frozen_at = models.DateTimeField(_("frozen at"), null=True, blank=True)
    frozen_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("frozen by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = CampaignQuerySet.as_manager()

    class Meta:
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        ordering = ["-starts_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="campaign_ends_after_start"
            ),
            models.CheckConstraint(
                condition=Q(expected_success_rate__gte=0, expected_success_rate__lte=100),
                name="campaign_rate_0_to_100",
            ),
        ]
        indexes = [models.Index(fields=["status", "product"])]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("campaigns:detail", args=[self.pk])

    @property
    def is_frozen(self) -> bool:
        return self.frozen_at is not None

    @property
    def probability(self) -> Decimal:
        """The expected success rate as a 0–1 probability (for offer cards)."""
        return (self.expected_success_rate / 100).quantize(Decimal("0.001"))

    @property
    def planned_wins(self) -> Decimal:
        wins = self.planned_targets * self.expected_success_rate / 100
        return wins.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)

    @property
    def planned_revenue(self) -> int:
        revenue = self.planned_targets * self.expected_success_rate / 100 * self.revenue_per_win
        return int(revenue.quantize(Decimal(1), rounding=ROUND_HALF_UP))


class TargetStatus(models.TextChoices):
    UNASSIGNED = "unassigned", _("To assign")
    ASSIGNED = "assigned", _("Assigned")
    CONTACTED = "contacted", _("Contacted")
    HEARING_DONE = "hearing_done", _("Hearing done")
    PROPOSAL = "proposal", _("Proposal")
    WON = "won", _("Won")
    LOST = "lost", _("Lost")
    DECLINED = "declined", _("Declined")
    DO_NOT_CONTACT = "do_not_contact", _("Do not contact")

    @classmethod
    def closed_values(cls) -> list[str]:
        return [cls.WON, cls.LOST, cls.DECLINED, cls.DO_NOT_CONTACT]

    @classmethod
    def open_values(cls) -> list[str]:
        return [cls.ASSIGNED, cls.CONTACTED, cls.HEARING_DONE, cls.PROPOSAL]


# Where a target may go from each status; closing outcomes need a reason (TargetReason).
TRANSITIONS: dict[str, tuple[str, ...]] = {
    TargetStatus.UNASSIGNED: (),
    TargetStatus.ASSIGNED: (
        TargetStatus.CONTACTED,
        TargetStatus.DECLINED,
        TargetStatus.DO_NOT_CONTACT,
    ),
    TargetStatus.CONTACTED: (
        TargetStatus.HEARING_DONE,
        TargetStatus.DECLINED,
        TargetStatus.DO_NOT_CONTACT,
    ),
    TargetStatus.HEARING_DONE: (
        TargetStatus.PROPOSAL,
        TargetStatus.DECLINED,
        TargetStatus.DO_NOT_CONTACT,
    ),
    TargetStatus.PROPOSAL: (TargetStatus.WON, TargetStatus.LOST, TargetStatus.DECLINED),
    TargetStatus.WON: (),
    TargetStatus.LOST: (),
    TargetStatus.DECLINED: (),
    TargetStatus.DO_NOT_CONTACT: (),
}
NEEDS_REASON = (TargetStatus.LOST, TargetStatus.DECLINED, TargetStatus.DO_NOT_CONTACT)


class TargetReason(models.TextChoices):
    """Why a target was lost, declined or asked not to be contacted."""

    NOT_INTERESTED = "not_interested", _("Customer not interested")
    NO_BUDGET = "no_budget", _("No budget")
    BAD_TIMING = "bad_timing", _("Bad timing")
    PRICE = "price", _("Price too high")
    COMPETITOR = "competitor", _("Chose a competitor")
    RELATIONSHIP = "relationship", _("Would hurt the relationship")
    WRONG_PRODUCT = "wrong_product", _("Wrong product for them")
    OTHER = "other", _("Other")


class CampaignTarget(models.Model):
    """One account on a campaign's frozen list, as it qualified, and its rep and progress."""

    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, related_name="targets", verbose_name=_("campaign")
    )
    account = models.ForeignKey(
        Account,
        on_delete=models.CASCADE,
        related_name="campaign_targets",
        verbose_name=_("account"),
    )
    # The values that qualified the account at freeze time (score, tier, NPS, industry…),
    # kept as they were: later changes to the account do not alter the list.
    snapshot = models.JSONField(_("values at freeze"), default=dict)
    rep = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="campaign_targets",
        verbose_name=_("rep"),
    )
    status = models.CharField(
        _("status"), max_length=16, choices=TargetStatus.choices, default=TargetStatus.UNASSIGNED
    )
    reason = models.CharField(_("reason"), max_length=16, choices=TargetReason.choices, blank=True)
    note = models.TextField(_("note"), blank=True)
    opportunity = models.ForeignKey(
        Opportunity,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="campaign_targets",
        verbose_name=_("opportunity"),
    )
    assigned_at = models.DateTimeField(_("assigned at"), null=True, blank=True)
    status_changed_at = models.DateTimeField(_("status changed at"), null=True, blank=True)

    objects = CampaignTargetQuerySet.as_manager()

    class Meta:
        verbose_name = _("campaign target")
        verbose_name_plural = _("campaign targets")
        ordering = ["campaign", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "account"], name="campaign_target_one_per_account"
            ),
            models.CheckConstraint(
                condition=Q(status="unassigned") | Q(rep__isnull=False),
                name="campaign_target_assigned_has_rep",
            ),
        ]
        indexes = [
            models.Index(fields=["rep", "status"]),
            models.Index(fields=["account", "campaign"]),
        ]

    def __str__(self):
        return f"{self.campaign}: {self.snapshot.get('name') or self.account_id}"

    @property
    def next_statuses(self) -> tuple[str, ...]:
        return TRANSITIONS[TargetStatus(self.status)]

    @property
    def is_closed(self) -> bool:
        return self.status in TargetStatus.closed_values()
