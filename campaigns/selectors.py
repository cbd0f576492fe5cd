"""Reads for the campaign pages, exports and the rep's target list, scoped to the user."""

import datetime
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.shortcuts import get_object_or_404

from accounts.models import Account, LoyaltyTier
from crm.users.models import User
from opportunities.models import DismissReason, OfferCard, OfferSource, Stage

from .models import Campaign, CampaignTarget, TargetReason, TargetStatus
from .segments import SegmentCriteria, segment_accounts, with_qualifying_values

SAMPLE_SIZE = 20

# The funnel: how many targets reached each step (a won target also passed every step).
FUNNEL = [
    TargetStatus.ASSIGNED,
    TargetStatus.CONTACTED,
    TargetStatus.HEARING_DONE,
    TargetStatus.PROPOSAL,
    TargetStatus.WON,
]
REACHED = {
    TargetStatus.ASSIGNED: [s for s in TargetStatus.values if s != TargetStatus.UNASSIGNED],
    TargetStatus.CONTACTED: [
        TargetStatus.CONTACTED,
        TargetStatus.HEARING_DONE,
        TargetStatus.PROPOSAL,
        TargetStatus.WON,
        TargetStatus.LOST,
    ],
    TargetStatus.HEARING_DONE: [
        TargetStatus.HEARING_DONE,
        TargetStatus.PROPOSAL,
        TargetStatus.WON,
        TargetStatus.LOST,
    ],
    TargetStatus.PROPOSAL: [TargetStatus.PROPOSAL, TargetStatus.WON, TargetStatus.LOST],
    TargetStatus.WON: [TargetStatus.WON],
}


# Targets nobody has worked yet: the rest were contacted, or closed one way or another.
NOT_WORKED = [TargetStatus.UNASSIGNED, TargetStatus.ASSIGNED]


def campaign_list(*, user: User) -> QuerySet[Campaign]:
    """The campaigns `user` sees, with their product, owner, target counts (all, worked, won)
    and the revenue won, in one query."""
    return (
        Campaign.objects.visible_to(user)
        .select_related("product", "owner")
        .annotate(
            target_count=Count("targets"),
            worked_count=Count("targets", filter=~Q(targets__status__in=NOT_WORKED)),
            won_count=Count("targets", filter=Q(targets__status=TargetStatus.WON)),
            revenue_won=Sum(
                "targets__opportunity__contract_value",
                filter=Q(targets__status=TargetStatus.WON, targets__opportunity__stage=Stage.WON),
                default=0,
            ),
        )
        .order_by("-starts_on", "-pk")
    )


def campaign_get(*, user: User, pk: int) -> Campaign:
    return get_object_or_404(
        Campaign.objects.visible_to(user).select_related("product", "owner", "frozen_by"), pk=pk
    )


@dataclass(frozen=True)
class SegmentPreview:
    count: int
    sample: list[Account]


def segment_preview(
    *, user: User, campaign: Campaign, criteria: SegmentCriteria, today: datetime.date
) -> SegmentPreview:
    """How many accounts match, and the first few of them with their qualifying values."""
    accounts = segment_accounts(user=user, campaign=campaign, criteria=criteria, today=today)
    sample = list(with_qualifying_values(accounts).order_by("name_kana", "pk")[:SAMPLE_SIZE])
    for account in sample:
        account.latest_tier_label = (
            LoyaltyTier(account.latest_tier).label if account.latest_tier else ""
        )
    count = len(sample) if len(sample) < SAMPLE_SIZE else accounts.count()
    return SegmentPreview(count=count, sample=sample)


def campaign_targets(*, user: User, campaign: Campaign) -> QuerySet[CampaignTarget]:
    """The campaign's frozen targets `user` sees, with their rep and opportunity."""
    return (
        CampaignTarget.objects.visible_to(user)
        .filter(campaign=campaign)
        .select_related("rep", "opportunity")
        .order_by("pk")
    )


def my_targets(*, user: User, status: str = "") -> QuerySet[CampaignTarget]:
    """The targets assigned to `user` in active campaigns, open ones first."""
    targets = (
        CampaignTarget.objects.filter(rep=user, campaign__status=Campaign.Status.ACTIVE)
        .select_related("campaign__product", "account", "opportunity")
        .order_by("campaign__ends_on", "campaign", "pk")
    )
    if status == "open":
        targets = targets.filter(status__in=TargetStatus.open_values())
    elif status:
        targets = targets.filter(status=status)
    return targets


def target_get(*, user: User, pk: int) -> CampaignTarget:
    return get_object_or_404(
        CampaignTarget.objects.visible_to(user).select_related("campaign", "account", "rep"),
        pk=pk,
    )


@dataclass(frozen=True)
class RepResult:
    rep: str
    targets: int
    worked: int
    won: int
    revenue_won: int

    @property
    def conversion(self) -> float | None:
        return round(100 * self.won / self.targets, 1) if self.targets else None


@dataclass(frozen=True)
class CampaignResults:
    """Plan against actual for one campaign, and what the reps reported."""

    campaign: Campaign
    targets: int
    assigned: int
    funnel: list[tuple[str, int]]
    won: int
    revenue_won: int
    by_rep: list[RepResult]
    decline_reasons: list[tuple[str, int]]
    dismiss_reasons: list[tuple[str, int]]
    notes: list[dict[str, Any]] = field(default_factory=list)

    @property
    def conversion(self) -> float | None:
        """Won targets as a percentage of assigned targets."""
        return round(100 * self.won / self.assigned, 1) if self.assigned else None

    @property
    def wins_against_plan(self) -> float | None:
        planned = self.campaign.planned_wins
        return round(float(100 * self.won / planned), 1) if planned else None

    @property
    def revenue_against_plan(self) -> float | None:
        planned = self.campaign.planned_revenue
        return round(100 * self.revenue_won / planned, 1) if planned else None

    def chart_data(self) -> dict[str, Any]:
        return {
            "funnel": {
                "labels": [label for label, _count in self.funnel],
                "datasets": [{"label": "", "data": [count for _label, count in self.funnel]}],
            },
            "reps": {
                "labels": [row.rep for row in self.by_rep],
                "datasets": [
                    {"label": str(TargetStatus.WON.label), "data": [r.won for r in self.by_rep]},
                ],
            },
        }


NOTES_SHOWN = 20


def campaign_results(*, campaign: Campaign) -> CampaignResults:
    """Funnel, conversion, revenue won against plan, per rep, and reasons (five queries)."""
    targets = CampaignTarget.objects.filter(campaign=campaign)
    by_status = Counter(
        dict(targets.values_list("status").annotate(n=Count("pk")).values_list("status", "n"))
    )
    funnel = [(str(step.label), sum(by_status[s] for s in REACHED[step])) for step in FUNNEL]
    won_revenue = Sum(
        "opportunity__contract_value",
        filter=Q(status=TargetStatus.WON, opportunity__stage=Stage.WON),
        default=0,
    )
    reps = (
        targets.filter(rep__isnull=False)
        .values("rep", "rep__last_name", "rep__first_name", "rep__email")
        .annotate(
            n=Count("pk"),
            worked=Count("pk", filter=~Q(status=TargetStatus.ASSIGNED)),
            won=Count("pk", filter=Q(status=TargetStatus.WON)),
            revenue=won_revenue,
        )
        .order_by("rep__last_name", "rep__first_name", "rep")
    )
    by_rep = [
        RepResult(
            rep=f"{row['rep__last_name']} {row['rep__first_name']}".strip() or row["rep__email"],
            targets=row["n"],
            worked=row["worked"],
            won=row["won"],
            revenue_won=row["revenue"],
        )
        for row in reps
    ]
    labels = dict(TargetReason.choices)
    declines = (
        targets.exclude(reason="").values_list("reason").annotate(n=Count("pk")).order_by("-n")
    )
    dismiss_labels = dict(DismissReason.choices)
    dismisses = (
        OfferCard.objects.filter(
            source=OfferSource.CAMPAIGN,
            source_id__in=targets.values("pk"),
            status=OfferCard.Status.DISMISSED,
        )
        .exclude(dismiss_reason="")
        .values_list("dismiss_reason")
        .annotate(n=Count("pk"))
        .order_by("-n")
    )
    notes = list(
        targets.exclude(note="")
        .order_by("-status_changed_at", "-pk")
        .values("snapshot__name", "status", "reason", "note", "rep__last_name", "rep__first_name")[
            :NOTES_SHOWN
        ]
    )
    for note in notes:
        note["status_label"] = TargetStatus(note["status"]).label
        note["reason_label"] = labels.get(note["reason"], "")
    assigned = sum(by_status[s] for s in REACHED[TargetStatus.ASSIGNED])
    return CampaignResults(
        campaign=campaign,
        targets=sum(by_status.values()),
        assigned=assigned,
        funnel=funnel,
        won=by_status[TargetStatus.WON],
        revenue_won=sum(row.revenue_won for row in by_rep),
        by_rep=by_rep,
        decline_reasons=[(str(labels.get(r, r)), n) for r, n in declines],
        dismiss_reasons=[(str(dismiss_labels.get(r, r)), n) for r, n in dismisses],
        notes=notes,
    )
