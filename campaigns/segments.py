"""The segment builder's criteria and the one set-based query that turns them into accounts.

Loyalty tier, score and utilisation come from the latest loyalty scores (the nightly job
scores every account each day; utilisation is the usage component's value, the share of the
included amount used over the last 30 days). NPS is the category of the latest answer.
Every criterion is a semi-join (pk IN ...) or an EXISTS the planner runs as a hash join, never
a subquery per account, so a count over 100,000 accounts stays one fast query
(tests/benchmarks/bench_segment.py; figures in docs/benchmarks.md).
"""

import dataclasses
import datetime
from decimal import Decimal
from typing import Any

from django.db.models import (
    Case,
    DecimalField,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce

from accounts.choices import SIZE_BAND_FLOORS, SizeBand
from accounts.models import Account, NPSResponse, Subscription
from accounts.nps import category_score_range
from accounts.scoring.selectors import loyalty_scores_latest
from crm.users.models import User

from .models import Campaign

LIVE_SUBSCRIPTION = (Subscription.Status.ACTIVE, Subscription.Status.TRIAL)


@dataclasses.dataclass(frozen=True)
class SegmentCriteria:
    """What a manager asked for; empty values mean "any". Stored on the campaign as JSON."""

    tiers: list[str] = dataclasses.field(default_factory=list)
    score_min: Decimal | None = None
    score_max: Decimal | None = None
    nps_categories: list[str] = dataclasses.field(default_factory=list)
    industries: list[str] = dataclasses.field(default_factory=list)
    sizes: list[str] = dataclasses.field(default_factory=list)
    growth_stages: list[str] = dataclasses.field(default_factory=list)
    regions: list[str] = dataclasses.field(default_factory=list)
    current_products: list[int] = dataclasses.field(default_factory=list)
    utilisation_min: Decimal | None = None
    utilisation_max: Decimal | None = None
    renewal_within_days: int | None = None
    teams: list[int] = dataclasses.field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {
            key: (str(value) if isinstance(value, Decimal) else value)
            for key, value in dataclasses.asdict(self).items()
            if value not in (None, [], "")
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "SegmentCriteria":
        decimals = {"score_min", "score_max", "utilisation_min", "utilisation_max"}
        known = {f.name for f in dataclasses.fields(cls)}
        return cls(
            **{
                key: Decimal(value) if key in decimals else value
                for key, value in data.items()
                if key in known
            }
        )


def _size_condition(bands: list[str]) -> Q:
    floors = sorted(floor for _band, floor in SIZE_BAND_FLOORS)
    by_band = dict(SIZE_BAND_FLOORS)
    condition = Q()
    for band in bands:
        floor = by_band[SizeBand(band)]
        above = [f for f in floors if f > floor]
        part = Q(employee_count__gte=floor)
        if above:
            part &= Q(employee_count__lt=above[0])
        condition |= part
    return condition


def _live_subscriptions() -> QuerySet[Subscription]:
    return Subscription.objects.filter(account=OuterRef("pk"), status__in=LIVE_SUBSCRIPTION)


def _utilisation() -> Case:
    """A score's utilisation in percent of the included usage, to one decimal (as its usage
    component shows it); none for an account whose plans meter nothing."""
    percent = Cast(
        F("used_recently") * Value(100.0) / F("included_usage"),
        DecimalField(max_digits=12, decimal_places=1),
    )
    return Case(When(included_usage__gt=0, used_recently__isnull=False, then=percent))


def _latest_score_condition(criteria: SegmentCriteria) -> Q | None:
    """Accounts whose latest score meets the loyalty and utilisation criteria (a semi-join)."""
    condition = Q()
    if criteria.tiers:
        condition &= Q(tier__in=criteria.tiers)
    if criteria.score_min is not None:
        condition &= Q(score__gte=criteria.score_min)
    if criteria.score_max is not None:
        condition &= Q(score__lte=criteria.score_max)
    if criteria.utilisation_min is not None:
        condition &= Q(utilisation__gte=criteria.utilisation_min)
    if criteria.utilisation_max is not None:
        condition &= Q(utilisation__lte=criteria.utilisation_max)
    if not condition:
        return None
    scores = loyalty_scores_latest().alias(utilisation=_utilisation()).filter(condition)
    return Q(pk__in=scores.values("account"))


def _latest_nps_condition(categories: list[str]) -> Q:
    """Accounts whose latest NPS answer is in one of `categories`: an answer with no later
    answer of the same account (an anti-join, not a subquery per account)."""
    in_range = Q()
    for category in categories:
        low, high = category_score_range(category)
        in_range |= Q(score__gte=low, score__lte=high)
    later = NPSResponse.objects.filter(account=OuterRef("account")).filter(
        Q(answered_on__gt=OuterRef("answered_on"))
        | Q(answered_on=OuterRef("answered_on"), pk__gt=OuterRef("pk"))
    )
    latest = NPSResponse.objects.filter(in_range).exclude(Exists(later))
    return Q(pk__in=latest.values("account"))


def segment_accounts(
    *,
    user: User,
    campaign: Campaign,
    criteria: SegmentCriteria,
    today: datetime.date,
) -> QuerySet[Account]:
    """The accounts `user` may see that match `criteria`, less the campaign's exclusions.

    Exclusions always apply: do-not-contact, a quiet period running today, a live
    subscription to the offered product, and a target in another active campaign offering
    the same product. Rows carry the latest score, tier, utilisation and NPS answer.
    """
    from .models import CampaignTarget

    other_campaigns = CampaignTarget.objects.filter(
        account=OuterRef("pk"),
        campaign__status=Campaign.Status.ACTIVE,
        campaign__product=campaign.product_id,
    ).exclude(campaign=campaign.pk)

    accounts = (
        Account.objects.visible_to(user)
        .filter(do_not_contact=False)
        .filter(Q(quiet_until__isnull=True) | Q(quiet_until__lt=today))
        .exclude(Exists(_live_subscriptions().filter(product=campaign.product_id)))
        .exclude(Exists(other_campaigns))
    )
    score = _latest_score_condition(criteria)
    if score is not None:
        accounts = accounts.filter(score)
    if criteria.nps_categories:
        accounts = accounts.filter(_latest_nps_condition(criteria.nps_categories))
    if criteria.industries:
        accounts = accounts.filter(industry__in=criteria.industries)
    if criteria.sizes:
        accounts = accounts.filter(_size_condition(criteria.sizes))
    if criteria.growth_stages:
        accounts = accounts.filter(growth_stage__in=criteria.growth_stages)
    if criteria.regions:
        accounts = accounts.filter(region__in=criteria.regions)
    if criteria.current_products:
        accounts = accounts.filter(
            Exists(_live_subscriptions().filter(product__in=criteria.current_products))
        )
    if criteria.renewal_within_days is not None:
        renewing = _live_subscriptions().filter(
            renewal_on__gte=today,
            renewal_on__lte=today + datetime.timedelta(days=criteria.renewal_within_days),
        )
        accounts = accounts.filter(Exists(renewing))
    if criteria.teams:
        accounts = accounts.filter(owner__team__in=criteria.teams)
    return accounts


def with_qualifying_values(accounts: QuerySet[Account]) -> QuerySet[Account]:
    """Add what the sample and the frozen snapshot show: latest score, tier, utilisation,
    NPS answer, and the owner with their team. Subqueries run for the fetched rows only."""
    # The account's row of the latest day scored: one probe of the (as_of, account) index
    # per fetched row, where "its scores, latest first" sorted each account's days.
    latest = loyalty_scores_latest().filter(account=OuterRef("pk"))
    latest_nps = NPSResponse.objects.filter(account=OuterRef("pk")).order_by("-answered_on", "-pk")
    mrr = (
        _live_subscriptions()
        .order_by()
        .values("account")
        .annotate(total=Sum("monthly_amount"))
        .values("total")
    )
    return accounts.select_related("owner__team").annotate(
        latest_nps_score=Subquery(latest_nps.values("score")[:1]),
        mrr=Coalesce(Subquery(mrr, output_field=IntegerField()), Value(0)),
        latest_score=Subquery(latest.values("score")[:1]),
        latest_tier=Subquery(latest.values("tier")[:1]),
        latest_utilisation=Subquery(latest.annotate(u=_utilisation()).values("u")[:1]),
        next_renewal_on=Subquery(
            _live_subscriptions()
            .filter(renewal_on__isnull=False)
            .order_by("renewal_on")
            .values("renewal_on")[:1]
        ),
    )
