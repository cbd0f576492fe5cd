"""A year of history behind the reports: offer cards the reps answered, the deals the
accepted ones opened, other upsells, cross-sells and down-sells won, and (from seed_demo
--score-months) loyalty scores at past month ends.

Without it, a fresh demo would show one day of everything: the reports of won expansion by
month, offer acceptance by rule and tier movement need months behind them. Account number n
draws its history from its own generator seeded with (seed, n), so the history does not
depend on which other accounts exist; dates are offsets from today. Rows are written in
bulk. A second run finds the history (offer cards older than a month on demo accounts; the
nightly run only makes cards dated today) and adds nothing.
"""

import datetime
import random
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from accounts.models import Account, Product, Subscription
from opportunities.models import (
    DEFAULT_PROBABILITY,
    DismissReason,
    OfferCard,
    OfferSource,
    Opportunity,
    OpportunityType,
    Source,
    Stage,
)

from .accounts import EXTERNAL_ID_PREFIX
from .catalogue import Catalogue
from .opportunities import DEAL_NAMES

HISTORY_DAYS = 365
# Cards are at least this old: the engine's contact cap counts the cards of the last 30 days,
# and tonight's cards should not be held back by invented history.
NEWEST_CARD_DAYS = 35
CARD_SHARE = 0.3  # accounts with an answered card in the past year
DEAL_SHARE = 0.06  # accounts with a deal won without a card (campaigns, QBRs, the rep's own)
EXPIRED_SHARE = 0.2  # cards nobody answered before they expired
WON_SHARE = 0.6  # accepted cards whose deal was won (the rest were lost)
# Rules as the engine names them (opportunities/offers/rules.py), their kind, how often they
# fire and how often reps accept them: timely triggers are taken up more than affinity.
RULES = {
    "upsell_trial_end": (OpportunityType.UPSELL, 3, 0.55),
    "upsell_overage": (OpportunityType.UPSELL, 3, 0.5),
    "upsell_utilisation": (OpportunityType.UPSELL, 5, 0.4),
    "upsell_growth": (OpportunityType.UPSELL, 3, 0.35),
    "cross_sell_affinity": (OpportunityType.CROSS_SELL, 6, 0.3),
    "down_sell_renewal": (OpportunityType.DOWN_SELL, 2, 0.45),
    "watch_condition_met": (OpportunityType.UPSELL, 1, 0.6),
}
DISMISS_NOTES = ["予算確定後に再提案", "先方担当者が異動のため保留", "更新時期に合わせて再検討", ""]
LOSS_REASONS = ["予算が下りなかった", "競合製品に決定", "導入時期を延期"]


@dataclass
class HistoryCounts:
    cards: int = 0
    deals: int = 0


@dataclass(frozen=True)
class Offer:
    """What a card or deal would sell one account: from its plan, to a product."""

    kind: str
    subscription_id: int | None
    from_product: Product | None
    to_product: Product
    monthly: int  # the change to the monthly bill, positive


class Offers:
    """The upsell, cross-sell and down-sell each account's main plan allows."""

    def __init__(self, catalogue: Catalogue):
        plans = [p for p in catalogue.products.values() if p.kind == Product.Kind.PLAN]
        self.by_id = {product.pk: product for product in catalogue.products.values()}
        self.tiers = {(plan.family_id, plan.tier_rank): plan for plan in plans}
        complements = Product.complements.through.objects.values_list(
            "from_product_id", "to_product__family_id"
        )
        self.add_ons: dict[int, list[Product]] = {}
        for add_on_id, family_id in sorted(set(complements)):
            self.add_ons.setdefault(family_id, []).append(self.by_id[add_on_id])

    def offer(self, kind: str, rng: random.Random, plan: tuple[int, int, int]) -> Offer | None:
        subscription_id, product_id, _amount = plan
        current = self.by_id[product_id]
        if kind == OpportunityType.CROSS_SELL:
            add_ons = self.add_ons.get(current.family_id) or []
            if not add_ons:
                return None
            add_on = rng.choice(add_ons)
            return Offer(kind, None, None, add_on, add_on.monthly_price)
        step = 1 if kind == OpportunityType.UPSELL else -1
        other = self.tiers.get((current.family_id, current.tier_rank + step))
        if other is None:
            return None
        return Offer(
            kind, subscription_id, current, other, abs(other.monthly_price - current.monthly_price)
        )


def _history_exists(today: datetime.date) -> bool:
    """Cards older than the newest history card on demo accounts: made by an earlier run
    (or by a demo in use for over a month, whose own history then speaks for itself)."""
    return OfferCard.objects.filter(
        account__external_id__startswith=EXTERNAL_ID_PREFIX,
        generated_on__lte=today - datetime.timedelta(days=NEWEST_CARD_DAYS),
    ).exists()


def seed_history(*, seed: int, today: datetime.date, catalogue: Catalogue) -> HistoryCounts:
    """Answered cards and won deals over the past year, on the demo accounts (bulk writes)."""
    if _history_exists(today):
        return HistoryCounts()
    offers = Offers(catalogue)
    accounts = list(
        Account.objects.filter(external_id__startswith=EXTERNAL_ID_PREFIX, owner__isnull=False)
        .order_by("external_id")
        .values_list("pk", "external_id", "owner_id", "name")
    )
    plans: dict[int, tuple[int, int, int]] = {}
    for account_id, *plan in (
        Subscription.objects.filter(
            account__external_id__startswith=EXTERNAL_ID_PREFIX,
            status=Subscription.Status.ACTIVE,
            product__kind=Product.Kind.PLAN,
        )
        .order_by("account_id", "started_on", "pk")
        .values_list("account_id", "pk", "product_id", "monthly_amount")
    ):
        plans.setdefault(account_id, tuple(plan))

    cards: list[OfferCard] = []
    deals: list[Opportunity] = []
    for account_id, external_id, owner_id, name in accounts:
        plan = plans.get(account_id)
        if plan is None:
            continue
        rng = random.Random(f"demo-history:{seed}:{external_id}")
        draw = rng.random()
        if draw < CARD_SHARE:
            drafted = _card(rng, offers, plan, account_id, owner_id, name, today)
            if drafted is not None:
                cards.append(drafted[0])
                if drafted[1] is not None:
                    deals.append(drafted[1])
        elif draw < CARD_SHARE + DEAL_SHARE:
            deal = _deal(rng, offers, plan, account_id, owner_id, name, today)
            if deal is not None:
                deals.append(deal)

    with transaction.atomic():
        Opportunity.objects.bulk_create(deals, batch_size=2_000)
        for card in cards:
            card.opportunity_id = card.opportunity.pk if card.opportunity else None
        OfferCard.objects.bulk_create(cards, batch_size=2_000)
    return HistoryCounts(cards=len(cards), deals=len(deals))


def _aware(day: datetime.date, hour: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def _opportunity(
    offer: Offer,
    *,
    account_id: int,
    owner_id: int,
    name: str,
    closed_on: datetime.date,
    won: bool,
    source: str,
    rng: random.Random,
) -> Opportunity:
    months = rng.choice((12, 12, 24))
    return Opportunity(
        account_id=account_id,
        owner_id=owner_id,
        name=f"{name} {DEAL_NAMES[offer.kind]}",
        type=offer.kind,
        subscription_id=offer.subscription_id,
        from_product=offer.from_product,
        to_product=offer.to_product,
        monthly_amount_change=offer.monthly,
        contract_value=offer.monthly * months,
        stage=Stage.WON if won else Stage.LOST,
        probability=100 if won else 0,
        expected_close=closed_on,
        closed_on=closed_on,
        source=source,
        loss_reason="" if won else rng.choice(LOSS_REASONS),
        # history: the change reached the subscription long ago (its amount today includes it)
        subscription_applied_at=_aware(closed_on, 18) if won else None,
    )


def _card(rng, offers: Offers, plan, account_id, owner_id, name, today):
    rules = list(RULES)
    rule = rng.choices(rules, [RULES[r][1] for r in rules])[0]
    kind, _weight, acceptance = RULES[rule]
    offer = offers.offer(kind, rng, plan)
    if offer is None:
        return None
    generated_on = today - datetime.timedelta(days=rng.randint(NEWEST_CARD_DAYS, HISTORY_DAYS))
    acted_on = generated_on + datetime.timedelta(days=rng.randint(0, 10))
    probability = round(rng.uniform(0.2, 0.6), 3)
    uplift = -offer.monthly if kind == OpportunityType.DOWN_SELL else offer.monthly
    card = OfferCard(
        account_id=account_id,
        rep_id=owner_id,
        kind=kind,
        product=offer.to_product,
        current_product=offer.from_product,
        source=OfferSource.ENGINE,
        rule=rule,
        monthly_uplift=uplift,
        probability=probability,
        expected_value=round(probability * offer.monthly),
        generated_on=generated_on,
    )
    deal = None
    draw = rng.random()
    if draw < EXPIRED_SHARE:
        card.status = OfferCard.Status.EXPIRED
    elif draw < EXPIRED_SHARE + (1 - EXPIRED_SHARE) * acceptance:
        card.status = OfferCard.Status.ACCEPTED
        card.acted_at = _aware(acted_on, 10)
        closes_on = acted_on + datetime.timedelta(days=rng.randint(10, 60))
        deal = _opportunity(
            offer,
            account_id=account_id,
            owner_id=owner_id,
            name=name,
            closed_on=closes_on,
            won=rng.random() < WON_SHARE,
            source=Source.OFFER_CARD,
            rng=rng,
        )
        if closes_on >= today:  # not decided yet: still in the pipeline
            deal.stage, deal.probability = Stage.NEGOTIATION, DEFAULT_PROBABILITY[Stage.NEGOTIATION]
            deal.closed_on, deal.loss_reason, deal.subscription_applied_at = None, "", None
        card.opportunity = deal
    else:
        card.status = OfferCard.Status.DISMISSED
        card.acted_at = _aware(acted_on, 10)
        card.dismiss_reason = rng.choice(DismissReason.values)
        card.dismiss_note = rng.choice(DISMISS_NOTES)
    return card, deal


def _deal(rng, offers: Offers, plan, account_id, owner_id, name, today):
    kinds = [OpportunityType.UPSELL, OpportunityType.CROSS_SELL, OpportunityType.DOWN_SELL]
    offer = offers.offer(rng.choices(kinds, (45, 40, 15))[0], rng, plan)
    if offer is None:
        return None
    return _opportunity(
        offer,
        account_id=account_id,
        owner_id=owner_id,
        name=name,
        closed_on=today - datetime.timedelta(days=rng.randint(31, HISTORY_DAYS)),
        won=True,
        source=rng.choice((Source.CAMPAIGN, Source.QBR, Source.MANUAL)),
        rng=rng,
    )
