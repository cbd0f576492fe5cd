"""What the pipeline API reads and writes. Related objects are looked up among those the user
may see (accounts, subscriptions, hearings, opportunities) or assign (owners); the services
then check that they belong together (a subscription of another account is refused)."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.api.fields import FixedOnUpdate, ScopedPrimaryKeyRelatedField, visible
from accounts.models import Account, BuyingMotive, Product, Subscription
from crm.users.models import User

from .. import selectors
from ..forms import question_field
from ..models import (
    ChecklistVersion,
    DismissReason,
    FollowUp,
    Hearing,
    OfferCard,
    Opportunity,
    QuestionKind,
    Stage,
)
from ..services import EDITABLE_FIELDS


def assignable_owners(user: User):
    return selectors.owners_assignable(user=user)


def products_on_sale(user: User):
    return Product.objects.filter(is_active=True)


class OpportunitySerializer(FixedOnUpdate, serializers.ModelSerializer):
    fixed_on_update = ("account", "stage", "hearing")

    account = ScopedPrimaryKeyRelatedField(model=Account, scope=visible(Account))
    owner = ScopedPrimaryKeyRelatedField(
        model=User,
        scope=assignable_owners,
        required=False,
        help_text=_("Leave out to own it yourself."),
    )
    stage = serializers.ChoiceField(
        choices=Stage.choices,
        default=Stage.PROSPECTING,
        help_text=_("An open stage when creating; afterwards the stage changes with /move/."),
    )
    probability = serializers.IntegerField(
        min_value=0,
        max_value=100,
        required=False,
        help_text=_("Leave out for the stage's usual probability."),
    )
    subscription = ScopedPrimaryKeyRelatedField(
        model=Subscription, scope=visible(Subscription), required=False, allow_null=True
    )
    from_product = ScopedPrimaryKeyRelatedField(
        model=Product, scope=products_on_sale, required=False, allow_null=True
    )
    to_product = ScopedPrimaryKeyRelatedField(
        model=Product, scope=products_on_sale, required=False, allow_null=True
    )
    hearing = ScopedPrimaryKeyRelatedField(
        model=Hearing, scope=visible(Hearing), required=False, allow_null=True
    )

    class Meta:
        model = Opportunity
        fields = (
            "id",
            "account",
            *EDITABLE_FIELDS,
            "stage",
            "hearing",
            "source",
            "loss_reason",
            "closed_on",
            "weighted_value",
            "created_at",
            "updated_at",
        )
        read_only_fields = ("source", "loss_reason", "closed_on", "created_at", "updated_at")

    weighted_value = serializers.IntegerField(read_only=True)


class OpportunityMoveSerializer(serializers.Serializer):
    stage = serializers.ChoiceField(choices=Stage.choices)
    probability = serializers.IntegerField(
        min_value=0, max_value=100, required=False, allow_null=True
    )
    loss_reason = serializers.CharField(required=False, allow_blank=True, max_length=2000)


class HearingSerializer(serializers.ModelSerializer):
    answers = serializers.SerializerMethodField()

    class Meta:
        model = Hearing
        fields = (
            "id",
            "account",
            "opportunity",
            "version",
            "held_on",
            "conducted_by",
            "completeness",
            "budget_if_works",
            "expansion_departments",
            "replaces",
            "motives",
            "hesitant",
            "notes",
            "answers",
            "created_at",
        )
        read_only_fields = fields

    @extend_schema_field(serializers.DictField(child=serializers.JSONField()))
    def get_answers(self, hearing: Hearing) -> dict:
        """The answers by question key."""
        return {answer.question.key: answer.value for answer in hearing.answers.all()}


def published_versions(user: User):
    return ChecklistVersion.objects.filter(published_at__isnull=False)


def form_value(kind: str, value):
    """An answer sent as JSON, in the shape the checklist's form field expects."""
    if kind == QuestionKind.YES_NO and isinstance(value, bool):
        return "yes" if value else "no"
    if kind == QuestionKind.DEPARTMENTS and isinstance(value, list):
        return "\n".join(str(item) for item in value)
    if isinstance(value, dict | list):
        raise serializers.ValidationError(_("Enter a single value."))
    return value


class HearingRecordSerializer(serializers.Serializer):
    account = ScopedPrimaryKeyRelatedField(model=Account, scope=visible(Account))
    opportunity = ScopedPrimaryKeyRelatedField(
        model=Opportunity, scope=visible(Opportunity), required=False, allow_null=True
    )
    version = ScopedPrimaryKeyRelatedField(
        model=ChecklistVersion,
        scope=published_versions,
        required=False,
        help_text=_("Leave out for the current version of the default checklist."),
    )
    held_on = serializers.DateField()
    answers = serializers.DictField(
        child=serializers.JSONField(),
        required=False,
        default=dict,
        help_text=_("Answers by question key; yes/no as booleans, departments as a list."),
    )
    motives = serializers.PrimaryKeyRelatedField(
        queryset=BuyingMotive.objects.all(), many=True, required=False
    )
    hesitant = serializers.BooleanField(default=False)
    notes = serializers.CharField(required=False, allow_blank=True, default="", max_length=10_000)

    def validate(self, attrs):
        version = attrs.get("version") or selectors.checklist_current_version()
        if version is None:
            raise serializers.ValidationError(
                {"version": _("No hearing checklist is published yet: ask an administrator.")}
            )
        questions = {q.key: q for q in version.questions.all()}
        typed, errors = {}, {}
        for key, value in attrs["answers"].items():
            if key not in questions:
                errors[key] = _("This checklist has no such question.")
                continue
            try:
                typed[key] = question_field(questions[key]).clean(
                    form_value(questions[key].kind, value)
                )
            except DjangoValidationError as error:
                errors[key] = error.messages
            except serializers.ValidationError as error:
                errors[key] = error.detail
        if errors:
            raise serializers.ValidationError({"answers": errors})
        return {**attrs, "version": version, "answers": typed}


class FollowUpSerializer(serializers.ModelSerializer):
    account = ScopedPrimaryKeyRelatedField(model=Account, scope=visible(Account))
    owner = ScopedPrimaryKeyRelatedField(
        model=User,
        scope=assignable_owners,
        required=False,
        help_text=_("Leave out to take it yourself."),
    )
    opportunity = ScopedPrimaryKeyRelatedField(
        model=Opportunity, scope=visible(Opportunity), required=False, allow_null=True
    )
    hearing = ScopedPrimaryKeyRelatedField(
        model=Hearing, scope=visible(Hearing), required=False, allow_null=True
    )

    class Meta:
        model = FollowUp
        fields = (
            "id",
            "account",
            "owner",
            "title",
            "due_on",
            "opportunity",
            "hearing",
            "note",
            "done_at",
            "created_by",
            "created_at",
        )
        read_only_fields = ("done_at", "created_by", "created_at")


class OfferCardSerializer(serializers.ModelSerializer):
    # Declared: a read-only model field loses allow_blank, and a live card has no reason yet.
    dismiss_reason = serializers.ChoiceField(
        choices=DismissReason.choices, allow_blank=True, read_only=True
    )

    class Meta:
        model = OfferCard
        fields = (
            "id",
            "account",
            "rep",
            "kind",
            "product",
            "current_product",
            "source",
            "rule",
            "monthly_uplift",
            "probability",
            "expected_value",
            "reasons",
            "talking_points",
            "timing",
            "success_story",
            "generated_on",
            "status",
            "snoozed_until",
            "dismiss_reason",
            "dismiss_note",
            "acted_at",
            "opportunity",
        )
        read_only_fields = fields


class OfferSnoozeSerializer(serializers.Serializer):
    until = serializers.DateField(help_text=_("The card comes back on this day (after today)."))


class OfferDismissSerializer(serializers.Serializer):
    reason = serializers.ChoiceField(choices=DismissReason.choices)
    note = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=1000,
        help_text=_('Required when the reason is "other".'),
    )
