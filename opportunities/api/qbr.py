"""The QBR API: meetings scoped by the account visibility rule, with action items and the
record of a held meeting written only through the QBR services, as on the QBR pages."""

import django_filters as filters
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from accounts.api.fields import ScopedPrimaryKeyRelatedField
from accounts.api.filters import IdFilterSet
from accounts.api.views import ReadViewSet
from accounts.models import BuyingMotive
from crm.users.models import User

from ..models import QBRGoal, QBRMeeting
from ..qbr import selectors, services
from .serializers import FollowUpSerializer, assignable_owners


class QBRGoalSerializer(serializers.ModelSerializer):
    class Meta:
        model = QBRGoal
        fields = ("id", "title", "outcome", "outcome_note")
        read_only_fields = fields


class QBRSerializer(serializers.ModelSerializer):
    goals = QBRGoalSerializer(many=True, read_only=True)
    action_items = serializers.SerializerMethodField(
        help_text=_("The follow-ups agreed in the meeting.")
    )

    class Meta:
        model = QBRMeeting
        fields = (
            "id",
            "account",
            "year",
            "quarter",
            "scheduled_on",
            "status",
            "our_attendees",
            "customer_attendees",
            "value_delivered",
            "obstacles",
            "growth_plans",
            "goals",
            "notes",
            "decisions",
            "budget_if_works",
            "expansion_departments",
            "replaces",
            "motives",
            "action_items",
            "held_at",
            "created_by",
            "created_at",
            "updated_at",
        )
        read_only_fields = fields

    def get_action_items(self, meeting: QBRMeeting) -> list[int]:
        return [item.follow_up_id for item in meeting.action_items.all()]


class QBRActionItemSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    owner = ScopedPrimaryKeyRelatedField(
        model=User,
        scope=assignable_owners,
        required=False,
        help_text=_("Leave out to take it yourself; the owner must see the account."),
    )
    due_on = serializers.DateField()


class QBRHoldSerializer(serializers.Serializer):
    notes = serializers.CharField(max_length=20_000)
    decisions = serializers.CharField(required=False, allow_blank=True, default="")
    budget_if_works = serializers.IntegerField(
        required=False, allow_null=True, default=None, min_value=0, max_value=2_147_483_647
    )
    expansion_departments = serializers.ListField(
        child=serializers.CharField(max_length=100), required=False, default=list, max_length=50
    )
    replaces = serializers.CharField(required=False, allow_blank=True, default="", max_length=300)
    motives = serializers.PrimaryKeyRelatedField(
        queryset=BuyingMotive.objects.all(), many=True, required=False, default=list
    )


class QBRFilter(IdFilterSet):
    date_from = filters.DateFilter(field_name="scheduled_on", lookup_expr="gte")
    date_to = filters.DateFilter(field_name="scheduled_on", lookup_expr="lte")

    class Meta(IdFilterSet.Meta):
        model = QBRMeeting
        fields = ["account", "status", "year", "quarter"]


class QBRViewSet(ReadViewSet):
    """Quarterly business reviews of the accounts the user sees; scheduling and the agenda
    stay on the QBR pages."""

    serializer_class = QBRSerializer
    filterset_class = QBRFilter
    ordering_fields = ("scheduled_on", "id")
    ordering = ("-scheduled_on", "-id")

    def get_queryset(self):
        return selectors.qbr_detail_queryset(user=self.request.user).prefetch_related(
            "goals", "action_items"
        )

    @extend_schema(
        request=QBRActionItemSerializer,
        responses={201: FollowUpSerializer},
        summary="Add an action item",
        description="Tracked as a follow-up on its owner's list, due on the given day.",
    )
    @action(detail=True, methods=["post"], url_path="action-items")
    def action_items(self, request, pk=None):
        meeting = self.get_object()
        item = QBRActionItemSerializer(data=request.data, context=self.get_serializer_context())
        item.is_valid(raise_exception=True)
        fields = {"owner": request.user, **item.validated_data}
        added = services.qbr_action_item_add(meeting=meeting, by=request.user, **fields)
        return Response(FollowUpSerializer(added.follow_up).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=QBRHoldSerializer,
        responses={200: QBRSerializer},
        summary="Record the meeting as held",
        description="Not before its date; the notes are required. The first time, the "
        "account's timeline gets a QBR activity.",
    )
    @action(detail=True, methods=["post"])
    def hold(self, request, pk=None):
        meeting = self.get_object()
        held = QBRHoldSerializer(data=request.data)
        held.is_valid(raise_exception=True)
        services.qbr_hold(meeting=meeting, by=request.user, **held.validated_data)
        return Response(self.get_serializer(self.get_queryset().get(pk=meeting.pk)).data)
