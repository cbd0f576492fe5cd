"""The campaigns API: campaigns (managers of their teams, admins) and targets (also the rep
each is assigned to), with a target's move along its workflow.

Thin: querysets come from `visible_to(user)`, so a forbidden object answers 404 like a
missing one; the move is `campaigns.services.campaign_target_move`, as on the pages.
"""

from drf_spectacular.utils import extend_schema
from rest_framework.decorators import action
from rest_framework.response import Response

from accounts.api.views import ReadViewSet

from .. import selectors, services
from ..models import CampaignTarget
from . import filters, serializers


class CampaignViewSet(ReadViewSet):
    """Campaigns the user plans or oversees: none for reps and customer success, who see the
    targets assigned to them instead."""

    serializer_class = serializers.CampaignSerializer
    filterset_class = filters.CampaignFilter
    ordering_fields = ("starts_on", "ends_on", "name", "id")
    ordering = ("-starts_on", "-id")

    def get_queryset(self):
        return selectors.campaign_list(user=self.request.user).prefetch_related("teams")


class CampaignTargetViewSet(ReadViewSet):
    serializer_class = serializers.CampaignTargetSerializer
    filterset_class = filters.CampaignTargetFilter
    ordering_fields = ("status_changed_at", "assigned_at", "id")
    ordering = ("campaign_id", "id")

    def get_queryset(self):
        return CampaignTarget.objects.visible_to(self.request.user)

    @extend_schema(
        request=serializers.CampaignTargetMoveSerializer,
        responses={200: serializers.CampaignTargetSerializer},
        summary="Move the target one step",
        description="Assigned → contacted → hearing done → proposal → won or lost; declined "
        "and do not contact on the way. Lost, declined and do not contact need a reason. From "
        "the hearing on, the target is worked as an opportunity that follows its stage.",
    )
    @action(detail=True, methods=["post"])
    def move(self, request, pk=None):
        target = self.get_object()
        move = serializers.CampaignTargetMoveSerializer(data=request.data)
        move.is_valid(raise_exception=True)
        moved = services.campaign_target_move(target=target, by=request.user, **move.validated_data)
        return Response(self.get_serializer(moved).data)
