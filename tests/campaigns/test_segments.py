"""The segment builder's filters and exclusions, on accounts built by hand."""

import datetime
from decimal import Decimal

import pytest

from accounts.models import NPSResponse
from campaigns.segments import SegmentCriteria, segment_accounts
from tests.accounts.factories import AccountFactory, PlanFactory, SubscriptionFactory

from .factories import CampaignFactory, CampaignTargetFactory, LoyaltyScoreFactory

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 6, 1)


def matching(manager, campaign, **criteria):
    accounts = segment_accounts(
        user=manager, campaign=campaign, criteria=SegmentCriteria(**criteria), today=TODAY
    )
    return set(accounts.values_list("name", flat=True))


@pytest.fixture
def accounts(rep, team_a):
    """Three accounts in team A with scores, NPS answers, usage and renewals."""
    loyal = AccountFactory(
        name="loyal", owner=rep, industry="retail", employee_count=50, region="13"
    )
    middling = AccountFactory(
        name="middling", owner=rep, industry="it_software", employee_count=500, region="27"
    )
    cold = AccountFactory(
        name="cold", owner=rep, growth_stage="startup", employee_count=5, region="13"
    )
    # An old high score for `cold` must not count: only the latest score does.
    LoyaltyScoreFactory(account=cold, as_of=TODAY - datetime.timedelta(days=10), tier="high")
    LoyaltyScoreFactory(
        account=cold,
        as_of=TODAY,
        score=Decimal("20"),
        tier="low",
        used_recently=10.0,
    )
    LoyaltyScoreFactory(
        account=loyal,
        as_of=TODAY,
        score=Decimal("85"),
        tier="high",
        used_recently=95.0,
    )
    LoyaltyScoreFactory(
        account=middling,
        as_of=TODAY,
        score=Decimal("55"),
        tier="medium",
        used_recently=60.0,
    )
    NPSResponse.objects.create(account=loyal, score=10, answered_on=TODAY)
    NPSResponse.objects.create(account=middling, score=3, answered_on=TODAY - datetime.timedelta(9))
    NPSResponse.objects.create(account=middling, score=8, answered_on=TODAY)
    lite = PlanFactory(name="Lite")
    SubscriptionFactory(account=loyal, product=lite, renewal_on=TODAY + datetime.timedelta(20))
    SubscriptionFactory(account=middling, renewal_on=TODAY + datetime.timedelta(200))
    return {"loyal": loyal, "middling": middling, "cold": cold, "lite": lite}


def test_no_filters_gives_every_visible_account(manager, team_a, accounts):
    campaign = CampaignFactory(owner=manager, teams=[team_a])
    AccountFactory(name="someone else's")  # owned by a rep of no team: not visible
    assert matching(manager, campaign) == {"loyal", "middling", "cold"}


def test_loyalty_tier_and_score_range_use_the_latest_score(manager, team_a, accounts):
    campaign = CampaignFactory(owner=manager, teams=[team_a])
    assert matching(manager, campaign, tiers=["high"]) == {"loyal"}
    assert matching(manager, campaign, tiers=["high", "medium"]) == {"loyal", "middling"}
    assert matching(manager, campaign, score_min=Decimal(50), score_max=Decimal(60)) == {"middling"}
    assert matching(manager, campaign, score_max=Decimal(20)) == {"cold"}


def test_utilisation_range_reads_the_usage_component(manager, team_a, accounts):
    campaign = CampaignFactory(owner=manager, teams=[team_a])
    assert matching(manager, campaign, utilisation_min=Decimal(80)) == {"loyal"}
    assert matching(manager, campaign, utilisation_max=Decimal(60)) == {"middling", "cold"}


def test_nps_category_is_that_of_the_latest_answer(manager, team_a, accounts):
    campaign = CampaignFactory(owner=manager, teams=[team_a])
    assert matching(manager, campaign, nps_categories=["promoter"]) == {"loyal"}
    assert matching(manager, campaign, nps_categories=["passive"]) == {"middling"}
    assert matching(manager, campaign, nps_categories=["detractor"]) == set()


def test_firmographic_filters(manager, team_a, team_b, accounts):
    campaign = CampaignFactory(owner=manager, teams=[team_a])
    assert matching(manager, campaign, industries=["retail", "it_software"]) == {
        "loyal",
        "middling",
    }
    assert matching(manager, campaign, sizes=["micro", "large"]) == {"cold", "middling"}
    assert matching(manager, campaign, growth_stages=["startup"]) == {"cold"}
    assert matching(manager, campaign, regions=["13"]) == {"loyal", "cold"}
    assert matching(manager, campaign, teams=[team_a.pk]) == {"loyal", "middling", "cold"}
    assert matching(manager, campaign, teams=[team_b.pk]) == set()


def test_current_product_and_renewal_window(manager, team_a, accounts):
    campaign = CampaignFactory(owner=manager, teams=[team_a])
    assert matching(manager, campaign, current_products=[accounts["lite"].pk]) == {"loyal"}
    assert matching(manager, campaign, renewal_within_days=30) == {"loyal"}
    assert matching(manager, campaign, renewal_within_days=365) == {"loyal", "middling"}


def test_exclusions(manager, team_a, accounts):
    campaign = CampaignFactory(owner=manager, teams=[team_a])
    accounts["cold"].do_not_contact = True
    accounts["cold"].save()
    accounts["middling"].quiet_until = TODAY
    accounts["middling"].save()
    assert matching(manager, campaign) == {"loyal"}
    accounts["middling"].quiet_until = TODAY - datetime.timedelta(days=1)  # the quiet is over
    accounts["middling"].save()
    assert matching(manager, campaign) == {"loyal", "middling"}


def test_owners_of_the_offered_product_are_excluded(manager, team_a, accounts):
    campaign = CampaignFactory(owner=manager, teams=[team_a], product=accounts["lite"])
    assert matching(manager, campaign) == {"middling", "cold"}


def test_targets_of_another_active_campaign_for_the_product_are_excluded(manager, team_a, accounts):
    campaign = CampaignFactory(owner=manager, teams=[team_a])
    other = CampaignFactory(owner=manager, teams=[team_a], product=campaign.product)
    CampaignTargetFactory(campaign=other, account=accounts["cold"])
    assert matching(manager, campaign) == {"loyal", "middling", "cold"}  # other is a draft
    other.status = "active"
    other.save()
    assert matching(manager, campaign) == {"loyal", "middling"}
    elsewhere = CampaignFactory(owner=manager, teams=[team_a], status="active")
    CampaignTargetFactory(campaign=elsewhere, account=accounts["loyal"])  # another product
    assert matching(manager, campaign) == {"loyal", "middling"}


def test_criteria_round_trip_through_json():
    criteria = SegmentCriteria(tiers=["high"], score_min=Decimal("60.5"), renewal_within_days=30)
    assert SegmentCriteria.from_json(criteria.as_json()) == criteria
    assert criteria.as_json() == {"tiers": ["high"], "score_min": "60.5", "renewal_within_days": 30}
