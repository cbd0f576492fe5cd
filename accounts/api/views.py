"""The accounts API. Thin: every queryset starts from `visible_to(user)` (through the
selectors), so a forbidden object answers 404 like a missing one; every write is a service."""

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from .. import selectors, services
from ..models import (
    Activity,
    Contact,
    LoyaltyScore,
    NPSResponse,
    Order,
    Product,
    Subscription,
    UsageRecord,
)
from ..scoring.explain import loyalty_scores_explain
from . import filters, pagination, serializers


class ReadViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """List and fetch; nothing is deleted through the API (the audit history keeps edits)."""

    # Any id segment reaches the view, so "/accounts/0.5/" is the API's JSON 404, not a page's.
    lookup_value_regex = "[^/]+"


class ReadWriteViewSet(mixins.CreateModelMixin, mixins.UpdateModelMixin, ReadViewSet):
    """List, fetch, create and update, each write through one of the app's services."""

    def perform_create(self, serializer):
        serializer.instance = self.create_row(user=self.request.user, **serializer.validated_data)

    def perform_update(self, serializer):
        fields = dict(serializer.validated_data)
        fields.pop("account", None)  # the serializer has refused any other account
        serializer.instance = self.update_row(
            user=self.request.user, row=serializer.instance, **fields
        )

    def create_row(self, *, user, **fields):
        raise NotImplementedError

    def update_row(self, *, user, row, **fields):
        raise NotImplementedError


class AccountViewSet(ReadWriteViewSet):
    serializer_class = serializers.AccountSerializer
    filterset_class = filters.AccountFilter
    ordering_fields = (
        "name",
        "name_kana",
        "employee_count",
        "mrr",
        "latest_nps_score",
        "updated_at",
    )
    ordering = ("name_kana", "name", "id")

    def get_queryset(self):
        return selectors.account_list(user=self.request.user)

    def create_row(self, *, user, **fields):
        account = services.account_create(user=user, **fields)
        return self.get_queryset().get(pk=account.pk)  # with the list's annotations

    def update_row(self, *, user, row, **fields):
        services.account_update(user=user, account=row, **fields)
        return self.get_queryset().get(pk=row.pk)


class ContactViewSet(ReadWriteViewSet):
    serializer_class = serializers.ContactSerializer
    filterset_class = filters.ContactFilter
    ordering_fields = ("name_kana", "name", "id")
    ordering = ("account_id", "-is_primary", "name_kana", "id")

    def get_queryset(self):
        return Contact.objects.visible_to(self.request.user)

    def create_row(self, *, user, account, **fields):
        return services.contact_create(user=user, account=account, **fields)

    def update_row(self, *, user, row, **fields):
        return services.contact_update(user=user, contact=row, **fields)


class ProductViewSet(ReadViewSet):
    """The catalogue, the same for everyone; administrators maintain it in the admin."""

    serializer_class = serializers.ProductSerializer
    filterset_class = filters.ProductFilter
    ordering_fields = ("name", "monthly_price", "tier_rank", "id")
    ordering = ("family__name", "tier_rank", "name", "id")
    queryset = Product.objects.prefetch_related("complements", "motives")


class SubscriptionViewSet(ReadWriteViewSet):
    serializer_class = serializers.SubscriptionSerializer
    filterset_class = filters.SubscriptionFilter
    ordering_fields = ("started_on", "renewal_on", "monthly_amount", "id")
    ordering = ("account_id", "-started_on", "id")

    def get_queryset(self):
        return Subscription.objects.visible_to(self.request.user)

    def create_row(self, *, user, account, **fields):
        return services.subscription_create(user=user, account=account, **fields)

    def update_row(self, *, user, row, **fields):
        return services.subscription_update(user=user, subscription=row, **fields)


class UsageRecordViewSet(ReadViewSet):
    pagination_class = pagination.CursorPagination  # a history list
    serializer_class = serializers.UsageRecordSerializer
    filterset_class = filters.UsageRecordFilter
    ordering_fields = ("date", "quantity", "id")
    ordering = ("subscription_id", "date")

    def get_queryset(self):
        return UsageRecord.objects.visible_to(self.request.user)

    @extend_schema(
        request=serializers.UsageIngestSerializer,
        responses={200: serializers.UsageIngestResultSerializer},
        summary="Save daily usage in bulk",
        description=(
            "One row per subscription and day: sending a day again replaces its quantity, "
            "so a retried sync changes nothing. All or nothing: one unknown subscription "
            "rejects the batch."
        ),
    )
    @action(detail=False, methods=["post"], url_path="bulk")
    def bulk(self, request):
        batch = serializers.UsageIngestSerializer(data=request.data)
        batch.is_valid(raise_exception=True)
        counts = services.usage_records_upsert(
            user=request.user, records=batch.validated_data["records"]
        )
        result = serializers.UsageIngestResultSerializer(counts)
        return Response(result.data, status=status.HTTP_200_OK)


class OrderViewSet(mixins.CreateModelMixin, ReadViewSet):
    pagination_class = pagination.CursorPagination  # a history list
    serializer_class = serializers.OrderSerializer
    filterset_class = filters.OrderFilter
    ordering_fields = ("ordered_on", "total", "id")
    ordering = ("-ordered_on", "-id")

    def get_queryset(self):
        return Order.objects.visible_to(self.request.user).prefetch_related("lines")

    def perform_create(self, serializer):
        serializer.instance = services.order_create(
            user=self.request.user, **serializer.validated_data
        )


class NPSResponseViewSet(ReadWriteViewSet):
    pagination_class = pagination.CursorPagination  # a history list
    serializer_class = serializers.NPSResponseSerializer
    filterset_class = filters.NPSResponseFilter
    ordering_fields = ("answered_on", "score", "id")
    ordering = ("-answered_on", "-id")

    def get_queryset(self):
        return NPSResponse.objects.visible_to(self.request.user)

    def create_row(self, *, user, account, **fields):
        return services.nps_response_create(user=user, account=account, **fields)

    def update_row(self, *, user, row, **fields):
        return services.nps_response_update(user=user, answer=row, **fields)


class ActivityViewSet(ReadWriteViewSet):
    pagination_class = pagination.CursorPagination  # a history list
    serializer_class = serializers.ActivitySerializer
    filterset_class = filters.ActivityFilter
    ordering_fields = ("occurred_on", "id")
    ordering = ("-occurred_on", "-id")

    def get_queryset(self):
        return Activity.objects.visible_to(self.request.user)

    def create_row(self, *, user, account, **fields):
        return services.activity_create(user=user, account=account, **fields)

    def update_row(self, *, user, row, **fields):
        return services.activity_update(user=user, activity=row, **fields)


class LoyaltyScoreViewSet(ReadViewSet):
    """Scores are computed every night; the API only reads them."""

    pagination_class = pagination.CursorPagination  # a history list

    serializer_class = serializers.LoyaltyScoreSerializer
    filterset_class = filters.LoyaltyScoreFilter
    ordering_fields = ("as_of", "score", "id")
    ordering = ("account_id", "-as_of")

    def get_queryset(self):
        return LoyaltyScore.objects.visible_to(self.request.user)

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        if page is not None:
            loyalty_scores_explain(page)  # the page's components and reasons: one query
        return page
