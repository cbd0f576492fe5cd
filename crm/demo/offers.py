"""Demo offer history: cards the engine made in the last two months and how the reps answered
them (accepted, dismissed with a reason, snoozed), so that the manager's offer acceptance, the
offer feedback report and the whitespace grid's offered and declined cells have data on the
first night. Answers go through the offer services, as a rep's click would.

Deterministic (everything follows from the account's position) and idempotent: once any of
the accounts has a card, a later run finds it in one query and adds nothing.
"""

import datetime
from collections.abc import Sequence
from decimal import Decimal

from accounts.models import Account, Product, Subscription
from opportunities import services as pipeline
from opportunities.models import DismissReason, OfferCard, OfferSource, OpportunityType, Stage
from opportunities.offers import services

# How the reps answered, in turn: mostly yes or "not for them", some "not now".
ANSWERS = [
    ("accept", ""),
    ("dismiss", DismissReason.NOT_INTERESTED),
    ("accept", ""),
    ("snooze", ""),
    ("dismiss", DismissReason.NO_BUDGET),
    ("accept", ""),
    ("dismiss", DismissReason.BAD_TIMING),
    ("dismiss", DismissReason.RELATIONSHIP),
    ("accept", ""),
    ("dismiss", DismissReason.WRONG_PRODUCT),
]
NOTES = {
    DismissReason.NO_BUDGET: "来期の予算で再検討したいとのこと",
    DismissReason.RELATIONSHIP: "障害対応の直後なので提案は控える",
    DismissReason.WRONG_PRODUCT: "現行プランで十分に回っている",
}
LOST_EVERY = 4  # every fourth accepted offer was lost since


def seed_offer_history(
    *, accounts: Sequence[Account], today: datetime.date, products: dict[int, Product]
) -> int:
    """Answered cards for `accounts` (an upsell to the next tier of their plan, else an add-on
    that complements it); returns how many cards were made."""
    accounts = [a for a in accounts if a.owner_id]
    if not accounts or OfferCard.objects.filter(account__in=accounts).exists():
        return 0
    plans: dict[int, Subscription] = {}  # each account's largest plan
    for sub in Subscription.objects.filter(
        account__in=accounts, status=Subscription.Status.ACTIVE, product__kind=Product.Kind.PLAN
    ).order_by("account", "-monthly_amount", "pk"):
        plans.setdefault(sub.account_id, sub)
    next_tier = {
        (p.family_id, p.tier_rank): p for p in products.values() if p.kind == Product.Kind.PLAN
    }
    add_ons = sorted(
        (p for p in products.values() if p.kind == Product.Kind.ADD_ON), key=lambda p: p.code
    )
    complements = {
        (row.from_product_id, row.to_product_id)
        for row in Product.complements.through.objects.all()
    }
    made = accepted = 0
    for index, account in enumerate(accounts):
        sub = plans.get(account.pk)
        if sub is None:
            continue
        plan = products[sub.product_id]
        target = next_tier.get((plan.family_id, (plan.tier_rank or 0) + 1))
        if target is not None and index % 3:
            kind, uplift = OpportunityType.UPSELL, target.monthly_price - sub.monthly_amount
            reasons = [{"code": "usage_growth", "params": {"percent": 40 + index % 5 * 10}}]
        else:
            target = next((a for a in add_ons if (a.pk, plan.pk) in complements), None)
            if target is None:
                continue
            kind, uplift = OpportunityType.CROSS_SELL, target.monthly_price
            reasons = [
                {
                    "code": "anchor_share",
                    "params": {
                        "price": target.monthly_price,
                        "spend": sub.monthly_amount,
                        "percent": 100 * target.monthly_price // max(sub.monthly_amount, 1),
                    },
                }
            ]
        card = OfferCard.objects.create(
            account=account,
            rep_id=account.owner_id,
            kind=kind,
            product=target,
            current_product=plan,
            source=OfferSource.ENGINE,
            rule="upsell_growth" if kind == OpportunityType.UPSELL else "cross_sell_affinity",
            monthly_uplift=max(uplift, 0),
            probability=Decimal("0.300"),
            expected_value=round(max(uplift, 0) * 0.3),
            reasons=reasons,
            generated_on=today - datetime.timedelta(days=10 + index % 50),
        )
        made += 1
        answer, reason = ANSWERS[index % len(ANSWERS)]
        if answer == "accept":
            opportunity = services.offer_card_accept(card=card, by=account.owner)
            accepted += 1
            if accepted % LOST_EVERY == 0:
                pipeline.opportunity_move(
                    opportunity=opportunity,
                    stage=Stage.LOST,
                    by=account.owner,
                    loss_reason="他社製品と比較のうえ見送り",
                )
        elif answer == "snooze":
            services.offer_card_snooze(
                card=card, by=account.owner, until=today + datetime.timedelta(days=21)
            )
        else:
            services.offer_card_dismiss(
                card=card, by=account.owner, reason=reason, note=NOTES.get(reason, "")
            )
    return made
