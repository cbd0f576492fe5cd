"""The pipeline: opportunities, their stages, types and sources, and the stage history."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from accounts.models import Account, Product, Subscription

from ..querysets import OpportunityQuerySet


class Stage(models.TextChoices):
    PROSPECTING = "prospecting", _("Prospecting")
    HEARING = "hearing", _("Hearing")
    PROPOSAL = "proposal", _("Proposal")
    NEGOTIATION = "negotiation", _("Negotiation")
    WON = "won", _("Won")
    LOST = "lost", _("Lost")

    @classmethod
    def open_values(cls) -> list[str]:
        return [cls.PROSPECTING, cls.HEARING, cls.PROPOSAL, cls.NEGOTIATION]

    @classmethod
    def closed_values(cls) -> list[str]:
        return [cls.WON, cls.LOST]


# What a deal at each stage is usually worth, as a percentage; a rep may override it.
DEFAULT_PROBABILITY = {
    Stage.PROSPECTING: 10,
    Stage.HEARING: 25,
    Stage.PROPOSAL: 50,
    Stage.NEGOTIATION: 75,
    Stage.WON: 100,
    Stage.LOST: 0,
}


class OpportunityType(models.TextChoices):
    NEW = "new", _("New business")
    UPSELL = "upsell", _("Upsell")
    CROSS_SELL = "cross_sell", _("Cross-sell")
    DOWN_SELL = "down_sell", _("Down-sell")
    RENEWAL = "renewal", _("Renewal")

    @classmethod
    def plan_changing(cls) -> list[str]:
        """Types whose win changes what the customer subscribes to."""
        return [cls.UPSELL, cls.CROSS_SELL, cls.DOWN_SELL]


class Source(models.TextChoices):
    MANUAL = "manual", _("Manual")
    OFFER_CARD = "offer_card", _("Offer card")
    CAMPAIGN = "campaign", _("Campaign")
    QBR = "qbr", _("QBR")
    HEARING_TRIGGER = "hearing_trigger", _("Hearing trigger")


class Opportunity(models.Model):
    """A chance to sell more (or keep) revenue at one account, moving through the stages."""

    account = models.ForeignKey(
        Account, on_delete=models.CASCADE, related_name="opportunities", verbose_name=_("account")
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="opportunities",
        verbose_name=_("owner"),
    )
    name = models.CharField(_("name"), max_length=200)
    type = models.CharField(_("type"), max_length=16, choices=OpportunityType.choices)
    subscription = models.ForeignKey(
        Subscription,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="opportunities",
        verbose_name=_("subscription changed"),
        help_text=_("For an upsell or down-sell: the subscription whose plan changes."),
    )
    from_product = models.ForeignKey(
        Product,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("from product / plan"),
    )
    to_product = models.ForeignKey(
        Product,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("to product / plan"),
    )
    quantity = models.PositiveIntegerField(
        _("seats / quantity after the change"), null=True, blank=True
    )
    monthly_amount_change = models.PositiveIntegerField(
        _("monthly amount change (¥)"),
        default=0,
        help_text=_("How much the monthly bill changes; a down-sell lowers it by this amount."),
    )
    contract_value = models.PositiveIntegerField(_("contract value (¥)"), default=0)
    stage = models.CharField(
        _("stage"), max_length=16, choices=Stage.choices, default=Stage.PROSPECTING
    )
    probability = models.PositiveSmallIntegerField(
        _("probability (%)"), validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    expected_close = models.DateField(_("expected close"))
    source = models.CharField(_("source"), max_length=16, choices=Source.choices)
    hearing = models.ForeignKey(
        "Hearing",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="triggered_opportunities",
        verbose_name=_("source hearing"),
    )
    loss_reason = models.TextField(_("loss reason"), blank=True)
    next_step = models.CharField(_("next step"), max_length=200, blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    subscription_applied_at = models.DateTimeField(
        _("applied to the subscription at"), null=True, blank=True
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = HistoricalRecords()
    objects = OpportunityQuerySet.as_manager()

    class Meta:
        verbose_name = _("opportunity")
        verbose_name_plural = _("opportunities")
        ordering = ["expected_close", "pk"]
        indexes = [
            models.Index(fields=["stage", "expected_close"]),
            models.Index(fields=["owner", "stage"]),
            models.Index(fields=["account", "stage"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(probability__lte=100), name="opportunity_probability_0_to_100"
            ),
            models.CheckConstraint(
                condition=~Q(stage="lost") | ~Q(loss_reason=""),
                name="opportunity_lost_has_reason",
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("opportunities:detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.stage in Stage.open_values()

    @property
    def weighted_value(self) -> int:
        return round(self.contract_value * self.probability / 100)

    @property
    def signed_monthly_change(self) -> int:
        sign = -1 if self.type == OpportunityType.DOWN_SELL else 1
        return sign * self.monthly_amount_change

    @property
    def can_apply_to_subscription(self) -> bool:
        return (
            self.stage == Stage.WON
            and self.type in OpportunityType.plan_changing()
            and self.subscription_applied_at is None
            and (self.to_product_id is not None or self.subscription_id is not None)
        )


class StageChange(models.Model):
    """One move of an opportunity between stages: who, when, from where to where."""

    opportunity = models.ForeignKey(
        Opportunity,
        on_delete=models.CASCADE,
        related_name="stage_changes",
        verbose_name=_("opportunity"),
    )
    from_stage = models.CharField(_("from"), max_length=16, choices=Stage.choices, blank=True)
    to_stage = models.CharField(_("to"), max_length=16, choices=Stage.choices)
    probability = models.PositiveSmallIntegerField(_("probability (%)"))
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("changed by"),
    )
    changed_at = models.DateTimeField(_("changed at"), auto_now_add=True)

    class Meta:
        verbose_name = _("stage change")
        verbose_name_plural = _("stage changes")
        ordering = ["changed_at", "pk"]

    def __str__(self):
        return f"{self.opportunity}: {self.from_stage or '—'} → {self.to_stage}"
