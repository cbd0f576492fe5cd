"""Hand-built accounts for the offer engine tests: a run date, plans and scores."""

import datetime

from accounts.models import LoyaltyScore
from opportunities.offers.run import CHUNK_SIZE, offers_generate
from tests.accounts.factories import PlanFactory, ProductFamilyFactory

RUN = datetime.date(2026, 11, 24)  # data up to the 23rd; last full month is October
# Accounts per chunk of the offers step in generate(); test_offers_rules runs every rule test
# again with one account per chunk, the tests' world then spread over many chunks.
chunk_size = CHUNK_SIZE


def days(n: int) -> datetime.date:
    return RUN + datetime.timedelta(days=n)


def scored(account, tier="high", churn_risk=False):
    return LoyaltyScore.objects.create(
        account=account,
        as_of=days(-1),
        score={"high": 80, "medium": 55, "low": 20}[tier],
        tier=tier,
        churn_risk=churn_risk,
    )


def family_of_two(*, lite=100_000, standard=125_000, included=1000, overage=75, **extra):
    """A Lite and a Standard plan of one family (the article's ¥175 vs ¥125, in thousands)."""
    family = ProductFamilyFactory()
    return (
        PlanFactory(
            family=family,
            tier_rank=1,
            monthly_price=lite,
            included_usage=included,
            overage_unit_price=overage,
            **extra,
        ),
        PlanFactory(
            family=family,
            tier_rank=2,
            monthly_price=standard,
            included_usage=included * 5,
            overage_unit_price=overage,
            **extra,
        ),
    )


def generate(run_date=RUN):
    return offers_generate(run_date=run_date, chunk_size=chunk_size)
