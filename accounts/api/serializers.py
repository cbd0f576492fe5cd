"""What the accounts API reads and writes. Writes go through accounts.services, so the API
keeps the same rules as the pages; related objects are looked up among those the user may see.

Component names in the OpenAPI schema are the class names, so each one is unique.
"""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from crm.users.models import User

from .. import selectors
from ..models import (
    Account,
    Activity,
    Contact,
    LoyaltyScore,
    NPSResponse,
    Order,
    OrderLine,
    Product,
    Subscription,
    UsageRecord,
)
from ..services import (
    ACCOUNT_FIELDS,
    ACTIVITY_FIELDS,
    CONTACT_FIELDS,
    NPS_FIELDS,
    SUBSCRIPTION_FIELDS,
)
from .fields import FixedOnUpdate, ScopedPrimaryKeyRelatedField, visible

USAGE_BATCH_MAX = 5_000  # records per request: a month of daily usage for ~160 subscriptions


def assignable_people(user: User):
    return selectors.owner_choices(user=user)


class AccountSerializer(serializers.ModelSerializer):
    owner = ScopedPrimaryKeyRelatedField(
        model=User, scope=assignable_people, required=False, allow_null=True
    )
    cs_owner = ScopedPrimaryKeyRelatedField(
        model=User, scope=assignable_people, required=False, allow_null=True
    )
    mrr = serializers.IntegerField(
        read_only=True, help_text=_("Monthly amount of live subscriptions (¥).")
    )
    latest_nps_score = serializers.IntegerField(read_only=True, allow_null=True)
    latest_nps_on = serializers.DateField(read_only=True, allow_null=True)

    class Meta:
        model = Account
        fields = (
            "id",
            "external_id",
            *ACCOUNT_FIELDS,
            "mrr",
            "latest_nps_score",
            "latest_nps_on",
            "created_at",
            "updated_at",
        )
        read_only_fields = ("external_id",)  # set by imports, the key re-imports match on


class ContactSerializer(FixedOnUpdate, serializers.ModelSerializer):
    account = ScopedPrimaryKeyRelatedField(model=Account, scope=visible(Account))

    class Meta:
        model = Contact
        fields = ("id", "account", "external_id", *CONTACT_FIELDS)
        read_only_fields = ("external_id",)


class ProductSerializer(serializers.ModelSerializer):
    class Meta:
        model = Product
        fields = (
            "id",
            "code",
            "name",
            "kind",
            "family",
            "tier_rank",
            "monthly_price",
            "included_usage",
            "usage_unit",
            "overage_unit_price",
            "complements",
            "motives",
            "is_active",
        )
        read_only_fields = fields


class SubscriptionSerializer(FixedOnUpdate, serializers.ModelSerializer):
    account = ScopedPrimaryKeyRelatedField(model=Account, scope=visible(Account))
    product = serializers.PrimaryKeyRelatedField(queryset=Product.objects.all())
    monthly_amount = serializers.IntegerField(
        min_value=0,
        max_value=2_147_483_647,
        required=False,
        allow_null=True,
        help_text=_("Leave out to bill the product's list price."),
    )

    class Meta:
        model = Subscription
        fields = ("id", "account", "external_id", *SUBSCRIPTION_FIELDS)
        read_only_fields = ("external_id",)


class UsageRecordSerializer(serializers.ModelSerializer):
    class Meta:
        model = UsageRecord
        fields = ("id", "account", "subscription", "date", "quantity")
        read_only_fields = fields


class UsageIngestRecordSerializer(serializers.Serializer):
    # A plain id: the service checks every subscription of the batch in one query.
    subscription = serializers.IntegerField(min_value=1, max_value=2**63 - 1)
    date = serializers.DateField()
    quantity = serializers.DecimalField(max_digits=14, decimal_places=2, min_value=0)


class UsageIngestSerializer(serializers.Serializer):
    records = UsageIngestRecordSerializer(many=True, allow_empty=False, max_length=USAGE_BATCH_MAX)


class UsageIngestResultSerializer(serializers.Serializer):
    created = serializers.IntegerField()
    updated = serializers.IntegerField()


class OrderLineSerializer(serializers.ModelSerializer):
    product = serializers.PrimaryKeyRelatedField(queryset=Product.objects.all())

    class Meta:
        model = OrderLine
        fields = ("product", "quantity", "unit_price")


class OrderSerializer(serializers.ModelSerializer):
    account = ScopedPrimaryKeyRelatedField(model=Account, scope=visible(Account))
    lines = OrderLineSerializer(many=True, allow_empty=False, max_length=200)

    class Meta:
        model = Order
        fields = ("id", "account", "external_id", "ordered_on", "total", "lines")
        read_only_fields = ("total",)


class NPSResponseSerializer(FixedOnUpdate, serializers.ModelSerializer):
    account = ScopedPrimaryKeyRelatedField(model=Account, scope=visible(Account))
    contact = ScopedPrimaryKeyRelatedField(
        model=Contact, scope=visible(Contact), required=False, allow_null=True
    )
    category = serializers.CharField(read_only=True)

    class Meta:
        model = NPSResponse
        fields = ("id", "account", "external_id", *NPS_FIELDS, "category")
        read_only_fields = ("external_id",)


class ActivitySerializer(FixedOnUpdate, serializers.ModelSerializer):
    account = ScopedPrimaryKeyRelatedField(model=Account, scope=visible(Account))

    class Meta:
        model = Activity
        fields = ("id", "account", *ACTIVITY_FIELDS, "owner", "created_at")
        read_only_fields = ("owner", "created_at")


class LoyaltyComponentSerializer(serializers.Serializer):
    """One part of the score: what was measured, its place on a 0-100 scale, its weight and
    the points it adds (negatives take points off)."""

    value = serializers.JSONField(allow_null=True)
    normalised = serializers.FloatField()
    weight = serializers.FloatField()
    contribution = serializers.FloatField()
    detail = serializers.DictField(required=False)


class LoyaltyScoreSerializer(serializers.ModelSerializer):
    components = serializers.SerializerMethodField()
    reasons = serializers.SerializerMethodField()

    class Meta:
        model = LoyaltyScore
        fields = ("id", "account", "as_of", "score", "tier", "churn_risk", "components", "reasons")
        read_only_fields = fields

    @extend_schema_field(serializers.DictField(child=LoyaltyComponentSerializer()))
    def get_components(self, score: LoyaltyScore) -> dict:
        return score.components

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_reasons(self, score: LoyaltyScore) -> list[str]:
        """Why the score is what it is, strongest first, in the request's language."""
        return score.sentences()
