"""Writes for campaigns: create, freeze the target list, assign it, and move targets along.

Every service runs in one transaction and raises ValidationError (by field where a form can
show it) before writing anything. Assignment also publishes each assigned target as an offer
card on its rep's dashboard (source: the campaign) and gives the rep access to the account
through an AccountAssignment; both are idempotent, so repeating an assignment adds nothing.
"""

import datetime
import heapq
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Account, AccountAssignment, Activity, Product, Subscription
from crm.users.models import Role, Team, User
from opportunities.models import DismissReason, OfferCard, OfferSource, Opportunity, Source, Stage
from opportunities.services import opportunity_create, opportunity_move

from .models import (
    NEEDS_REASON,
    TRANSITIONS,
    Campaign,
    CampaignTarget,
    CampaignType,
    TargetReason,
    TargetStatus,
)
from .segments import LIVE_SUBSCRIPTION, SegmentCriteria, segment_accounts, with_qualifying_values

CARD_RULE = "campaign"
MONTHS_PER_CONTRACT = 12


class Strategy:
    """How campaign_assign shares the unassigned targets among reps."""

    BY_OWNER = "by_owner"
    ROUND_ROBIN = "round_robin"
    BALANCED = "balanced"


# --- the campaign -------------------------------------------------------------------------


def _campaign_check(
    *, by: User, teams: Iterable[Team], starts_on: datetime.date, ends_on: datetime.date
) -> None:
    errors: dict[str, str] = {}
    if ends_on < starts_on:
        errors["ends_on"] = _("The campaign cannot end before it starts.")
    teams = list(teams)
    if not teams:
        errors["teams"] = _("Choose at least one team.")
    elif not by.is_admin and any(team.manager_id != by.pk for team in teams):
        errors["teams"] = _("You can only run campaigns for the teams you lead.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def campaign_create(
    *,
    by: User,
    name: str,
    type: str,
    product: Product,
    starts_on: datetime.date,
    ends_on: datetime.date,
    teams: Sequence[Team],
    planned_targets: int,
    expected_success_rate: Decimal,
    revenue_per_win: int | None = None,
) -> Campaign:
    _campaign_check(by=by, teams=teams, starts_on=starts_on, ends_on=ends_on)
    campaign = Campaign.objects.create(
        name=name,
        type=CampaignType(type),
        product=product,
        starts_on=starts_on,
        ends_on=ends_on,
        owner=by,
        planned_targets=planned_targets,
        expected_success_rate=expected_success_rate,
        revenue_per_win=(
            product.monthly_price * MONTHS_PER_CONTRACT
            if revenue_per_win is None
            else revenue_per_win
        ),
    )
    campaign.teams.set(teams)
    return campaign


@transaction.atomic
def campaign_update(*, campaign: Campaign, by: User, teams: Sequence[Team], **fields) -> Campaign:
    """Change the plan; the offered product and type are fixed once the list is frozen."""
    _campaign_check(
        by=by,
        teams=teams,
        starts_on=fields.get("starts_on", campaign.starts_on),
        ends_on=fields.get("ends_on", campaign.ends_on),
    )
    if campaign.is_frozen and (
        fields.get("product", campaign.product) != campaign.product
        or fields.get("type", campaign.type) != campaign.type
    ):
        raise ValidationError(
            _("The type and offered product cannot change once the target list is frozen.")
        )
    if fields.get("revenue_per_win") is None:
        fields["revenue_per_win"] = fields.get("product", campaign.product).monthly_price * 12
    for name, value in fields.items():
        setattr(campaign, name, value)
    campaign.save()
    campaign.teams.set(teams)
    return campaign


@transaction.atomic
def campaign_close(*, campaign: Campaign, by: User) -> Campaign:
    """Close the campaign: its open cards expire; targets keep their last status."""
    campaign.status = Campaign.Status.CLOSED
    campaign.save(update_fields=["status"])
    OfferCard.objects.filter(
        source=OfferSource.CAMPAIGN,
        source_id__in=campaign.targets.values("pk"),
        status__in=OfferCard.LIVE,
    ).update(status=OfferCard.Status.EXPIRED)
    return campaign


# --- freeze -------------------------------------------------------------------------------


def _one_decimal(value) -> float | None:
    return None if value is None else round(float(value), 1)


def _snapshot(account: Account) -> dict:
    """The values that qualified `account`, as plain JSON (the list must not move later)."""
    owner = account.owner
    return {
        "name": account.name,
        "name_kana": account.name_kana,
        "industry": account.industry,
        "employee_count": account.employee_count,
        "size": account.size_band.value if account.size_band else "",
        "growth_stage": account.growth_stage,
        "region": account.region,
        "owner_id": owner.pk if owner else None,
        "owner": str(owner) if owner else "",
        "team_id": owner.team_id if owner else None,
        "team": str(owner.team) if owner and owner.team else "",
        "score": _one_decimal(account.latest_score),
        "tier": account.latest_tier or "",
        "utilisation": _one_decimal(account.latest_utilisation),
        "nps": account.latest_nps_score,
        "mrr": account.mrr,
        "renewal_on": account.next_renewal_on.isoformat() if account.next_renewal_on else None,
        "current_product_id": account.current_product_id,
        "current_amount": account.current_amount,
    }


@transaction.atomic
def campaign_freeze(
    *, campaign: Campaign, by: User, criteria: SegmentCriteria, today: datetime.date
) -> int:
    """Snapshot the accounts matching `criteria` as the campaign's targets; start the campaign.

    Returns how many targets were frozen. A campaign is frozen once: later data changes,
    and later edits of the criteria, leave the list as it was.
    """
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    if campaign.is_frozen:
        raise ValidationError(_("The target list is already frozen."))
    if campaign.status != Campaign.Status.DRAFT:
        raise ValidationError(_("Only a draft campaign can be frozen."))
    # For upsells and down-sells: the plan of the same family the customer has now.
    same_family = (
        Subscription.objects.filter(
            account=OuterRef("pk"),
            status__in=LIVE_SUBSCRIPTION,
            product__family=campaign.product.family_id,
        )
        .exclude(product__family__isnull=True)
        .order_by("-monthly_amount")
    )
    accounts = with_qualifying_values(
        segment_accounts(user=by, campaign=campaign, criteria=criteria, today=today)
    ).annotate(
        current_product_id=Subquery(same_family.values("product")[:1]),
        current_amount=Subquery(same_family.values("monthly_amount")[:1]),
    )
    targets = [
        CampaignTarget(campaign=campaign, account_id=account.pk, snapshot=_snapshot(account))
        for account in accounts.order_by("pk").iterator(chunk_size=2000)
    ]
    if not targets:
        raise ValidationError(_("No accounts match this segment; nothing to freeze."))
    CampaignTarget.objects.bulk_create(targets, batch_size=2000)
    campaign.segment = criteria.as_json()
    campaign.frozen_at = timezone.now()
    campaign.frozen_by = by
    campaign.status = Campaign.Status.ACTIVE
    campaign.save(update_fields=["segment", "frozen_at", "frozen_by", "status"])
    return len(targets)


# --- assignment ---------------------------------------------------------------------------


def campaign_reps(*, campaign: Campaign) -> list[User]:
    """The active reps of the campaign's teams, in a stable order."""
    return list(
        User.objects.filter(
            role=Role.REP, is_active=True, team__in=campaign.teams.values("pk")
        ).order_by("pk")
    )


def rep_workload(*, reps: Sequence[User]) -> dict[int, int]:
    """Each rep's open work now: open opportunities plus live offer cards (two queries)."""
    workload: Counter[int] = Counter()
    rows = (
        Opportunity.objects.filter(owner__in=reps, stage__in=Stage.open_values())
        .values("owner")
        .annotate(n=Count("pk"))
    )
    workload.update({row["owner"]: row["n"] for row in rows})
    rows = (
        OfferCard.objects.filter(rep__in=reps, status__in=OfferCard.LIVE)
        .values("rep")
        .annotate(n=Count("pk"))
    )
    workload.update({row["rep"]: row["n"] for row in rows})
    return {rep.pk: workload[rep.pk] for rep in reps}


def rep_territories(*, reps: Sequence[User]) -> dict[int, set[str]]:
    """A rep's territory: the prefectures of the accounts they own (one query)."""
    territories: dict[int, set[str]] = defaultdict(set)
    rows = (
        Account.objects.filter(owner__in=reps)
        .exclude(region="")
        .values_list("owner", "region")
        .distinct()
    )
    for owner, region in rows:
        territories[owner].add(region)
    return territories


def _share_round_robin(
    targets: Sequence[CampaignTarget], reps: Sequence[User], current: dict[int, int]
) -> dict[int, int]:
    """Each target to the rep with the fewest targets in this campaign (ties: list order)."""
    heap = [(current.get(rep.pk, 0), order, rep.pk) for order, rep in enumerate(reps)]
    heapq.heapify(heap)
    chosen = {}
    for target in targets:
        count, order, rep_pk = heapq.heappop(heap)
        chosen[target.pk] = rep_pk
        heapq.heappush(heap, (count + 1, order, rep_pk))
    return chosen


def _share_balanced(
    targets: Sequence[CampaignTarget],
    reps: Sequence[User],
    *,
    max_per_rep: int,
) -> dict[int, int]:
    """Each target to a rep with room, preferring the target's region, then the most room.

    Room is `max_per_rep` less the rep's open workload (open opportunities and live cards);
    no rep is given more than their room, so some targets may stay unassigned.
    """
    workload = rep_workload(reps=reps)
    territories = rep_territories(reps=reps)
    room = {rep.pk: max(max_per_rep - workload[rep.pk], 0) for rep in reps}
    order = {rep.pk: index for index, rep in enumerate(reps)}
    chosen = {}
    for target in targets:
        region = target.snapshot.get("region")
        candidates = [pk for pk in room if room[pk] > 0]
        if not candidates:
            break
        local = [pk for pk in candidates if region and region in territories.get(pk, ())]
        pool = local or candidates
        rep_pk = min(pool, key=lambda pk: (-room[pk], order[pk]))
        chosen[target.pk] = rep_pk
        room[rep_pk] -= 1
    return chosen


@transaction.atomic
def campaign_assign(
    *,
    campaign: Campaign,
    by: User,
    strategy: str,
    reps: Sequence[User] | None = None,
    max_per_rep: int | None = None,
) -> int:
    """Give the campaign's unassigned targets to reps; returns how many were assigned.

    - by owner: each target goes to its account's owner rep (when they are one of `reps`);
    - round robin: counts per rep end up differing by at most one;
    - balanced: by each rep's room (max_per_rep less open workload) and territory.
    Then every assigned target gets its offer card and account access (idempotent).
    """
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    if campaign.status != Campaign.Status.ACTIVE:
        raise ValidationError(_("Only an active campaign's targets can be assigned."))
    eligible = campaign_reps(campaign=campaign)
    if reps is not None:
        wanted = {rep.pk for rep in reps}
        eligible = [rep for rep in eligible if rep.pk in wanted]
    if not eligible:
        raise ValidationError({"reps": _("Choose at least one rep of the campaign's teams.")})
    if strategy == Strategy.BALANCED and not max_per_rep:
        raise ValidationError(
            {"max_per_rep": _("Say how many open items each rep can carry at most.")}
        )
    pending = list(
        campaign.targets.filter(status=TargetStatus.UNASSIGNED)
        .select_related("account")
        .order_by("pk")
    )
    if strategy == Strategy.BY_OWNER:
        ids = {rep.pk for rep in eligible}
        chosen = {t.pk: t.account.owner_id for t in pending if t.account.owner_id in ids}
    elif strategy == Strategy.ROUND_ROBIN:
        current = dict(
            campaign.targets.filter(rep__isnull=False)
            .values_list("rep")
            .annotate(n=Count("pk"))
            .values_list("rep", "n")
        )
        chosen = _share_round_robin(pending, eligible, current)
    elif strategy == Strategy.BALANCED:
        chosen = _share_balanced(pending, eligible, max_per_rep=max_per_rep)
    else:
        raise ValidationError({"strategy": _("Unknown assignment strategy.")})

    now = timezone.now()
    assigned = []
    for target in pending:
        if target.pk in chosen:
            target.rep_id = chosen[target.pk]
            target.status = TargetStatus.ASSIGNED
            target.assigned_at = target.status_changed_at = now
            assigned.append(target)
    CampaignTarget.objects.bulk_update(
        assigned, ["rep", "status", "assigned_at", "status_changed_at"], batch_size=2000
    )
    campaign_publish(campaign=campaign)
    return len(assigned)


@transaction.atomic
def campaign_publish(*, campaign: Campaign) -> int:
    """Give every assigned, open target its offer card and its rep access to the account.

    Idempotent: a target whose account already has a live card for the offered product keeps
    it, and access rows are unique, so running it again creates nothing. Returns new cards.
    """
    targets = list(
        campaign.targets.filter(status__in=TargetStatus.open_values()).select_related("account")
    )
    AccountAssignment.objects.bulk_create(
        [
            AccountAssignment(
                account_id=t.account_id,
                user_id=t.rep_id,
                source=AccountAssignment.Source.CAMPAIGN,
                source_id=t.pk,
            )
            for t in targets
        ],
        ignore_conflicts=True,
        batch_size=2000,
    )
    live = set(
        OfferCard.objects.filter(
            account__in=[t.account_id for t in targets],
            product=campaign.product_id,
            status__in=OfferCard.LIVE,
        ).values_list("account_id", flat=True)
    )
    carded = set(
        OfferCard.objects.filter(
            source=OfferSource.CAMPAIGN, source_id__in=[t.pk for t in targets]
        ).values_list("source_id", flat=True)
    )
    today = timezone.localdate()
    cards = [
        _card(campaign=campaign, target=t, today=today)
        for t in targets
        if t.account_id not in live and t.pk not in carded
    ]
    # ignore_conflicts: a card the offer engine publishes meanwhile wins, never a duplicate.
    OfferCard.objects.bulk_create(cards, ignore_conflicts=True, batch_size=2000)
    return len(cards)


def _monthly_uplift(*, campaign: Campaign, target: CampaignTarget) -> int:
    """What the monthly bill changes by: the add-on's price, or the step between plans."""
    if campaign.type == CampaignType.CROSS_SELL:
        return campaign.product.monthly_price
    return campaign.product.monthly_price - (target.snapshot.get("current_amount") or 0)


def _card(*, campaign: Campaign, target: CampaignTarget, today: datetime.date) -> OfferCard:
    uplift = _monthly_uplift(campaign=campaign, target=target)
    probability = campaign.probability
    return OfferCard(
        account_id=target.account_id,
        rep_id=target.rep_id,
        kind=campaign.type,
        product=campaign.product,
        current_product_id=target.snapshot.get("current_product_id"),
        source=OfferSource.CAMPAIGN,
        source_id=target.pk,
        rule=CARD_RULE,
        monthly_uplift=uplift,
        probability=probability,
        # Monthly, like the offer engine's cards, so that both rank on one dashboard.
        expected_value=round(uplift * probability),
        reasons=[{"code": "campaign", "params": {"campaign": campaign.name}}],
        timing={"until": campaign.ends_on.isoformat()},
        generated_on=today,
    )


@transaction.atomic
def campaign_target_reassign(*, target: CampaignTarget, rep: User, by: User) -> CampaignTarget:
    """Hand an open target (and its live card and account access) to another rep."""
    target = CampaignTarget.objects.select_for_update().select_related("campaign").get(pk=target.pk)
    if target.is_closed:
        raise ValidationError(_("A closed target cannot be reassigned."))
    if rep.pk not in {r.pk for r in campaign_reps(campaign=target.campaign)}:
        raise ValidationError({"rep": _("Choose a rep of the campaign's teams.")})
    previous = target.rep_id
    target.rep = rep
    if target.status == TargetStatus.UNASSIGNED:
        target.status = TargetStatus.ASSIGNED
        target.assigned_at = target.status_changed_at = timezone.now()
    target.save()
    if previous and previous != rep.pk:
        AccountAssignment.objects.filter(
            user_id=previous, source=AccountAssignment.Source.CAMPAIGN, source_id=target.pk
        ).delete()
    OfferCard.objects.filter(
        source=OfferSource.CAMPAIGN, source_id=target.pk, status__in=OfferCard.LIVE
    ).update(rep=rep)
    campaign_publish(campaign=target.campaign)
    return target


# --- the target workflow ------------------------------------------------------------------

OPPORTUNITY_STAGE = {
    TargetStatus.HEARING_DONE: Stage.HEARING,
    TargetStatus.PROPOSAL: Stage.PROPOSAL,
    TargetStatus.WON: Stage.WON,
    TargetStatus.LOST: Stage.LOST,
}


# The card's dismiss reason for each way a target says no.
CARD_DISMISS_REASON = {
    TargetReason.NOT_INTERESTED: DismissReason.NOT_INTERESTED,
    TargetReason.NO_BUDGET: DismissReason.NO_BUDGET,
    TargetReason.BAD_TIMING: DismissReason.BAD_TIMING,
    TargetReason.RELATIONSHIP: DismissReason.RELATIONSHIP,
    TargetReason.WRONG_PRODUCT: DismissReason.WRONG_PRODUCT,
}


def _loss_reason(reason: str, note: str) -> str:
    label = str(TargetReason(reason).label)
    return f"{label}: {note}" if note else label


@transaction.atomic
def campaign_target_move(
    *, target: CampaignTarget, status: str, by: User, reason: str = "", note: str = ""
) -> CampaignTarget:
    """Move a target one step (assigned → contacted → hearing done → proposal → outcome).

    From the hearing on, the target is worked as an opportunity (created on first need, source
    campaign) that follows the target's stage. Lost, declined and do-not-contact need a reason;
    do-not-contact also marks the account so no one offers it anything again. The offer card
    is accepted when the opportunity opens, dismissed when the customer says no.
    """
    target = (
        CampaignTarget.objects.select_for_update(of=("self",))
        .select_related("campaign__product", "account", "rep")
        .get(pk=target.pk)
    )
    if status not in TRANSITIONS.get(target.status, ()):
        raise ValidationError(
            {
                "status": _("A target cannot go from “%(from)s” to “%(to)s”.")
                % {
                    "from": TargetStatus(target.status).label,
                    "to": TargetStatus(status).label if status in TargetStatus.values else status,
                }
            }
        )
    if status in NEEDS_REASON and reason not in TargetReason.values:
        raise ValidationError({"reason": _("Say why.")})
    campaign = target.campaign
    stage = OPPORTUNITY_STAGE.get(TargetStatus(status))
    if stage is not None and target.opportunity is None:
        target.opportunity = opportunity_create(
            account=target.account,
            owner=target.rep,
            created_by=by,
            name=f"{campaign.name}: {target.account.name}"[:200],
            type=campaign.type,
            expected_close=max(campaign.ends_on, timezone.localdate()),
            source=Source.CAMPAIGN,
            to_product=campaign.product,
            contract_value=campaign.revenue_per_win,
            monthly_amount_change=abs(_monthly_uplift(campaign=campaign, target=target)),
        )
    if stage is not None:
        target.opportunity = opportunity_move(
            opportunity=target.opportunity,
            stage=stage,
            by=by,
            loss_reason=_loss_reason(reason, note) if stage == Stage.LOST else "",
        )
    cards = OfferCard.objects.filter(
        source=OfferSource.CAMPAIGN, source_id=target.pk, status__in=OfferCard.LIVE
    )
    now = timezone.now()
    if target.opportunity is not None:
        cards.update(status=OfferCard.Status.ACCEPTED, opportunity=target.opportunity, acted_at=now)
    elif status in NEEDS_REASON:
        cards.update(
            status=OfferCard.Status.DISMISSED,
            dismiss_reason=CARD_DISMISS_REASON.get(reason, DismissReason.OTHER),
            dismiss_note=note,
            acted_at=now,
        )
    if status == TargetStatus.DO_NOT_CONTACT:
        Account.objects.filter(pk=target.account_id).update(do_not_contact=True)
    if status == TargetStatus.CONTACTED:
        Activity.objects.create(
            account=target.account,
            kind=Activity.Kind.CALL,
            occurred_on=timezone.localdate(),
            owner=by,
            summary=(_("Campaign contact: %(name)s") % {"name": campaign.name})[:200],
            outcome=note,
        )
    target.status = status
    target.status_changed_at = now
    if status in NEEDS_REASON:
        target.reason = reason
    if note:
        target.note = note
    target.save()
    return target
