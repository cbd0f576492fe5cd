"""Hearing checklists in versions, recorded hearings and their answers, and the intermediate
goals (watch conditions) a hearing arms."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from accounts.models import Account, BuyingMotive, Product

from ..querysets import HearingQuerySet, WatchConditionQuerySet
from .pipeline import Opportunity, OpportunityType
from .texts import in_current_language


class ChecklistTemplate(models.Model):
    """A hearing checklist; its questions live in numbered versions."""

    code = models.SlugField(_("code"), max_length=32, unique=True)
    name_ja = models.CharField(_("name (Japanese)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=100)
    is_default = models.BooleanField(_("default"), default=False)

    class Meta:
        verbose_name = _("hearing checklist")
        verbose_name_plural = _("hearing checklists")
        ordering = ["-is_default", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"], condition=Q(is_default=True), name="checklist_one_default"
            )
        ]

    def __str__(self):
        return self.name

    @property
    def name(self) -> str:
        return in_current_language(self.name_ja, self.name_en)


class ChecklistVersion(models.Model):
    """One numbered version of a checklist; once published its questions never change."""

    template = models.ForeignKey(
        ChecklistTemplate,
        on_delete=models.PROTECT,
        related_name="versions",
        verbose_name=_("checklist"),
    )
    number = models.PositiveIntegerField(_("version"))
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("checklist version")
        verbose_name_plural = _("checklist versions")
        ordering = ["template", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["template", "number"], name="checklist_version_unique"),
            models.UniqueConstraint(
                fields=["template"],
                condition=Q(published_at__isnull=True),
                name="checklist_one_draft",
            ),
        ]

    def __str__(self):
        return f"{self.template} v{self.number}"

    @property
    def is_published(self) -> bool:
        return self.published_at is not None


class QuestionKind(models.TextChoices):
    TEXT = "text", _("Text")
    YES_NO = "yes_no", _("Yes / no")
    CHOICE = "choice", _("Choice")
    AMOUNT = "amount", _("Amount (¥)")
    NUMBER = "number", _("Number")
    DATE = "date", _("Date")
    DEPARTMENTS = "departments", _("List of departments")


class Signal(models.TextChoices):
    """The expansion signal an answer feeds, so a hearing keeps it as structured data."""

    NONE = "", _("None")
    BUDGET = "budget", _("Budget if it works")
    DEPARTMENTS = "departments", _("Departments to expand to")
    REPLACES = "replaces", _("What it would replace")


class Question(models.Model):
    """One question of a checklist version, in Japanese and English, with a typed answer."""

    version = models.ForeignKey(
        ChecklistVersion,
        on_delete=models.CASCADE,
        related_name="questions",
        verbose_name=_("version"),
    )
    position = models.PositiveSmallIntegerField(_("position"))
    key = models.SlugField(
        _("key"), max_length=48, help_text=_("Stable across versions: the same question's key.")
    )
    kind = models.CharField(_("answer type"), max_length=16, choices=QuestionKind.choices)
    text_ja = models.CharField(_("question (Japanese)"), max_length=300)
    text_en = models.CharField(_("question (English)"), max_length=300)
    choices_ja = models.TextField(_("choices (Japanese)"), blank=True, help_text=_("One a line."))
    choices_en = models.TextField(
        _("choices (English)"), blank=True, help_text=_("One a line, in the same order.")
    )
    signal = models.CharField(
        _("expansion signal"), max_length=16, choices=Signal.choices, blank=True
    )

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["version", "position"]
        constraints = [
            models.UniqueConstraint(fields=["version", "position"], name="question_position"),
            models.UniqueConstraint(fields=["version", "key"], name="question_key"),
        ]

    def __str__(self):
        return self.text

    @property
    def text(self) -> str:
        return in_current_language(self.text_ja, self.text_en)

    def choice_pairs(self) -> list[tuple[str, str]]:
        """(stored value, label in the current language); the English text is the value."""
        en = [line.strip() for line in self.choices_en.splitlines() if line.strip()]
        ja = [line.strip() for line in self.choices_ja.splitlines() if line.strip()]
        pairs = zip(en, ja, strict=False)  # clean() keeps the two lists the same length
        return [(value, in_current_language(label, value)) for value, label in pairs]

    def clean(self):
        en = [line for line in self.choices_en.splitlines() if line.strip()]
        ja = [line for line in self.choices_ja.splitlines() if line.strip()]
        if self.kind == QuestionKind.CHOICE and (not en or len(en) != len(ja)):
            raise ValidationError(
                _("A choice question needs the same number of Japanese and English choices.")
            )
        if self.version_id and self.version.is_published:
            raise ValidationError(_("A published version cannot change; make a new draft."))


class Hearing(models.Model):
    """A discovery interview with a customer, recorded against one checklist version."""

    account = models.ForeignKey(
        Account, on_delete=models.CASCADE, related_name="hearings", verbose_name=_("account")
    )
    opportunity = models.ForeignKey(
        Opportunity,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="hearings",
        verbose_name=_("opportunity"),
    )
    version = models.ForeignKey(
        ChecklistVersion,
        on_delete=models.PROTECT,
        related_name="hearings",
        verbose_name=_("checklist version"),
    )
    held_on = models.DateField(_("held on"))
    conducted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="hearings",
        verbose_name=_("conducted by"),
    )
    completeness = models.PositiveSmallIntegerField(_("completeness (%)"), default=0)
    budget_if_works = models.PositiveIntegerField(
        _("budget if it works (¥/month)"), null=True, blank=True
    )
    expansion_departments = models.JSONField(
        _("departments to expand to"), default=list, blank=True
    )
    replaces = models.CharField(_("what it would replace"), max_length=300, blank=True)
    motives = models.ManyToManyField(
        BuyingMotive, blank=True, related_name="hearings", verbose_name=_("buying motives")
    )
    hesitant = models.BooleanField(
        _("customer is hesitant"),
        default=False,
        help_text=_("Take a note, don't push: offers pause and a follow-up is scheduled."),
    )
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    history = HistoricalRecords()
    objects = HearingQuerySet.as_manager()

    class Meta:
        verbose_name = _("hearing")
        verbose_name_plural = _("hearings")
        ordering = ["-held_on", "-pk"]
        indexes = [models.Index(fields=["account", "held_on"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(completeness__lte=100), name="hearing_completeness_0_to_100"
            )
        ]

    def __str__(self):
        return f"{self.account} {self.held_on}"

    def get_absolute_url(self):
        return reverse("opportunities:hearing_detail", args=[self.pk])


class Answer(models.Model):
    """The answer to one question in one hearing, stored as typed JSON."""

    hearing = models.ForeignKey(
        Hearing, on_delete=models.CASCADE, related_name="answers", verbose_name=_("hearing")
    )
    question = models.ForeignKey(
        Question, on_delete=models.PROTECT, related_name="answers", verbose_name=_("question")
    )
    value = models.JSONField(_("value"))

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        constraints = [
            models.UniqueConstraint(fields=["hearing", "question"], name="answer_one_per_question")
        ]

    def __str__(self):
        return f"{self.question.key}: {self.value}"


class Metric(models.TextChoices):
    """What the system measures for an intermediate goal."""

    USAGE = "usage", _("Usage over the period")
    SEATS = "seats", _("Seats subscribed")
    ORDERS = "orders", _("Orders over the period")


class WatchCondition(models.Model):
    """An intermediate goal: when <metric> reaches <threshold> by <deadline>, they will <act>."""

    class Status(models.TextChoices):
        OPEN = "open", _("Watching")
        MET = "met", _("Met")
        EXPIRED = "expired", _("Expired")

    hearing = models.ForeignKey(
        Hearing,
        on_delete=models.CASCADE,
        related_name="watch_conditions",
        verbose_name=_("hearing"),
    )
    account = models.ForeignKey(
        Account,
        on_delete=models.CASCADE,
        related_name="watch_conditions",
        verbose_name=_("account"),
    )
    metric = models.CharField(_("metric"), max_length=8, choices=Metric.choices)
    product = models.ForeignKey(
        Product,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("product measured"),
        help_text=_("Leave empty to count every product."),
    )
    threshold = models.DecimalField(
        _("threshold"),
        max_digits=14,
        decimal_places=2,
        validators=[MinValueValidator(0)],
    )
    starts_on = models.DateField(_("counting from"))
    deadline = models.DateField(_("by"))
    promised_action = models.CharField(_("the customer will"), max_length=200)
    promised_value = models.PositiveIntegerField(_("worth (¥/month)"), default=0)
    opportunity_type = models.CharField(
        _("opportunity type"),
        max_length=16,
        choices=[
            (OpportunityType.UPSELL, OpportunityType.UPSELL.label),
            (OpportunityType.CROSS_SELL, OpportunityType.CROSS_SELL.label),
        ],
        default=OpportunityType.UPSELL,
    )
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.OPEN
    )
    measured_value = models.DecimalField(
        _("last measured"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    evaluated_on = models.DateField(_("last checked"), null=True, blank=True)
    opportunity = models.OneToOneField(
        Opportunity,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="watch_condition",
        verbose_name=_("opportunity created"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = WatchConditionQuerySet.as_manager()

    class Meta:
        verbose_name = _("intermediate goal")
        verbose_name_plural = _("intermediate goals")
        ordering = ["deadline", "pk"]
        indexes = [models.Index(fields=["status", "starts_on"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(deadline__gte=models.F("starts_on")),
                name="watch_condition_deadline_after_start",
            )
        ]

    def __str__(self):
        return self.promised_action
