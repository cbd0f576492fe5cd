"""What the campaigns API shows: the plan with its target counts, and each target's progress."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from ..models import Campaign, CampaignTarget, TargetReason, TargetStatus


class CampaignSerializer(serializers.ModelSerializer):
    target_count = serializers.IntegerField(read_only=True)
    won_count = serializers.IntegerField(read_only=True)
    planned_wins = serializers.DecimalField(max_digits=12, decimal_places=1, read_only=True)
    planned_revenue = serializers.IntegerField(read_only=True)

    class Meta:
        model = Campaign
        fields = (
            "id",
            "name",
            "type",
            "product",
            "starts_on",
            "ends_on",
            "owner",
            "teams",
            "status",
            "planned_targets",
            "expected_success_rate",
            "revenue_per_win",
            "planned_wins",
            "planned_revenue",
            "segment",
            "frozen_at",
            "target_count",
            "won_count",
            "created_at",
        )
        read_only_fields = fields


class CampaignTargetSerializer(serializers.ModelSerializer):
    next_statuses = serializers.ListField(
        child=serializers.ChoiceField(choices=TargetStatus.choices),
        read_only=True,
        help_text=_("Where /move/ may take the target from its status."),
    )
    # Declared: a read-only model field loses allow_blank, and an open target has no reason.
    reason = serializers.ChoiceField(choices=TargetReason.choices, allow_blank=True, read_only=True)

    class Meta:
        model = CampaignTarget
        fields = (
            "id",
            "campaign",
            "account",
            "snapshot",
            "rep",
            "status",
            "next_statuses",
            "reason",
            "note",
            "opportunity",
            "assigned_at",
            "status_changed_at",
        )
        read_only_fields = fields


class CampaignTargetMoveSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=TargetStatus.choices)
    reason = serializers.ChoiceField(
        choices=TargetReason.choices,
        required=False,
        default="",
        help_text=_("Required for lost, declined and do not contact."),
    )
    note = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=2000,
        help_text=_("What the customer said"),
    )
