"""The pipeline API: opportunities and their stage moves, hearings, follow-ups, offer cards.

Thin: querysets come from the selectors (already scoped by `visible_to(user)`), so a forbidden
object answers 404 like a missing one; writes are the app's services.
"""

from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.response import Response

from accounts.api.views import ReadViewSet, ReadWriteViewSet

from .. import selectors, services
from ..models import OfferCard
from ..offers import selectors as offer_selectors
from ..offers import services as offer_services
from . import filters, serializers


class OpportunityViewSet(ReadWriteViewSet):
    serializer_class = serializers.OpportunitySerializer
    filterset_class = filters.OpportunityFilter
    ordering_fields = ("expected_close", "contract_value", "probability", "updated_at", "id")
    ordering = ("expected_close", "id")

    def get_queryset(self):
        return selectors.opportunities_visible(user=self.request.user)

    def create_row(self, *, user, **fields):
        fields.setdefault("owner", user)
        return services.opportunity_create(created_by=user, **fields)

    def update_row(self, *, user, row, **fields):
        fields.pop("stage", None)  # unchanged (the serializer refused a change); see move
        fields.pop("hearing", None)
        return services.opportunity_update(opportunity=row, by=user, **fields)

    @extend_schema(
        request=serializers.OpportunityMoveSerializer,
        responses={200: serializers.OpportunitySerializer},
        summary="Move the opportunity to a stage",
        description="The stage's usual probability applies unless one is given; "
        "a lost deal needs a loss reason. The move is recorded with who made it.",
    )
    @action(detail=True, methods=["post"])
    def move(self, request, pk=None):
        opportunity = self.get_object()
        move = serializers.OpportunityMoveSerializer(data=request.data)
        move.is_valid(raise_exception=True)
        moved = services.opportunity_move(
            opportunity=opportunity, by=request.user, **move.validated_data
        )
        return Response(self.get_serializer(moved).data)


class HearingViewSet(ReadViewSet):
    serializer_class = serializers.HearingSerializer
    filterset_class = filters.HearingFilter
    ordering_fields = ("held_on", "completeness", "id")
    ordering = ("-held_on", "-id")

    def get_queryset(self):
        return selectors.hearings_visible(user=self.request.user).prefetch_related(
            "motives", "answers__question"
        )

    @extend_schema(
        request=serializers.HearingRecordSerializer,
        responses={201: serializers.HearingSerializer},
        summary="Record a hearing",
        description="Answers are checked against the checklist version's questions. A hesitant "
        "customer pauses offers and gets a follow-up, as on the hearing page.",
    )
    def create(self, request):
        record = serializers.HearingRecordSerializer(
            data=request.data, context=self.get_serializer_context()
        )
        record.is_valid(raise_exception=True)
        hearing = services.hearing_record(conducted_by=request.user, **record.validated_data)
        created = self.get_serializer(self.get_queryset().get(pk=hearing.pk))
        return Response(created.data, status=status.HTTP_201_CREATED)


class FollowUpViewSet(mixins.CreateModelMixin, ReadViewSet):
    serializer_class = serializers.FollowUpSerializer
    filterset_class = filters.FollowUpFilter
    ordering_fields = ("due_on", "id")
    ordering = ("due_on", "id")

    def get_queryset(self):
        return selectors.follow_ups_visible(user=self.request.user)

    def perform_create(self, serializer):
        fields = dict(serializer.validated_data)
        fields.setdefault("owner", self.request.user)
        serializer.instance = services.follow_up_create(created_by=self.request.user, **fields)

    @extend_schema(request=None, responses={200: serializers.FollowUpSerializer})
    @action(detail=True, methods=["post"])
    def complete(self, request, pk=None):
        """Mark done; a second call keeps the first time."""
        follow_up = services.follow_up_complete(follow_up=self.get_object(), by=request.user)
        return Response(self.get_serializer(follow_up).data)


class OfferCardViewSet(ReadViewSet):
    """Next-best-offer cards. Everyone who sees the account reads its cards; only the card's
    own rep answers a live one (accept, snooze, dismiss), as on the dashboard: for anyone
    else, and for a card already answered, the actions answer 404."""

    serializer_class = serializers.OfferCardSerializer
    filterset_class = filters.OfferCardFilter
    ordering_fields = ("expected_value", "generated_on", "id")
    ordering = ("-expected_value", "id")

    def get_queryset(self):
        return OfferCard.objects.visible_to(self.request.user)

    def own_card(self, pk) -> OfferCard:
        try:
            return offer_selectors.offer_card_for_action(user=self.request.user, pk=pk)
        except (OfferCard.DoesNotExist, ValueError, TypeError):
            raise Http404 from None

    @extend_schema(
        request=None,
        responses={200: serializers.OpportunitySerializer},
        summary="Accept the offer",
        description="Opens an opportunity of the card's type, prefilled with its product, "
        "amount and source, owned by the card's rep; the offer goes on the account's timeline.",
    )
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        opportunity = offer_services.offer_card_accept(card=self.own_card(pk), by=request.user)
        opened = selectors.opportunities_visible(user=request.user).get(pk=opportunity.pk)
        return Response(serializers.OpportunitySerializer(opened).data)

    @extend_schema(
        request=serializers.OfferSnoozeSerializer,
        responses={200: serializers.OfferCardSerializer},
        summary="Snooze the offer until a day after today",
    )
    @action(detail=True, methods=["post"])
    def snooze(self, request, pk=None):
        card = self.own_card(pk)
        snooze = serializers.OfferSnoozeSerializer(data=request.data)
        snooze.is_valid(raise_exception=True)
        card = offer_services.offer_card_snooze(
            card=card, by=request.user, until=snooze.validated_data["until"]
        )
        return Response(self.get_serializer(card).data)

    @extend_schema(
        request=serializers.OfferDismissSerializer,
        responses={200: serializers.OfferCardSerializer},
        summary="Dismiss the offer with a reason",
        description='"other" needs a note. A customer\'s no (not interested, no budget) '
        "goes on the account's timeline.",
    )
    @action(detail=True, methods=["post"])
    def dismiss(self, request, pk=None):
        card = self.own_card(pk)
        dismiss = serializers.OfferDismissSerializer(data=request.data)
        dismiss.is_valid(raise_exception=True)
        card = offer_services.offer_card_dismiss(
            card=card, by=request.user, **dismiss.validated_data
        )
        return Response(self.get_serializer(card).data)
