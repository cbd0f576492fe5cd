"""The weighted forecast, checked against sums worked out by hand."""

import datetime

import pytest

from opportunities.models import Opportunity, OpportunityType, Stage
from opportunities.selectors import pipeline_forecast
from tests.accounts.factories import AccountFactory

from .factories import OpportunityFactory

pytestmark = pytest.mark.django_db

START = datetime.date(2026, 11, 15)


@pytest.fixture
def deals(rep):
    account = AccountFactory(owner=rep)

    def deal(close, type_, value, stage, probability):
        return OpportunityFactory(
            account=account,
            expected_close=close,
            type=type_,
            contract_value=value,
            stage=stage,
            probability=probability,
            loss_reason="lost" if stage == Stage.LOST else "",
        )

    # November: upsell 1,000,000 × 50% + upsell 333,333 × 25% = 500,000 + 83,333.25
    deal(datetime.date(2026, 11, 20), OpportunityType.UPSELL, 1_000_000, Stage.PROPOSAL, 50)
    deal(datetime.date(2026, 11, 30), OpportunityType.UPSELL, 333_333, Stage.HEARING, 25)
    # November: a won cross-sell counts in full: 200,000 × 100%
    deal(datetime.date(2026, 11, 1), OpportunityType.CROSS_SELL, 200_000, Stage.WON, 100)
    # November: a lost deal counts for nothing, even with a probability left on it
    deal(datetime.date(2026, 11, 10), OpportunityType.UPSELL, 9_000_000, Stage.LOST, 40)
    # January: down-sell 90,000 × 75% = 67,500; renewal 30,000,000 × 10% = 3,000,000
    deal(datetime.date(2027, 1, 31), OpportunityType.DOWN_SELL, 90_000, Stage.NEGOTIATION, 75)
    deal(datetime.date(2027, 1, 1), OpportunityType.RENEWAL, 30_000_000, Stage.PROSPECTING, 10)
    # Before the window and after it: left out
    deal(datetime.date(2026, 10, 31), OpportunityType.NEW, 5_000_000, Stage.PROPOSAL, 50)
    deal(datetime.date(2027, 2, 1), OpportunityType.NEW, 5_000_000, Stage.PROPOSAL, 50)
    return account


def test_weighted_forecast_by_month_and_type(deals):
    forecast = pipeline_forecast(opportunities=Opportunity.objects.all(), start=START, months=3)

    assert [m.month for m in forecast.months] == [
        datetime.date(2026, 11, 1),
        datetime.date(2026, 12, 1),
        datetime.date(2027, 1, 1),
    ]
    november, december, january = forecast.months
    assert november.weighted_by_type[OpportunityType.UPSELL] == 583_333  # 583,333.25
    assert november.weighted_by_type[OpportunityType.CROSS_SELL] == 200_000
    assert november.weighted == 783_333
    assert november.pipeline == 1_533_333
    assert november.count == 3
    assert december.weighted == 0 and december.count == 0
    assert january.weighted_by_type[OpportunityType.DOWN_SELL] == 67_500
    assert january.weighted_by_type[OpportunityType.RENEWAL] == 3_000_000
    assert january.weighted == 3_067_500
    assert forecast.weighted == 3_850_833
    assert forecast.weighted_by_type[OpportunityType.NEW] == 0
    assert forecast.pipeline == 1_533_333 + 30_090_000


def test_chart_data_holds_the_same_numbers_as_the_table(deals):
    forecast = pipeline_forecast(opportunities=Opportunity.objects.all(), start=START, months=3)

    chart = forecast.chart_data()

    assert chart["labels"] == ["2026-11", "2026-12", "2027-01"]
    upsell = next(d for d in chart["datasets"] if d["label"] == str(OpportunityType.UPSELL.label))
    assert upsell["data"] == [583_333, 0, 0]
