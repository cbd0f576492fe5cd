from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .choices import GrowthStage, Industry, Month, Prefecture, RevenueBand, size_band
from .ledgers import ChunkedRun, RunChunk
from .nps import nps_category
from .querysets import AccountQuerySet, AccountScopedQuerySet
from .validators import validate_corporate_number, validate_kana


class ExternalIdMixin(models.Model):
    """An id from the customer's own systems, the key that makes re-imports update, not add."""

    external_id = models.CharField(
        _("external id"), max_length=64, unique=True, null=True, blank=True
    )

    class Meta:
        abstract = True


class Account(ExternalIdMixin):
    """A customer company."""

    name = models.CharField(_("name"), max_length=200)
    name_kana = models.CharField(
        _("reading (kana)"), max_length=200, blank=True, validators=[validate_kana]
    )
    corporate_number = models.CharField(
        _("corporate number"),
        max_length=13,
        blank=True,
        validators=[validate_corporate_number],
        help_text=_("The 13-digit number from the National Tax Agency (法人番号)."),
    )
    industry = models.CharField(_("industry"), max_length=32, choices=Industry.choices)
    employee_count = models.PositiveIntegerField(_("employees"), null=True, blank=True)
    revenue_band = models.CharField(
        _("annual revenue"), max_length=16, choices=RevenueBand.choices, blank=True
    )
    growth_stage = models.CharField(_("growth stage"), max_length=16, choices=GrowthStage.choices)
    region = models.CharField(_("prefecture"), max_length=2, choices=Prefecture.choices, blank=True)
    fiscal_closing_month = models.PositiveSmallIntegerField(
        _("fiscal closing month"), choices=Month.choices, null=True, blank=True
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner rep"),
        on_delete=models.PROTECT,
        related_name="owned_accounts",
        null=True,
        blank=True,
    )
    cs_owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("customer success owner"),
        on_delete=models.PROTECT,
        related_name="cs_accounts",
        null=True,
        blank=True,
    )
    do_not_contact = models.BooleanField(_("do not contact"), default=False)
    quiet_until = models.DateField(
        _("quiet until"),
        null=True,
        blank=True,
        help_text=_("No offers are made to this account before this date."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = HistoricalRecords()
    objects = AccountQuerySet.as_manager()

    class Meta:
        verbose_name = _("account")
        verbose_name_plural = _("accounts")
        ordering = ["name_kana", "name"]
        indexes = [
            models.Index(fields=["owner"]),
            models.Index(fields=["cs_owner"]),
            models.Index(fields=["industry", "growth_stage"]),
            # The lists' default order read from an index: sorting 100,000 kana names for the
            # first page of 50 took 0.4 s (API and account list at 100,000 accounts).
            models.Index(fields=["name_kana", "name", "id"], name="account_list_order"),
            # The search's third term (name, reading or corporate number): with it all three
            # are indexed and PostgreSQL ORs the index scans instead of reading every account.
            # The name and reading are matched through trigram indexes, PostgreSQL only
            # (migration 0010_account_search_indexes).
            models.Index(fields=["corporate_number"], name="account_corporate_number"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("accounts:detail", args=[self.pk])

    @property
    def size_band(self):
        return size_band(self.employee_count)

    def is_quiet(self, on=None) -> bool:
        on = on or timezone.localdate()
        return self.quiet_until is not None and on <= self.quiet_until


class AccountAssignment(models.Model):
    """A user's access to an account given by something else than ownership (a campaign)."""

    class Source(models.TextChoices):
        CAMPAIGN = "campaign", _("Campaign")

    account = models.ForeignKey(
        Account, on_delete=models.CASCADE, related_name="assignments", verbose_name=_("account")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="account_assignments",
        verbose_name=_("user"),
    )
    source = models.CharField(_("source"), max_length=16, choices=Source.choices)
    source_id = models.PositiveBigIntegerField(_("source id"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("account assignment")
        verbose_name_plural = _("account assignments")
        constraints = [
            models.UniqueConstraint(
                fields=["account", "user", "source", "source_id"], name="account_assignment_unique"
            )
        ]
        indexes = [models.Index(fields=["user", "account"])]

    def __str__(self):
        return f"{self.account} → {self.user}"


class Contact(ExternalIdMixin):
    """A person at a customer account."""

    account = models.ForeignKey(
        Account, on_delete=models.CASCADE, related_name="contacts", verbose_name=_("account")
    )
    name = models.CharField(_("name"), max_length=100)
    name_kana = models.CharField(
        _("reading (kana)"), max_length=100, blank=True, validators=[validate_kana]
    )
    title = models.CharField(_("title"), max_length=100, blank=True)
    department = models.CharField(_("department"), max_length=100, blank=True)
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    is_decision_maker = models.BooleanField(_("decision maker"), default=False)
    is_primary = models.BooleanField(_("primary contact"), default=False)

    history = HistoricalRecords()
    objects = AccountScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        ordering = ["-is_primary", "name_kana", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["account"], condition=Q(is_primary=True), name="contact_one_primary"
            )
        ]

    def __str__(self):
        return self.name


class BuyingMotive(models.Model):
    """Why a customer buys (lead generation, retention, efficiency…): tags products and goals."""

    code = models.SlugField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name (Japanese)"), max_length=64)
    name_en = models.CharField(_("name (English)"), max_length=64)

    class Meta:
        verbose_name = _("buying motive")
        verbose_name_plural = _("buying motives")
        ordering = ["code"]

    def __str__(self):
        return self.name_en if translation.get_language() == "en" else self.name


class ProductFamily(models.Model):
    """A product line whose plans are ranked tiers (Lite < Standard < Pro < Enterprise)."""

    code = models.SlugField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=100)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        verbose_name = _("product family")
        verbose_name_plural = _("product families")
        ordering = ["name"]

    def __str__(self):
        return self.name


class Product(models.Model):
    """A priced plan of a product family, or an add-on that complements other products."""

    class Kind(models.TextChoices):
        PLAN = "plan", _("Plan")
        ADD_ON = "add_on", _("Add-on")

    class UsageMeasure(models.TextChoices):
        # A daily usage row is that day's count (leads, documents); a month is their sum.
        COUNTED = "counted", _("Counted per day (a month is the sum)")
        # A daily usage row is the level that day (active seats); a month is its average.
        LEVEL = "level", _("Level per day (a month is the average)")

    code = models.SlugField(_("code"), max_length=48, unique=True)
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices, default=Kind.PLAN)
    family = models.ForeignKey(
        ProductFamily,
        on_delete=models.PROTECT,
        related_name="products",
        null=True,
        blank=True,
        verbose_name=_("family"),
    )
    tier_rank = models.PositiveSmallIntegerField(
        _("tier rank"), null=True, blank=True, help_text=_("1 is the lowest tier of its family.")
    )
    monthly_price = models.PositiveIntegerField(_("monthly list price (¥)"))
    included_usage = models.DecimalField(
        _("included usage"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    usage_unit = models.CharField(_("usage unit"), max_length=32, blank=True)
    usage_measure = models.CharField(
        _("usage measure"),
        max_length=8,
        choices=UsageMeasure.choices,
        default=UsageMeasure.COUNTED,
        help_text=_(
            "What a daily usage record means: that day's count (leads, documents) or the level "
            "that day (active seats)."
        ),
    )
    overage_unit_price = models.DecimalField(
        _("overage price per unit (¥)"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    complements = models.ManyToManyField(
        "self",
        symmetrical=False,
        blank=True,
        related_name="complemented_by",
        verbose_name=_("complements"),
        help_text=_("For an add-on: the products it adds value to."),
    )
    motives = models.ManyToManyField(
        BuyingMotive, blank=True, related_name="products", verbose_name=_("buying motives")
    )
    is_active = models.BooleanField(_("on sale"), default=True)

    class Meta:
        verbose_name = _("product")
        verbose_name_plural = _("products")
        ordering = ["family__name", "tier_rank", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["family", "tier_rank"],
                condition=Q(kind="plan"),
                name="product_one_plan_per_tier",
            ),
            models.CheckConstraint(
                condition=Q(kind="add_on") | Q(family__isnull=False, tier_rank__isnull=False),
                name="product_plan_has_family_and_tier",
            ),
        ]

    def __str__(self):
        return self.name


class Subscription(ExternalIdMixin):
    """What a customer uses now: a product or plan, its quantity and price, and its dates."""

    class BillingModel(models.TextChoices):
        FLAT = "flat", _("Flat")
        USAGE_BASED = "usage", _("Usage-based")
        PAY_AS_YOU_GO = "payg", _("Pay-as-you-go")

    class Status(models.TextChoices):
        TRIAL = "trial", _("Trial")
        ACTIVE = "active", _("Active")
        CANCELLED = "cancelled", _("Cancelled")

    account = models.ForeignKey(
        Account, on_delete=models.CASCADE, related_name="subscriptions", verbose_name=_("account")
    )
    product = models.ForeignKey(
        Product, on_delete=models.PROTECT, related_name="subscriptions", verbose_name=_("product")
    )
    quantity = models.PositiveIntegerField(_("seats / quantity"), default=1)
    monthly_amount = models.PositiveIntegerField(_("monthly amount (¥)"))
    billing_model = models.CharField(
        _("billing model"), max_length=8, choices=BillingModel.choices, default=BillingModel.FLAT
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    started_on = models.DateField(_("start date"))
    renewal_on = models.DateField(_("renewal date"), null=True, blank=True)
    trial_ends_on = models.DateField(_("trial end"), null=True, blank=True)
    cancelled_on = models.DateField(_("cancelled on"), null=True, blank=True)

    history = HistoricalRecords()
    objects = AccountScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("subscription")
        verbose_name_plural = _("subscriptions")
        ordering = ["account", "-started_on"]
        indexes = [models.Index(fields=["status", "renewal_on"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(renewal_on__isnull=True) | Q(renewal_on__gte=models.F("started_on")),
                name="subscription_renewal_after_start",
            ),
        ]

    def __str__(self):
        return f"{self.account} / {self.product}"


class UsageRecord(models.Model):
    """Measured consumption of one subscription on one day."""

    # No index of their own: (account, date) and (subscription, date) lead with them, and the
    # nightly imports and the usage API write every row into each index there is.
    account = models.ForeignKey(
        Account,
        on_delete=models.CASCADE,
        related_name="usage_records",
        verbose_name=_("account"),
        db_index=False,
    )
    subscription = models.ForeignKey(
        Subscription,
        on_delete=models.CASCADE,
        related_name="usage_records",
        verbose_name=_("subscription"),
        db_index=False,
    )
    date = models.DateField(_("date"))
    quantity = models.DecimalField(_("quantity"), max_digits=14, decimal_places=2)

    objects = AccountScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("usage record")
        verbose_name_plural = _("usage records")
        constraints = [
            models.UniqueConstraint(fields=["subscription", "date"], name="usage_one_per_day")
        ]
        indexes = [models.Index(fields=["account", "date"])]

    def __str__(self):
        return f"{self.subscription} {self.date}: {self.quantity}"


class Order(ExternalIdMixin):
    """A purchase: its lines say what was bought together, its dates and totals give RFM."""

    account = models.ForeignKey(
        Account, on_delete=models.CASCADE, related_name="orders", verbose_name=_("account")
    )
    ordered_on = models.DateField(_("order date"))
    total = models.PositiveIntegerField(_("total (¥)"), default=0)

    objects = AccountScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("order")
        verbose_name_plural = _("orders")
        ordering = ["-ordered_on"]
        indexes = [
            models.Index(fields=["account", "ordered_on"]),
            # the API's order, newest first (see Activity)
            models.Index(fields=["ordered_on", "id"], name="order_list_order"),
        ]

    def __str__(self):
        return f"{self.account} {self.ordered_on}"


class OrderLine(models.Model):
    """One product on an order."""

    order = models.ForeignKey(
        Order, on_delete=models.CASCADE, related_name="lines", verbose_name=_("order")
    )
    product = models.ForeignKey(
        Product, on_delete=models.PROTECT, related_name="order_lines", verbose_name=_("product")
    )
    quantity = models.PositiveIntegerField(_("quantity"), default=1)
    unit_price = models.PositiveIntegerField(_("unit price (¥)"))

    class Meta:
        verbose_name = _("order line")
        verbose_name_plural = _("order lines")
        constraints = [
            models.UniqueConstraint(fields=["order", "product"], name="order_line_one_per_product")
        ]

    def __str__(self):
        return f"{self.product} × {self.quantity}"

    @property
    def amount(self) -> int:
        return self.quantity * self.unit_price


class NPSResponse(ExternalIdMixin):
    """One answer to "how likely are you to recommend us?" (0–10)."""

    account = models.ForeignKey(
        Account, on_delete=models.CASCADE, related_name="nps_responses", verbose_name=_("account")
    )
    contact = models.ForeignKey(
        Contact,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="nps_responses",
        verbose_name=_("contact"),
    )
    score = models.PositiveSmallIntegerField(
        _("score"), validators=[MinValueValidator(0), MaxValueValidator(10)]
    )
    comment = models.TextField(_("comment"), blank=True)
    answered_on = models.DateField(_("answered on"))

    history = HistoricalRecords()
    objects = AccountScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("NPS answer")
        verbose_name_plural = _("NPS answers")
        ordering = ["-answered_on"]
        indexes = [
            # An account's answers in order, with the score: "the latest answer" (campaign
            # segments, the sample's NPS) is read from the index alone, without the rows (the
            # filtered campaign preview's count at 100,000 accounts: see docs/benchmarks.md).
            models.Index(
                fields=["account", "answered_on", "id"], include=["score"], name="nps_answer_latest"
            ),
            # the API's order, newest first (see Activity)
            models.Index(fields=["answered_on", "id"], name="nps_answer_list_order"),
        ]
        constraints = [models.CheckConstraint(condition=Q(score__lte=10), name="nps_score_0_to_10")]

    def __str__(self):
        return f"{self.account} {self.answered_on}: {self.score}"

    @property
    def category(self):
        return nps_category(self.score)


class Activity(models.Model):
    """Something that happened with a customer, shown on the account's timeline.

    Apps above accounts (hearings, QBRs, offers) record their events here too, so that the
    loyalty score reads only this app's tables.
    """

    class Kind(models.TextChoices):
        CALL = "call", _("Call")
        EMAIL = "email", _("Email")
        MEETING = "meeting", _("Meeting")
        VISIT = "visit", _("Visit")
        SUPPORT_TICKET = "ticket", _("Support ticket")
        COMPLAINT = "complaint", _("Complaint")
        ESCALATION = "escalation", _("Escalation")
        HEARING = "hearing", _("Hearing")
        QBR = "qbr", _("QBR")
        OFFER = "offer", _("Offer")

    # Kinds that count as contacting the customer (for contact caps) and as engagement.
    CONTACT_KINDS = (Kind.CALL, Kind.EMAIL, Kind.MEETING, Kind.VISIT, Kind.HEARING, Kind.QBR)
    NEGATIVE_KINDS = (Kind.COMPLAINT, Kind.ESCALATION)

    account = models.ForeignKey(
        Account, on_delete=models.CASCADE, related_name="activities", verbose_name=_("account")
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    occurred_on = models.DateField(_("date"))
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="activities",
        verbose_name=_("owner"),
    )
    summary = models.CharField(_("summary"), max_length=200)
    outcome = models.TextField(_("outcome"), blank=True)
    resolved_on = models.DateField(
        _("resolved on"),
        null=True,
        blank=True,
        help_text=_("For complaints and escalations: when it was resolved."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    history = HistoricalRecords()
    objects = AccountScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        ordering = ["-occurred_on", "-created_at"]
        indexes = [
            models.Index(fields=["account", "occurred_on"]),
            # The API's order, newest first: a page of a rep's timeline is read from the index
            # instead of sorting every activity they see (115,000 for a rep at 100,000
            # accounts).
            models.Index(fields=["occurred_on", "id"], name="activity_list_order"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.summary}"


class SuccessStory(models.Model):
    """A customer's result with a product, shown as social proof to the same industry."""

    industry = models.CharField(_("industry"), max_length=32, choices=Industry.choices)
    product = models.ForeignKey(
        Product, on_delete=models.CASCADE, related_name="success_stories", verbose_name=_("product")
    )
    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(_("summary"))
    headline_metric = models.CharField(
        _("headline metric"),
        max_length=100,
        # xgettext:no-python-format
        help_text=_("e.g. “Leads up 40% in 3 months”"),
    )

    class Meta:
        verbose_name = _("success story")
        verbose_name_plural = _("success stories")
        ordering = ["industry", "title"]

    def __str__(self):
        return self.title


class ImportJob(models.Model):
    """One uploaded file of one kind of record, imported all-or-nothing, with its outcome."""

    class Kind(models.TextChoices):
        ACCOUNTS = "accounts", _("Accounts")
        CONTACTS = "contacts", _("Contacts")
        SUBSCRIPTIONS = "subscriptions", _("Subscriptions")
        USAGE = "usage", _("Usage records")
        ORDERS = "orders", _("Orders")
        NPS = "nps", _("NPS answers")

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        RUNNING = "running", _("Importing")
        SUCCEEDED = "succeeded", _("Imported")
        FAILED = "failed", _("Not imported")

    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    file = models.FileField(_("file"), upload_to="imports/%Y/%m/")
    file_name = models.CharField(_("file name"), max_length=255)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    progress = models.PositiveSmallIntegerField(_("progress (percent)"), default=0)
    row_count = models.PositiveIntegerField(_("rows"), default=0)
    created_count = models.PositiveIntegerField(_("added"), default=0)
    updated_count = models.PositiveIntegerField(_("updated"), default=0)
    unchanged_count = models.PositiveIntegerField(_("unchanged"), default=0)
    error_count = models.PositiveIntegerField(_("errors"), default=0)
    # [{"row": 2, "column": "score", "code": "range", "params": {...}}, ...]: codes, not text,
    # so that each reader sees the messages in their own language (see imports/errors.py).
    errors = models.JSONField(_("errors"), default=list, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="import_jobs",
        verbose_name=_("imported by"),
    )
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["created_by", "-created_at"])]

    def __str__(self):
        return f"{self.get_kind_display()} {self.file_name} ({self.get_status_display()})"

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.SUCCEEDED, self.Status.FAILED)


class ScoringWeights(models.Model):
    """The loyalty score's component weights, tier thresholds and churn-risk rule (one row).

    Defaults, from the source articles (shared/seeds) and DESIGN.md "Loyalty and targeting":
    - NPS 25: loyalty decides whether an offer is welcome or breeds distrust, and the articles
      measure loyalty with NPS (002); it is the customer's own voice, so it weighs most.
    - usage 20: using what they pay for, and more each month, is the strongest behavioural sign;
      usage near the limit is also the first upsell trigger (003).
    - engagement 15: meetings, hearings and QBRs show a relationship that can carry an offer;
      offers belong in those natural moments (002, 003).
    - recency, frequency, monetary 10 each: revenue per customer and repeat buying say who
      already buys more (001, 004), but money alone is size, not loyalty, so RFM shares 30.
    - tenure 10: a long relationship is loyalty shown over time, but it saturates (3 years).
    - negatives take up to 30 points off: pushing customers who complain or cancel damages
      trust and can cost the contract (002, 004), so complaints, escalations, cancellations and
      downgrades pull the score down directly instead of being averaged away.
    - tiers: high from 70, medium from 40. Offers go to high and medium only (002, 004).
    - churn risk: a score under 40, a detractor answer (0-6, 002), usage down 30 % or more
      on the previous 30 days, or an open complaint or escalation.
    """

    nps = models.PositiveSmallIntegerField(_("NPS weight"), default=25)
    usage = models.PositiveSmallIntegerField(_("usage weight"), default=20)
    recency = models.PositiveSmallIntegerField(_("purchase recency weight"), default=10)
    frequency = models.PositiveSmallIntegerField(_("purchase frequency weight"), default=10)
    monetary = models.PositiveSmallIntegerField(_("monetary value weight"), default=10)
    engagement = models.PositiveSmallIntegerField(_("engagement weight"), default=15)
    tenure = models.PositiveSmallIntegerField(_("tenure weight"), default=10)
    negatives_max_penalty = models.PositiveSmallIntegerField(
        _("largest penalty for negatives (points)"),
        default=30,
        validators=[MaxValueValidator(100)],
        help_text=_(
            "Points taken off the score when complaints, cancellations and downgrades "
            "reach their maximum."
        ),
    )
    monetary_reference = models.PositiveIntegerField(
        _("yearly spend scoring 100 (¥)"),
        default=6_000_000,
        validators=[MinValueValidator(10_000)],
        help_text=_(
            "Spend over the last 12 months (orders plus 12 months of subscriptions) "
            "that counts as the top of the monetary scale; the scale is logarithmic."
        ),
    )
    high_tier_min = models.PositiveSmallIntegerField(
        _("high tier from"), default=70, validators=[MaxValueValidator(100)]
    )
    medium_tier_min = models.PositiveSmallIntegerField(
        _("medium tier from"), default=40, validators=[MaxValueValidator(100)]
    )
    churn_score_below = models.PositiveSmallIntegerField(
        _("churn risk below score"), default=40, validators=[MaxValueValidator(100)]
    )
    churn_usage_drop_percent = models.PositiveSmallIntegerField(
        _("churn risk when usage falls by (%)"),
        default=30,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
    )
    churn_on_detractor = models.BooleanField(_("churn risk on a detractor answer"), default=True)
    churn_on_open_complaint = models.BooleanField(
        _("churn risk on an open complaint or escalation"), default=True
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    COMPONENT_FIELDS = ("nps", "usage", "recency", "frequency", "monetary", "engagement", "tenure")

    class Meta:
        verbose_name = _("scoring weights")
        verbose_name_plural = _("scoring weights")
        constraints = [
            models.CheckConstraint(
                condition=Q(medium_tier_min__lt=models.F("high_tier_min")),
                name="scoring_weights_tiers_ordered",
            ),
            models.CheckConstraint(condition=Q(pk=1), name="scoring_weights_singleton"),
        ]

    def __str__(self):
        return str(_("Scoring weights"))

    def save(self, *args, **kwargs):
        self.pk = 1
        super().save(*args, **kwargs)

    def clean(self):
        if self.medium_tier_min >= self.high_tier_min:
            raise ValidationError(
                {"medium_tier_min": _("The medium tier must start below the high tier.")}
            )
        if not any(getattr(self, name) for name in self.COMPONENT_FIELDS):
            raise ValidationError(_("At least one component needs a weight above zero."))

    @classmethod
    def load(cls) -> "ScoringWeights":
        """The weights in force: the saved row, or the defaults when none was saved."""
        return cls.objects.filter(pk=1).first() or cls(pk=1)

    def as_dict(self) -> dict:
        return {
            field.name: getattr(self, field.name)
            for field in self._meta.concrete_fields
            if field.name not in ("id", "updated_at")
        }


class LoyaltyTier(models.TextChoices):
    HIGH = "high", _("High")
    MEDIUM = "medium", _("Medium")
    LOW = "low", _("Low")


class LoyaltyScore(models.Model):
    """One account's loyalty score as of one day, with the components that make it up."""

    # No index of its own: the one-per-day constraint's (account, as_of) leads with it, and the
    # nightly COPY writes every score into each index there is.
    account = models.ForeignKey(
        Account,
        on_delete=models.CASCADE,
        related_name="loyalty_scores",
        verbose_name=_("account"),
        db_index=False,
    )
    as_of = models.DateField(_("as of"))
    score = models.DecimalField(
        _("score"),
        max_digits=4,
        decimal_places=1,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    tier = models.CharField(_("tier"), max_length=8, choices=LoyaltyTier.choices)
    churn_risk = models.BooleanField(_("churn risk"), default=False)
    # What the score was computed from, as of its day (accounts.scoring.components.INPUTS);
    # the explanation (components, reasons) is computed from these when it is shown.
    nps_value = models.FloatField(_("latest NPS answer"), null=True, blank=True)
    nps_answered_on = models.DateField(_("NPS answered on"), null=True, blank=True)
    used_recently = models.FloatField(_("usage, last 30 days"), null=True, blank=True)
    used_before = models.FloatField(_("usage, 30 days before"), null=True, blank=True)
    included_usage = models.FloatField(_("included usage"), null=True, blank=True)
    last_purchase_on = models.DateField(_("last purchase"), null=True, blank=True)
    purchases = models.PositiveIntegerField(_("purchases in 12 months"), default=0)
    spend = models.PositiveBigIntegerField(_("spend over 12 months (¥)"), default=0)
    contacts = models.PositiveIntegerField(_("contacts in 90 days"), default=0)
    conversations = models.PositiveIntegerField(_("conversations in 90 days"), default=0)
    first_started_on = models.DateField(_("customer since"), null=True, blank=True)
    complaints_open = models.PositiveIntegerField(_("open complaints"), default=0)
    complaints_resolved = models.PositiveIntegerField(_("resolved complaints"), default=0)
    cancellations = models.PositiveIntegerField(_("cancellations in 180 days"), default=0)
    downgrades = models.PositiveIntegerField(_("downgrades in 180 days"), default=0)

    objects = AccountScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("loyalty score")
        verbose_name_plural = _("loyalty scores")
        ordering = ["account", "-as_of"]
        constraints = [
            models.UniqueConstraint(fields=["account", "as_of"], name="loyalty_score_one_per_day"),
            models.CheckConstraint(
                condition=Q(score__gte=0, score__lte=100), name="loyalty_score_0_to_100"
            ),
        ]
        indexes = [
            models.Index(fields=["as_of", "tier"]),
            # Month-end reports read every account's tier on a few days, and the at-risk lists
            # every visible account's score on two days: answered from the index alone
            # (PostgreSQL), without the wide rows (components, reasons; "id" for the ORM).
            # Measured at 100,000 accounts over 13 days: tiers 3.1 s from the table, 0.3 s from
            # the index; a 59,000-account manager's at-risk list 1.4 s, 0.25 s from the index.
            models.Index(
                fields=["as_of", "account"],
                include=["tier", "churn_risk", "score", "id"],
                name="loyalty_score_day_summary",
            ),
        ]

    def __str__(self):
        return f"{self.account} {self.as_of}: {self.score}"

    @cached_property
    def explanation(self):
        """Its components and reasons, computed from its inputs with its run's weights; for
        many scores at once, accounts.scoring.explain.loyalty_scores_explain fills this in
        with one query."""
        from accounts.scoring.explain import loyalty_scores_explain

        loyalty_scores_explain([self])
        return self.__dict__["explanation"]

    @property
    def components(self) -> dict[str, dict]:
        """{component: {"value", "normalised", "weight", "contribution", "detail"}}"""
        return self.explanation.components

    @property
    def reasons(self) -> list[dict]:
        """[{"component", "direction", "points", "value", "detail"}], strongest first"""
        return self.explanation.reasons

    def sentences(self) -> list[str]:
        """The reasons as sentences in the active language, strongest first."""
        return self.explanation.sentences()


class ScoringRun(ChunkedRun):
    """The ledger of one scoring of every account as of a date, split into chunks."""

    as_of = models.DateField(_("as of"), unique=True)
    chunk_size = models.PositiveIntegerField(_("accounts per chunk"))
    weights = models.JSONField(
        _("weights"), default=dict, help_text=_("The weights every chunk of this run uses.")
    )
    accounts_scored = models.PositiveIntegerField(_("accounts scored"), default=0)

    class Meta:
        verbose_name = _("scoring run")
        verbose_name_plural = _("scoring runs")
        ordering = ["-as_of"]

    def __str__(self):
        return f"{self.as_of} ({self.get_status_display()})"


class ScoringChunk(RunChunk):
    """One account-id range of a scoring run; done once its scores are written."""

    run = models.ForeignKey(
        ScoringRun, on_delete=models.CASCADE, related_name="chunks", verbose_name=_("run")
    )
    accounts_scored = models.PositiveIntegerField(_("accounts scored"), default=0)

    class Meta:
        verbose_name = _("scoring chunk")
        verbose_name_plural = _("scoring chunks")
        ordering = ["run", "lo"]
        constraints = [
            models.UniqueConstraint(fields=["run", "lo"], name="scoring_chunk_one_per_range"),
            models.CheckConstraint(condition=Q(lo__lte=models.F("hi")), name="scoring_chunk_range"),
        ]

    def __str__(self):
        return f"{self.run.as_of} [{self.lo}, {self.hi}]"
