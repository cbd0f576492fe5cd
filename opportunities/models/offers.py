"""Next-best-offer cards: one suggested offer for one account, on one rep's dashboard."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.ledgers import ChunkedRun, RunChunk
from accounts.models import Account, Product, SuccessStory
from accounts.querysets import AccountScopedQuerySet

from .pipeline import Opportunity, OpportunityType


class OfferSource(models.TextChoices):
    ENGINE = "engine", _("Offer rules")
    CAMPAIGN = "campaign", _("Campaign")
    HEARING_TRIGGER = "hearing_trigger", _("Hearing trigger")


class DismissReason(models.TextChoices):
    NOT_INTERESTED = "not_interested", _("Customer not interested")
    BAD_TIMING = "bad_timing", _("Bad timing")
    NO_BUDGET = "no_budget", _("No budget")
    RELATIONSHIP = "relationship", _("Would hurt the relationship")
    WRONG_PRODUCT = "wrong_product", _("Wrong product for them")
    ALREADY_IN_PROGRESS = "in_progress", _("Already being discussed")
    OTHER = "other", _("Other")


class OfferCard(models.Model):
    """One suggested offer for one account, on one rep's dashboard, with why and when."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        SNOOZED = "snoozed", _("Snoozed")
        ACCEPTED = "accepted", _("Accepted")
        DISMISSED = "dismissed", _("Dismissed")
        EXPIRED = "expired", _("Expired")

    # A card still on the dashboard (open, or snoozed and coming back) blocks another card for
    # the same account and product: the constraint below is what makes publishing idempotent.
    LIVE = (Status.OPEN, Status.SNOOZED)

    # No index of their own for the account and the rep: the (account, status) and (rep,
    # status, value) indexes below lead with them, and each index more costs every nightly
    # insert (76,000 cards at 100k accounts). Nor for the current plan and the success story:
    # no page looks cards up by them, only deleting a product or a story does (a scan of the
    # cards, rare); the opportunity's index holds the few cards that have one (see Meta).
    account = models.ForeignKey(
        Account,
        on_delete=models.CASCADE,
        related_name="offer_cards",
        verbose_name=_("account"),
        db_index=False,
    )
    rep = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="offer_cards",
        verbose_name=_("rep"),
        db_index=False,
    )
    kind = models.CharField(
        _("type"),
        max_length=16,
        choices=[(t.value, t.label) for t in map(OpportunityType, OpportunityType.plan_changing())],
    )
    product = models.ForeignKey(
        Product, on_delete=models.PROTECT, related_name="offer_cards", verbose_name=_("offer")
    )
    current_product = models.ForeignKey(
        Product,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("current plan"),
        db_index=False,
    )
    source = models.CharField(_("source"), max_length=16, choices=OfferSource.choices)
    # The campaign target or the watch condition behind the card (apps above opportunities
    # cannot be referenced by a foreign key from here).
    source_id = models.PositiveBigIntegerField(_("source id"), null=True, blank=True)
    rule = models.CharField(_("rule"), max_length=48)
    monthly_uplift = models.IntegerField(
        _("expected monthly uplift (¥)"),
        help_text=_("Negative for a down-sell: the revenue given up to keep the customer."),
    )
    probability = models.DecimalField(
        _("probability"),
        max_digits=4,
        decimal_places=3,
        validators=[MinValueValidator(0), MaxValueValidator(1)],
    )
    expected_value = models.IntegerField(_("expected value (¥)"))
    # [{"code": "utilisation", "params": {...}}, ...]: rendered as sentences in the reader's
    # language, so a card reads in Japanese and in English from the same row.
    reasons = models.JSONField(_("reasons"), default=list)
    talking_points = models.JSONField(_("talking points"), default=list)
    timing = models.JSONField(_("timing"), default=dict, blank=True)
    success_story = models.ForeignKey(
        SuccessStory,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("success story"),
        db_index=False,
    )
    generated_on = models.DateField(_("generated on"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    snoozed_until = models.DateField(_("snoozed until"), null=True, blank=True)
    dismiss_reason = models.CharField(
        _("dismiss reason"), max_length=16, choices=DismissReason.choices, blank=True
    )
    dismiss_note = models.TextField(_("dismiss note"), blank=True)
    acted_at = models.DateTimeField(_("acted at"), null=True, blank=True)
    opportunity = models.ForeignKey(
        Opportunity,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="offer_cards",
        verbose_name=_("opportunity"),
        db_index=False,
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = AccountScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("offer card")
        verbose_name_plural = _("offer cards")
        ordering = ["-expected_value", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["account", "product"],
                condition=Q(status__in=["open", "snoozed"]),
                name="offer_one_live_card_per_product",
            ),
            models.CheckConstraint(
                condition=~Q(status="snoozed") | Q(snoozed_until__isnull=False),
                name="offer_snooze_has_a_date",
            ),
        ]
        indexes = [
            models.Index(fields=["rep", "status", "-expected_value"]),
            models.Index(fields=["account", "status"]),
            # The dashboard's first cards in one ordered index scan: with "status IN (open,
            # snoozed)" the index above needs a sort of all the rep's live cards (115 ms for a
            # rep with 10,000 at 100,000 accounts).
            models.Index(
                fields=["rep", "-expected_value", "id"],
                condition=Q(status__in=["open", "snoozed"]),
                name="offer_live_by_rep_and_value",
            ),
            # The API's card list in its default order (value, then id), whoever reads it:
            # walked in that order it stops after a page of the reader's cards, where it
            # sorted all of them (rep1 at 100,000 accounts: the page 65 → 22–30 ms).
            models.Index(fields=["-expected_value", "id"], name="offer_card_by_value"),
            # Only a met goal's card has an opportunity when it is made: the engine's other
            # cards (all but a handful a night) then cost this index nothing.
            models.Index(
                fields=["opportunity"],
                condition=Q(opportunity__isnull=False),
                name="offer_card_by_opportunity",
            ),
        ]

    def __str__(self):
        return f"{self.account}: {self.product} ({self.get_kind_display()})"

    @property
    def dismiss_reason_choices(self) -> list[tuple[str, str]]:
        return DismissReason.choices


class OfferGate(models.TextChoices):
    """Why the engine held an offer back (gates.py, and the contact cap in engine.py)."""

    NO_REP = "no_rep", _("No owner rep")
    TIER = "tier", _("Loyalty too low for a growth offer")
    DO_NOT_CONTACT = "do_not_contact", _("Do not contact")
    QUIET_UNTIL = "quiet_until", _("Quiet period")
    DETRACTOR = "detractor", _("Recent detractor answer")
    COMPLAINT = "complaint", _("Open complaint")
    HESITATION = "hesitation", _("Customer hesitated in a hearing")
    CONTACT_CAP = "contact_cap", _("Contact cap reached")


class OfferRuleHit(models.Model):
    """An offer rule that fired for an account and product on a nightly run, and the gate
    that held it back, if any: what the whitespace grid calls "eligible"."""

    run_date = models.DateField(_("run date"))
    account = models.ForeignKey(
        Account, on_delete=models.CASCADE, related_name="offer_rule_hits", verbose_name=_("account")
    )
    product = models.ForeignKey(
        Product, on_delete=models.CASCADE, related_name="+", verbose_name=_("offer")
    )
    rule = models.CharField(_("rule"), max_length=48)
    kind = models.CharField(_("type"), max_length=16, choices=OpportunityType.choices)
    held_by = models.CharField(
        _("held back by"), max_length=16, choices=OfferGate.choices, blank=True
    )

    objects = AccountScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("offer rule hit")
        verbose_name_plural = _("offer rule hits")
        # The grid reads one run date, for a page of accounts or a whole filtered set: the
        # unique index (run date first) serves both.
        constraints = [
            models.UniqueConstraint(
                fields=["run_date", "account", "product", "rule"], name="offer_rule_hit_once"
            ),
        ]

    def __str__(self):
        return f"{self.run_date} {self.account_id}/{self.product_id}: {self.rule}"


class OfferRun(ChunkedRun):
    """The ledger of one night's offers step: what every chunk shares, and its chunks."""

    run_date = models.DateField(_("run date"), unique=True)
    # Learnt once from every account before the chunks, each chunk reading its own accounts
    # only: the day of the scores the rules read, and the cross-sell affinity (offers.affinity).
    scores_on = models.DateField(_("day of the scores"), null=True, blank=True)
    affinity = models.JSONField(
        _("product affinity"),
        default=list,
        help_text=_("What loyal customers own together, as every chunk of this run reads it."),
    )

    class Meta:
        verbose_name = _("offer run")
        verbose_name_plural = _("offer runs")
        ordering = ["-run_date"]

    def __str__(self):
        return f"{self.run_date} ({self.get_status_display()})"


class OfferChunk(RunChunk):
    """One account-id range of an offer run; done once its cards and rule hits are written."""

    run = models.ForeignKey(
        OfferRun, on_delete=models.CASCADE, related_name="chunks", verbose_name=_("run")
    )
    # cards, rule hits and candidates held back per gate: summed for the night's log
    counts = models.JSONField(_("counts"), default=dict)

    class Meta:
        verbose_name = _("offer chunk")
        verbose_name_plural = _("offer chunks")
        ordering = ["run", "lo"]
        constraints = [
            models.UniqueConstraint(fields=["run", "lo"], name="offer_chunk_one_per_range"),
            models.CheckConstraint(condition=Q(lo__lte=models.F("hi")), name="offer_chunk_range"),
        ]

    def __str__(self):
        return f"{self.run.run_date} [{self.lo}, {self.hi}]"
